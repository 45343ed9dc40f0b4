/**
 * The offline Realtime Database server: one http server in this process that takes the SDKs'
 * websockets (firebase-server + compat.ts + connection.ts) and the REST calls (rest.ts), over one
 * in-memory store and one rules engine. All operations run one at a time through one queue.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { ADMIN } from "./auth.js";
import { createFirebaseServer } from "./compat.js";
import { ClientConnection, type ServerSocket } from "./connection.js";
import { handleRestRequest } from "./rest.js";
import { OPEN_RULES_TEXT, RulesEngine } from "./rules.js";
import { SerialQueue } from "./serial-queue.js";
import type { WriteObserver } from "./store.js";

export interface OfflineRtdbOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  namespace: string;
  /** Contents of database.rules.json; without it everything is allowed, as in the official emulator. */
  rulesText?: string;
  log: (line: string) => void;
}

export interface OfflineRtdb {
  readonly host: string;
  readonly port: number;
  /** Every applied write, with its writer (see store.ts); returns the function that stops the calls. */
  observeWrites(observer: WriteObserver): () => void;
  /** Deletes everything, firing no triggers. */
  reset(): Promise<void>;
  setRules(rulesText: string): Promise<void>;
  stop(): Promise<void>;
}

function namespaceOf(request: IncomingMessage): string | null {
  return new URL(request.url ?? "/", "http://localhost").searchParams.get("ns");
}

export async function startOfflineRtdb(options: OfflineRtdbOptions): Promise<OfflineRtdb> {
  const { log } = options;
  const rules = new RulesEngine(options.rulesText ?? OPEN_RULES_TEXT);
  const queue = new SerialQueue();
  let stopping = false;

  const httpServer = createServer();
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port, options.host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;

  const warnedNamespaces = new Set<string>();
  const firebaseServer = createFirebaseServer(httpServer, `${options.host}:${port}`, (socket, request, startUpstreamHandler) => {
    const namespace = namespaceOf(request);
    if (namespace && namespace !== options.namespace && !warnedNamespaces.has(namespace)) {
      warnedNamespaces.add(namespace);
      log(`a client asked for namespace "${namespace}"; this server has one namespace ("${options.namespace}") and serves its data to every client`);
    }
    const connection = new ClientConnection(socket as ServerSocket, { store, rules, queue, log, namespace, isStopping: () => stopping });
    connection.start(startUpstreamHandler);
  });
  const { store } = firebaseServer;
  store.observeChanges((segments, value) => rules.mirror(segments, value));
  httpServer.on("request", (request, response) => void handleRestRequest({ store, rules, queue, log }, request, response));

  return {
    host: options.host,
    port,
    observeWrites: (observer) => store.observeWrites(observer),
    reset: () =>
      queue.run(() => {
        store.origin = { namespace: options.namespace, identity: ADMIN, triggers: false };
        try {
          store.set("", null);
        } finally {
          store.origin = undefined;
        }
      }),
    setRules: async (rulesText) => rules.setRulesText(rulesText),
    async stop() {
      if (stopping) return;
      stopping = true;
      await firebaseServer.close(); // terminates the sockets
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
