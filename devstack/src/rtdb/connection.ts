/**
 * One client socket, speaking websocket protocol v5 (what firebase v12 and firebase-admin 13 send).
 * Every message goes through the server-wide queue, so operations apply one at a time in arrival
 * order. Listens, puts and merges are passed on to firebase-server (compat.ts); the rest is ours:
 *
 * - auth/gauth/unauth: identity per connection ("owner" = admin, JWT = user), see auth.ts.
 * - g (get()): upstream never answers it, so get() hung.
 * - o/om/oc (onDisconnect): upstream never answers either; we check rules when the operation is
 *   queued (as RTDB does) and apply it when the socket closes.
 * - Server values: resolved before upstream sees a write (it only knew TIMESTAMP and hung on increment).
 * - Transactions: the hash is compared before the rules, so a stale transaction gets "datastale" and
 *   retries, instead of "permission_denied" from rules judging data the client did not see.
 * - n (unlisten) and socket close: the listen's store subscriptions are removed.
 */
import { ANONYMOUS, applyAuthOverride, authVariableOf, type Identity, identityFromCredential } from "./auth.js";
import type { LegacyConnectionBindings } from "./compat.js";
import { ListenerScope, ShimReference } from "./firebase-shim.js";
import { applyWireQuery, firebaseHash, type WireQuery } from "./ordering.js";
import type { RulesEngine, RulesEvaluator } from "./rules.js";
import { nextMacrotask, type SerialQueue } from "./serial-queue.js";
import { resolveServerValues, resolveServerValuesInPatch } from "./server-values.js";
import type { RealtimeStore, WriteOrigin } from "./store.js";
import { InvalidDataError, normalizeValue, parsePath, splitPath } from "./tree.js";

/** The ws 7 WebSocket API we use. */
export interface ServerSocket {
  readonly readyState: number;
  readonly _socket: unknown;
  send(text: string): void;
  on(event: "message", listener: (data: unknown) => void): unknown;
  on(event: "close", listener: () => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
}

export interface ConnectionContext {
  readonly store: RealtimeStore;
  readonly rules: RulesEngine;
  readonly queue: SerialQueue;
  readonly log: (line: string) => void;
  /** The namespace the client asked for (?ns= of its websocket URL), or null: database triggers see it. */
  readonly namespace: string | null;
  /** While the server stops, closing sockets must not run their onDisconnect operations. */
  isStopping(): boolean;
}

interface RequestBody {
  p?: string;
  d?: unknown;
  q?: WireQuery;
  t?: number;
  h?: string;
  cred?: unknown;
  authvar?: unknown;
  noauth?: unknown;
}

interface DataRequest {
  r?: number;
  a?: string;
  b?: RequestBody;
}

interface OnDisconnectOperation {
  readonly action: "o" | "om";
  readonly path: string;
  readonly data: unknown;
}

const SOCKET_OPEN = 1;
/** The client SDK's frame size; longer messages go as a frame count followed by the pieces. */
const MAX_FRAME_LENGTH = 16384;

class IncomingFrames {
  private expected = 0;
  private pieces: string[] = [];

  /** The complete message, or null while pieces are missing (or for the client's "0" keepalive). */
  accept(frame: string): string | null {
    if (this.expected > 0) {
      this.pieces.push(frame);
      if (this.pieces.length < this.expected) return null;
      const message = this.pieces.join("");
      this.expected = 0;
      this.pieces = [];
      return message;
    }
    if (/^\d{1,6}$/.test(frame)) {
      this.expected = Number(frame);
      return null;
    }
    return frame;
  }
}

/** Identifies a listen for unlisten: its path plus the query tag (absent for plain listens). */
function listenKey(body: RequestBody): string {
  return `${splitPath(body.p).join("/")}#${body.t ?? ""}`;
}

/** Throws InvalidDataError unless every path and value of an update could be stored. */
function assertStorablePatch(patch: Readonly<Record<string, unknown>>): void {
  for (const [relative, value] of Object.entries(patch)) {
    parsePath(relative);
    normalizeValue(value);
  }
}

function isWithin(path: string, ancestor: readonly string[]): boolean {
  const segments = splitPath(path);
  return ancestor.every((segment, index) => segments[index] === segment);
}

export class ClientConnection {
  private identity: Identity = ANONYMOUS;
  private readonly listeners = new ListenerScope();
  private onDisconnectOperations: OnDisconnectOperation[] = [];
  private readonly frames = new IncomingFrames();
  private upstreamReceive: ((text: string) => void) | undefined;
  /** The `now` of the write being handled, shared with upstream's rule evaluation. */
  private operationTime = Date.now();
  /** Request passed upstream whose answer has not been seen yet. */
  private awaitedRequest: number | undefined;

