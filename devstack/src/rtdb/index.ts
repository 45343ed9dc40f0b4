/**
 * A Realtime Database for local development and tests: Google's emulator jar when it and a java
 * binary are available, otherwise our offline server (server.ts), which the real SDKs (firebase v12,
 * firebase-admin 13) reach over their own protocol, with database.rules.json enforced per connection.
 */
import { readFileSync } from "node:fs";
import { findOfficialRtdbJar, startOfficialRtdb } from "./official.js";
import { startOfflineRtdb } from "./server.js";
import type { WriteObserver } from "./store.js";

export type { AppliedWrite, WriteObserver, WriteOrigin } from "./store.js";
export { findOfficialRtdbJar };

export interface RtdbHandle {
  kind: "official" | "offline";
  host: string;
  port: number;
  namespace: string;
  /** e.g. http://127.0.0.1:9000?ns=demo-live-default-rtdb */
  url: string;
  /** "127.0.0.1:9000", for FIREBASE_DATABASE_EMULATOR_HOST */
  emulatorHost: string;
  /**
   * The offline server only: calls `observer` after every applied write, with the trees before and
   * after it and its writer (database triggers are built on it, see ../triggers.ts). Returns the
   * function that stops the calls.
   */
  observeWrites?: (observer: WriteObserver) => () => void;
  /** Deletes all data, firing no triggers; the rules stay. */
  reset(): Promise<void>;
  setRules(rulesJsonText: string): Promise<void>;
  /** Closes all sockets and frees the port. */
  stop(): Promise<void>;
}

export interface StartRtdbOptions {
  host?: string;
  /** 0 or undefined: a free port. */
  port?: number;
  namespace: string;
  /** database.rules.json; comments are allowed. Without it everything is allowed. */
  rulesPath?: string;
  /** java binary for the official jar; without it the offline server is used. */
  java?: string;
  log?: (line: string) => void;
}

function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Starts the official emulator when its jar is found and `java` is given, else the offline server. */
export async function startRtdb(options: StartRtdbOptions): Promise<RtdbHandle> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  const log = options.log ?? (() => {});
  const rulesText = options.rulesPath === undefined ? undefined : readFileSync(options.rulesPath, "utf8");
  const jar = options.java ? findOfficialRtdbJar() : null;
  log(jar ? `starting Google's RTDB emulator (${jar})` : "no RTDB emulator jar (or no java): starting the offline RTDB server");

  const server =
    jar && options.java
      ? {
          kind: "official" as const,
          ...(await startOfficialRtdb({ jar, java: options.java, host, port, namespace: options.namespace, rulesText, log })),
        }
      : { kind: "offline" as const, ...(await startOfflineRtdb({ host, port, namespace: options.namespace, rulesText, log })) };

  const emulatorHost = hostPort(host, server.port);
  return {
    ...("observeWrites" in server ? { observeWrites: server.observeWrites } : {}),
    kind: server.kind,
    host,
    port: server.port,
    namespace: options.namespace,
    url: `http://${emulatorHost}?ns=${options.namespace}`,
    emulatorHost,
    reset: () => server.reset(),
    setRules: (rulesJsonText) => server.setRules(rulesJsonText),
    stop: () => server.stop(),
  };
}
