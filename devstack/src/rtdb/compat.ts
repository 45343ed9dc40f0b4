/**
 * firebase-server 1.1.0 (npm, 2020) made usable with today's SDKs, without editing node_modules.
 *
 * We keep what it does well: the websocket endpoint with protocol v5 framing and handshake, value
 * listens ("l"/"q") with read rules, puts ("p", including priority paths) and merges ("m") with
 * write/validate rules, acknowledged in order. Two patches, applied once per process:
 *
 * 1. `require("firebase")` inside firebase-server resolves to firebase-shim.ts. The root `firebase`
 *    (v12) has an exports map without "." (require fails), and even firebase/compat would be the wrong
 *    store: firebase-server keeps data in an SDK instance that stays offline, so every write stays in
 *    the SDK's pending-write log forever and each write gets slower (30k writes took 18 s, growing).
 * 2. `handleConnection` runs each socket's handler with a per-connection `this` (derived from the
 *    server) whose `targaryen` evaluates the rules for *that* connection's identity, over the store's
 *    current data (admins skip rules). Upstream keeps one targaryen database for all sockets and
 *    stores back each write's result, which carries the writer's auth: targaryen's `as(null)` keeps
 *    the previous auth, so anonymous sockets acted as the last user who wrote. Its copy of the data
 *    also drifted from the store (a transaction rejected as stale was already in it). The same
 *    `this` gives the socket a root reference whose listeners we can remove (upstream never removes
 *    any, not even for closed sockets) and a `clock` so rules see the `now` we resolved
 *    ServerValue.TIMESTAMP with.
 *
 * Everything upstream lacks (get, onDisconnect, increments, auth, unlisten, transaction hashes
 * checked before rules) is handled in front of it, in connection.ts.
 */
import type { Server as HttpServer, IncomingMessage } from "node:http";
import Module, { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { createFirebaseShim, type ShimApp, type ShimReference } from "./firebase-shim.js";
import type { RulesEvaluator } from "./rules.js";
import type { RealtimeStore } from "./store.js";

const localRequire = createRequire(__filename);
const packageDir = dirname(localRequire.resolve("firebase-server/package.json"));
const packageRequire = createRequire(join(packageDir, "package.json"));

/** The socket firebase-server's per-connection handler talks to (ws 7 API, the parts it uses). */
export interface LegacySocket {
  readonly _socket: unknown;
  send(text: string): void;
  on(event: "message", listener: (data: string) => void): void;
}

/** What the upstream per-connection handler needs from us. */
export interface LegacyConnectionBindings {
  readonly socket: LegacySocket;
  /** Root reference whose listeners belong to this connection. */
  readonly root: ShimReference;
  /** The rules as this connection's identity, at the time of the call. */
  rules(): RulesEvaluator;
  /** Timestamp of the operation being handled. */
  clock(): number;
}

/** Per accepted socket: set up the connection, then call `startUpstreamHandler` once. */
export type AdoptConnection = (socket: unknown, request: IncomingMessage, startUpstreamHandler: (bindings: LegacyConnectionBindings) => void) => void;

interface FirebaseServerInstance {
  readonly app: ShimApp;
  close(): Promise<void>;
}

interface FirebaseServerClass {
  new (options: { server: HttpServer }, name: string): FirebaseServerInstance;
  prototype: { handleConnection(this: FirebaseServerInstance, socket: unknown, request: IncomingMessage): void };
}

export interface FirebaseServerHandle {
  readonly store: RealtimeStore;
  /** Stops accepting sockets and terminates the open ones (the http server stays up). */
  close(): Promise<void>;
}

type ResolveFilename = (request: string, parent: { filename?: string | null } | undefined, ...rest: unknown[]) => string;

/** Patch 1: loads firebase-server with `require("firebase")` answered by the shim. */
function requireWithFirebaseShim(): FirebaseServerClass {
  const shimId = join(packageDir, "firebase.shim.js");
  const shimModule = new Module(shimId);
  shimModule.filename = shimId;
  shimModule.loaded = true;
  shimModule.exports = createFirebaseShim();
  packageRequire.cache[shimId] = shimModule;

  const loader = Module as unknown as { _resolveFilename: ResolveFilename };
  const resolveFilename = loader._resolveFilename;
  loader._resolveFilename = function (this: unknown, request, parent, ...rest) {
    if (request === "firebase" && parent?.filename?.startsWith(packageDir + sep)) return shimId;
    return resolveFilename.call(this, request, parent, ...rest);
  };
  try {
    return localRequire("firebase-server") as FirebaseServerClass;
  } finally {
    // Only firebase-server's own load needs the redirect.
    loader._resolveFilename = resolveFilename;
  }
}

const adopters = new WeakMap<object, AdoptConnection>();
let patchedClass: FirebaseServerClass | undefined;

/** Patch 2: see the file comment. */
function patchHandleConnection(FirebaseServer: FirebaseServerClass): void {
  const upstreamHandleConnection = FirebaseServer.prototype.handleConnection;
  FirebaseServer.prototype.handleConnection = function (socket, request) {
    const adopt = adopters.get(this);
    if (!adopt) throw new Error("firebase-server instance not created through createFirebaseServer()");
    adopt(socket, request, (bindings) => {
      const connectionThis = Object.create(this, {
        baseRef: { value: bindings.root },
        // Upstream calls `server.targaryen.as(auth).read/write/update(...)`, then stores the result's
        // database back here: we ignore both the auth it passes and what it stores.
        targaryen: { get: () => ({ as: () => bindings.rules() }), set: () => {} },
        clock: { get: () => bindings.clock() },
      });
      upstreamHandleConnection.call(connectionThis, bindings.socket, request);
    });
  };
}

function loadFirebaseServer(): FirebaseServerClass {
  if (!patchedClass) {
    const FirebaseServer = requireWithFirebaseShim();
    patchHandleConnection(FirebaseServer);
    patchedClass = FirebaseServer;
  }
  return patchedClass;
}

/** Attaches a patched firebase-server to a listening http server (websocket upgrades on any path). */
export function createFirebaseServer(httpServer: HttpServer, name: string, adopt: AdoptConnection): FirebaseServerHandle {
  const FirebaseServer = loadFirebaseServer();
  const instance = new FirebaseServer({ server: httpServer }, name);
  // Connections are accepted asynchronously, so registering right after construction is in time.
  adopters.set(instance, adopt);
  return { store: instance.app.database().store, close: () => instance.close() };
}