  constructor(
    private readonly socket: ServerSocket,
    private readonly context: ConnectionContext,
  ) {}

  /** Starts firebase-server's handler for this socket (it sends the handshake), then takes the socket's messages. */
  start(startUpstreamHandler: (bindings: LegacyConnectionBindings) => void): void {
    startUpstreamHandler({
      socket: {
        _socket: this.socket._socket,
        send: (text) => this.sendFromUpstream(text),
        on: (_event, listener) => {
          this.upstreamReceive = listener;
        },
      },
      root: new ShimReference(this.context.store, "", this.listeners),
      rules: () => this.rules(),
      clock: () => this.operationTime,
    });
    this.socket.on("message", (data) => this.receiveFrame(String(data)));
    this.socket.on("close", () => this.enqueue(() => this.closed()));
    this.socket.on("error", (error) => this.context.log(`socket error: ${error.message}`));
  }

  private rules(): RulesEvaluator {
    return this.context.rules.evaluatorFor(this.identity);
  }

  private receiveFrame(frame: string): void {
    const text = this.frames.accept(frame);
    if (text === null) return;
    let message: { t?: unknown; d?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      this.context.log(`ignoring a message that is not JSON: ${text.slice(0, 200)}`);
      return;
    }
    this.enqueue(() => this.handle(message));
  }

  private enqueue(task: () => void | Promise<void>): void {
    this.context.queue.run(task).catch((error: Error) => this.context.log(`internal error: ${error.stack ?? error.message}`));
  }

  private async handle(message: { t?: unknown; d?: unknown }): Promise<void> {
    if (message.t === "c") {
      const control = message.d as { t?: unknown } | undefined;
      if (control?.t === "p") this.send({ t: "c", d: { t: "o", d: {} } }); // ping -> pong
      return;
    }
    if (message.t !== "d" || typeof message.d !== "object" || message.d === null) return;
    const request = message.d as DataRequest;
    const body = request.b ?? {};
    try {
      switch (request.a) {
        case "auth":
        case "gauth":
          return this.authenticate(request.r, body);
        case "unauth":
          this.identity = ANONYMOUS;
          return this.respond(request.r, "ok");
        case "g":
          return this.get(request.r, body);
        case "l":
        case "q":
          return this.listen(request, body);
        case "n":
          return this.listeners.release(listenKey(body));
        case "p":
        case "m":
          return await this.write(request, body);
        case "o":
        case "om":
          return this.registerOnDisconnect(request.r, request.a, body);
        case "oc":
          return this.cancelOnDisconnect(request.r, body);
        default:
          // Stats ("s"), App Check tokens and anything else a newer client sends: acknowledge.
          return this.respond(request.r, "ok");
      }
    } catch (error) {
      if (error instanceof InvalidDataError) return this.respond(request.r, "invalid_data", error.message);
      this.context.log(`failed to handle ${JSON.stringify(request).slice(0, 200)}: ${(error as Error).stack}`);
      this.respond(request.r, "internal_error", "The server failed to handle this request");
    }
  }

  private authenticate(requestId: number | undefined, body: RequestBody): void {
    const identity = identityFromCredential(body.cred);
    if (!identity) {
      this.respond(requestId, "invalid_token", "Could not parse auth token.");
      return;
    }
    this.identity = applyAuthOverride(identity, body);
    this.respond(requestId, "ok", { auth: authVariableOf(this.identity), expires: null });
  }

  private get(requestId: number | undefined, body: RequestBody): void {
    const path = parsePath(body.p).join("/");
    if (!this.rules().read(path).allowed) {
      this.respond(requestId, "permission_denied", "Permission denied");
      return;
    }
    const node = this.context.store.get(path);
    // The client returns what we send as the query's result, so we must apply the query here.
    this.respond(requestId, "ok", body.q ? applyWireQuery(node, body.q) : node);
  }

  private listen(request: DataRequest, body: RequestBody): void {
    parsePath(body.p);
    this.passUpstream(request, () => this.listeners.collect(listenKey(body), () => this.upstreamReceive?.(JSON.stringify({ t: "d", d: request }))));
    this.answerIfUpstreamDidNot(request.r);
  }

