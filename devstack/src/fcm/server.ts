/**
 * A local stand-in for FCM (there is no FCM emulator). It speaks the wire format the Admin SDK uses:
 * HTTP v1 sends (POST /v1/projects/{p}/messages:send) and the Instance ID topic API
 * (POST /iid/v1:batchAdd, /iid/v1:batchRemove), checks the Bearer token, records every accepted
 * message, and answers UNREGISTERED (404) for tokens marked so and INVALID_ARGUMENT (400) for malformed
 * tokens and messages, with the error bodies FCM sends. A control API under /control serves tests and
 * `npm start`: recorded messages, unregistered tokens, topic members.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { readBody } from "../net.js";
import { evaluateCondition, InvalidMessage, type Target, validateMessage } from "./validate.js";

/** The bearer token the functions' stand-in credential presents (functions/src/notifications/push.ts). */
export const FCM_STANDIN_ACCESS_TOKEN = "fcm-standin-local-token";

export interface RecordedMessage {
  /** projects/{p}/messages/{id}, as answered to the sender. */
  name: string;
  project: string;
  target: Target;
  /** Tokens the message reached: the token, or the topic's / condition's members at send time. */
  deliveredTo: string[];
  message: Record<string, unknown>;
  at: number;
}

export interface FcmStandIn {
  /** host:port (FCM_STANDIN_HOST for the functions). */
  host: string;
  /** http://host:port, for the control API. */
  url: string;
  messages: RecordedMessage[];
  unregistered: Set<string>;
  /** topic → member tokens. */
  topics: Map<string, Set<string>>;
  clear(): void;
  close(): Promise<void>;
}

const FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError";

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
  res.end(JSON.stringify(body));
}

function googleError(res: ServerResponse, code: number, status: string, message: string, details: unknown[] = []): void {
  answer(res, code, { error: { code, message, status, ...(details.length ? { details } : {}) } });
}

function invalidArgument(res: ServerResponse, err: InvalidMessage): void {
  googleError(res, 400, "INVALID_ARGUMENT", err.message, [
    { "@type": FCM_ERROR_TYPE, errorCode: "INVALID_ARGUMENT" },
    { "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolations: [{ field: err.field, description: err.message }] },
  ]);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req)).toString("utf8");
  return text ? JSON.parse(text) : {};
}

const SEND_PATH = /^\/v1\/projects\/([^/]+)\/messages:send$/;

