/**
 * Google's Realtime Database emulator jar, started the way firebase-tools starts it
 * (lib/emulator/downloadableEmulators.js: `java -Duser.language=en -jar <jar> --host H --port P`),
 * with rules loaded over REST like firebase-tools' DatabaseEmulator.updateRules. Used only when the
 * jar is present (it is not on the offline machines; this path is untested there).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const JAR_NAME = /^firebase-database-emulator-v(\d+)\.(\d+)\.(\d+)\.jar$/;
const STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < 3; index++) if (a[index] !== b[index]) return a[index] - b[index];
  return 0;
}

/** $FIREBASE_DATABASE_EMULATOR_JAR, else the newest jar firebase-tools downloaded (it honours $FIREBASE_EMULATORS_PATH too). */
export function findOfficialRtdbJar(): string | null {
  const fromEnv = process.env.FIREBASE_DATABASE_EMULATOR_JAR;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  const cacheDir = process.env.FIREBASE_EMULATORS_PATH || join(homedir(), ".cache", "firebase", "emulators");
  let names: string[];
  try {
    names = readdirSync(cacheDir);
  } catch {
    return null;
  }
  const jars = names
    .map((name) => ({ name, version: name.match(JAR_NAME)?.slice(1).map(Number) }))
    .filter((jar): jar is { name: string; version: number[] } => jar.version !== undefined)
    .sort((a, b) => compareVersions(b.version, a.version));
  return jars.length > 0 ? join(cacheDir, jars[0].name) : null;
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface OfficialRtdbOptions {
  jar: string;
  java: string;
  host: string;
  port: number;
  namespace: string;
  rulesText?: string;
  log: (line: string) => void;
}

export interface OfficialRtdb {
  readonly port: number;
  reset(): Promise<void>;
  setRules(rulesText: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startOfficialRtdb(options: OfficialRtdbOptions): Promise<OfficialRtdb> {
  const port = options.port || (await freePort(options.host));
  const child = spawn(options.java, ["-Duser.language=en", "-jar", options.jar, "--host", options.host, "--port", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on("line", options.log);
  let failure: string | undefined;
  child.once("exit", (code, signal) => {
    failure = `The RTDB emulator exited (${signal ?? `code ${code}`})`;
  });
  child.once("error", (error) => {
    failure = `Could not run ${options.java}: ${error.message}`;
  });

  const baseUrl = `http://${options.host}:${port}`;
  const ownerRequest = async (method: string, path: string, body?: string) => {
    const response = await fetch(`${baseUrl}${path}?ns=${encodeURIComponent(options.namespace)}`, {
      method,
      headers: { Authorization: "Bearer owner" },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} on the RTDB emulator: ${response.status} ${text}`);
  };

  const stop = () => stopProcess(child);
  try {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      if (failure) throw new Error(`${failure} while starting`);
      if (
        await ownerRequest("GET", "/.json").then(
          () => true,
          () => false,
        )
      )
        break;
      if (Date.now() > deadline) throw new Error(`The RTDB emulator did not answer on ${baseUrl} within ${STARTUP_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (options.rulesText !== undefined) await ownerRequest("PUT", "/.settings/rules.json", options.rulesText);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    port,
    reset: () => ownerRequest("PUT", "/.json", "null"),
    setRules: (rulesText) => ownerRequest("PUT", "/.settings/rules.json", rulesText),
    stop,
  };
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGINT"); // what firebase-tools sends
  });
}