  private async write(request: DataRequest, body: RequestBody): Promise<void> {
    const path = body.p ?? "";
    // A put to "x/.priority" sets x's priority; upstream handles it.
    const isPriorityPath = splitPath(path).at(-1) === ".priority";
    if (!isPriorityPath) parsePath(path);
    const now = Date.now();
    const current = (at: string) => this.context.store.get(at);
    const data = request.a === "m" ? resolveServerValuesInPatch(body.d, path, now, current) : resolveServerValues(body.d, path, now, current);
    // Validate here: upstream would swallow the store's error and never answer.
    if (request.a === "m") assertStorablePatch(data as Record<string, unknown>);
    else normalizeValue(data);

    if (body.h !== undefined) {
      const node = this.context.store.get(path);
      if (firebaseHash(node) !== body.h) {
        this.send({ t: "d", d: { a: "d", b: { p: splitPath(path).join("/"), d: node } } });
        return this.respond(request.r, "datastale", "Transaction hash does not match");
      }
    }
    const forwardedBody: RequestBody = { ...body, d: data };
    delete forwardedBody.h; // checked above (upstream's own hash sorts keys differently from the SDK)
    this.operationTime = now;
    this.context.store.origin = this.writeOrigin();
    try {
      this.passUpstream(request, () => this.upstreamReceive?.(JSON.stringify({ t: "d", d: { ...request, b: forwardedBody } })));
      // Upstream acknowledges a put at the end of a promise chain; merges synchronously.
      if (request.a === "p") await nextMacrotask();
    } finally {
      this.context.store.origin = undefined;
    }
    this.answerIfUpstreamDidNot(request.r);
  }

  private writeOrigin(): WriteOrigin {
    return { namespace: this.context.namespace, identity: this.identity, triggers: true };
  }

  private registerOnDisconnect(requestId: number | undefined, action: "o" | "om", body: RequestBody): void {
    const path = parsePath(body.p).join("/");
    const now = Date.now();
    const current = (at: string) => this.context.store.get(at);
    // RTDB checks the rules when the operation is queued, against the data of that moment.
    let verdict: { allowed: boolean };
    if (action === "o") {
      const data = resolveServerValues(body.d, path, now, current);
      normalizeValue(data);
      verdict = this.rules().write(path, data, now);
    } else {
      const patch = resolveServerValuesInPatch(body.d, path, now, current);
      assertStorablePatch(patch);
      verdict = this.rules().update(path, patch, now);
    }
    if (!verdict.allowed) {
      this.respond(requestId, "permission_denied", "Permission denied");
      return;
    }
    // Kept unresolved: server values take the time and data of the moment the socket closes.
    this.onDisconnectOperations.push({ action, path, data: body.d });
    this.respond(requestId, "ok");
  }

  private cancelOnDisconnect(requestId: number | undefined, body: RequestBody): void {
    const cancelled = parsePath(body.p);
    this.onDisconnectOperations = this.onDisconnectOperations.filter((operation) => !isWithin(operation.path, cancelled));
    this.respond(requestId, "ok");
  }

  private closed(): void {
    this.listeners.releaseAll();
    this.upstreamReceive = undefined;
    const operations = this.onDisconnectOperations;
    this.onDisconnectOperations = [];
    if (this.context.isStopping()) return;
    this.context.store.origin = this.writeOrigin();
    for (const { action, path, data } of operations) {
      try {
        const now = Date.now();
        const current = (at: string) => this.context.store.get(at);
        if (action === "o") this.context.store.set(path, resolveServerValues(data, path, now, current));
        else this.context.store.update(path, resolveServerValuesInPatch(data, path, now, current));
      } catch (error) {
        this.context.log(`onDisconnect at /${path} failed: ${(error as Error).message}`);
      }
    }
    this.context.store.origin = undefined;
  }

  private passUpstream(request: DataRequest, pass: () => void): void {
    this.awaitedRequest = request.r;
    pass();
  }

  /** Upstream drops some failures silently; the client must still get an answer, or its promise hangs. */
  private answerIfUpstreamDidNot(requestId: number | undefined): void {
    if (this.awaitedRequest === undefined) return;
    this.awaitedRequest = undefined;
    this.context.log(`firebase-server did not answer request ${requestId}`);
    this.respond(requestId, "internal_error", "The server failed to handle this request");
  }

  private sendFromUpstream(text: string): void {
    if (this.awaitedRequest !== undefined && text.startsWith(`{"d":{"r":${this.awaitedRequest},`)) this.awaitedRequest = undefined;
    this.sendText(text);
  }

  private respond(requestId: number | undefined, status: string, data: unknown = ""): void {
    if (requestId === undefined) return;
    this.send({ t: "d", d: { r: requestId, b: { s: status, d: data } } });
  }

  private send(message: unknown): void {
    const text = JSON.stringify(message);
    if (text.length <= MAX_FRAME_LENGTH) {
      this.sendText(text);
      return;
    }
    const count = Math.ceil(text.length / MAX_FRAME_LENGTH);
    this.sendText(String(count));
    for (let index = 0; index < count; index++) this.sendText(text.slice(index * MAX_FRAME_LENGTH, (index + 1) * MAX_FRAME_LENGTH));
  }

  private sendText(text: string): void {
    if (this.socket.readyState === SOCKET_OPEN) this.socket.send(text);
  }
}