export async function startFcmStandIn(options: { host?: string; port?: number; log?: (line: string) => void } = {}): Promise<FcmStandIn> {
  const log = options.log ?? (() => {});
  const sockets = new Set<Socket>();
  const standIn: FcmStandIn = {
    host: "",
    url: "",
    messages: [],
    unregistered: new Set(),
    topics: new Map(),
    clear() {
      standIn.messages.length = 0;
      standIn.unregistered.clear();
      standIn.topics.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const membersOf = (topic: string) => [...(standIn.topics.get(topic) ?? [])];
  const tokensWithTopics = () => new Set([...standIn.topics.values()].flatMap((members) => [...members]));

  function send(project: string, body: unknown, res: ServerResponse): void {
    const request = (body ?? {}) as { message?: unknown; validate_only?: boolean };
    let target: Target;
    try {
      target = validateMessage(request.message);
    } catch (err) {
      if (!(err instanceof InvalidMessage)) throw err;
      invalidArgument(res, err);
      return;
    }
    if (target.kind === "token" && standIn.unregistered.has(target.token)) {
      googleError(res, 404, "NOT_FOUND", "Requested entity was not found.", [{ "@type": FCM_ERROR_TYPE, errorCode: "UNREGISTERED" }]);
      return;
    }
    const name = `projects/${project}/messages/${request.validate_only ? "fake_message_id" : randomUUID()}`;
    if (!request.validate_only) {
      const deliveredTo =
        target.kind === "token"
          ? [target.token]
          : target.kind === "topic"
            ? membersOf(target.topic)
            : [...tokensWithTopics()].filter((token) =>
                evaluateCondition(target.condition, (topic) => standIn.topics.get(topic)?.has(token) ?? false),
              );
      standIn.messages.push({ name, project, target, deliveredTo, message: request.message as Record<string, unknown>, at: Date.now() });
      const notification = (request.message as { notification?: { title?: string } }).notification;
      log(
        `push ${target.kind} ${"token" in target ? target.token : "topic" in target ? target.topic : target.condition}: ${notification?.title ?? "(data only)"}`,
      );
    }
    answer(res, 200, { name });
  }

  /** Instance ID batchAdd/batchRemove: { to: "/topics/x", registration_tokens } → { results: [{} | { error }] }. */
  function manageTopic(add: boolean, body: unknown, res: ServerResponse): void {
    const request = (body ?? {}) as { to?: unknown; registration_tokens?: unknown };
    const topic = typeof request.to === "string" ? request.to.replace(/^\/topics\//, "") : "";
    const tokens = request.registration_tokens;
    if (!topic || !Array.isArray(tokens) || tokens.length === 0 || tokens.length > 1000) {
      answer(res, 400, { error: "InvalidParameters: expected 'to' and 1 to 1000 registration_tokens" });
      return;
    }
    const members = standIn.topics.get(topic) ?? new Set<string>();
    const results = tokens.map((token) => {
      if (typeof token !== "string" || !/^[A-Za-z0-9_:-]{8,4096}$/.test(token)) return { error: "INVALID_ARGUMENT" };
      if (standIn.unregistered.has(token)) return { error: "NOT_FOUND" };
      if (add) members.add(token);
      else members.delete(token);
      return {};
    });
    if (members.size > 0) standIn.topics.set(topic, members);
    else standIn.topics.delete(topic);
    answer(res, 200, { results });
  }

  /** Control API: GET/DELETE /control/messages, POST/DELETE /control/unregistered, GET /control/topics. */
  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === "/control/messages" && req.method === "GET") return answer(res, 200, { messages: standIn.messages });
    if (path === "/control/messages" && req.method === "DELETE") {
      standIn.messages.length = 0;
      return answer(res, 200, {});
    }
    if (path === "/control/unregistered" && req.method === "POST") {
      const { tokens } = (await readJson(req)) as { tokens?: unknown };
      if (!Array.isArray(tokens)) return answer(res, 400, { error: "expected { tokens: string[] }" });
      for (const token of tokens) standIn.unregistered.add(String(token));
      return answer(res, 200, { unregistered: [...standIn.unregistered] });
    }
    if (path === "/control/unregistered" && req.method === "DELETE") {
      standIn.unregistered.clear();
      return answer(res, 200, {});
    }
    if (path === "/control/topics" && req.method === "GET") {
      return answer(res, 200, { topics: Object.fromEntries([...standIn.topics].map(([topic, members]) => [topic, [...members]])) });
    }
    if (path === "/control/reset" && req.method === "POST") {
      standIn.clear();
      return answer(res, 200, {});
    }
    answer(res, 404, { error: `no control route ${req.method} ${path}` });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://fcm.local").pathname;
    if (path.startsWith("/control/")) return control(req, res, path);
    if (req.headers.authorization !== `Bearer ${FCM_STANDIN_ACCESS_TOKEN}`) {
      return googleError(res, 401, "UNAUTHENTICATED", "Request is missing required authentication credential. Expected OAuth 2 access token.");
    }
    if (req.method !== "POST") return googleError(res, 405, "METHOD_NOT_ALLOWED", `${req.method} is not allowed`);
    let body: unknown;
    try {
      body = await readJson(req);
    } catch {
      return googleError(res, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
    }
    const sendMatch = SEND_PATH.exec(path);
    if (sendMatch) return send(decodeURIComponent(sendMatch[1]), body, res);
    if (path === "/iid/v1:batchAdd") return manageTopic(true, body, res);
    if (path === "/iid/v1:batchRemove") return manageTopic(false, body, res);
    googleError(res, 404, "NOT_FOUND", `No route ${path}`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      log(`error: ${String(err)}`);
      if (!res.headersSent) googleError(res, 500, "INTERNAL", String(err));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  standIn.host = `${address.address}:${address.port}`;
  standIn.url = `http://${standIn.host}`;
  return standIn;
}
