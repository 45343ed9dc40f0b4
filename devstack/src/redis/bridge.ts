/**
 * A local stand-in for Upstash's Redis REST API, in front of any Redis, so that
 * @upstash/redis and @upstash/ratelimit run unchanged in development and tests.
 *
 * Protocol (as @upstash/redis 1.x speaks it):
 *  - every request is POST with a JSON body and `Authorization: Bearer <token>`;
 *  - POST /            one command array, e.g. ["SET","k","v","EX",10]
 *                      -> 200 {"result": ...} or 400 {"error": "..."}
 *  - POST /pipeline    array of command arrays, run in order, not atomic
 *                      -> 200 [{"result": ...} | {"error": "..."}, ...]
 *  - POST /multi-exec  same shape, atomic via MULTI/EXEC; a transaction Redis aborts -> 400 {"error"}
 *  - `Upstash-Encoding: base64` (the client default): every string in a result is base64.
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type CommandArg, type CommandOutcome, RedisExecutor } from "./executor.js";
import { type ResponseEncoding, toJsonReply } from "./reply.js";

export interface UpstashBridgeOptions {
  host?: string;
  /** 0 or undefined picks a free port. */
  port?: number;
  token: string;
  /** e.g. redis://127.0.0.1:6379 */
  redisUrl: string;
  log?: (line: string) => void;
}

export interface UpstashBridge {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Far above anything a dev workload sends; only guards against runaway bodies. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function formatHostForUrl(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) });
  response.end(payload);
}

function isAuthorized(request: IncomingMessage, token: string): boolean {
  const header = request.headers.authorization ?? "";
  const presented = Buffer.from(header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "");
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

function responseEncoding(request: IncomingMessage): ResponseEncoding {
  return String(request.headers["upstash-encoding"] ?? "").toLowerCase() === "base64" ? "base64" : "utf8";
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `ERR request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "ERR failed to parse request body as JSON");
  }
}

/** A command is a non-empty array of strings, numbers or booleans (the client sends all three). */
function parseCommand(value: unknown): CommandArg[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new HttpError(400, "ERR a command must be a non-empty JSON array");
  }
  return value.map((arg): CommandArg => {
    if (typeof arg === "string" || typeof arg === "number") return arg;
    if (typeof arg === "boolean") return String(arg);
    throw new HttpError(400, `ERR command arguments must be strings, numbers or booleans, got ${JSON.stringify(arg)}`);
  });
}

function parseCommandList(value: unknown): CommandArg[][] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new HttpError(400, "ERR expected a non-empty JSON array of commands");
  }
  return value.map(parseCommand);
}

function outcomeToJson(outcome: CommandOutcome, encoding: ResponseEncoding): { result: unknown } | { error: string } {
  return outcome.ok ? { result: toJsonReply(outcome.reply, encoding) } : { error: outcome.error };
}

/** Starts the REST bridge; resolves once both Redis connections and the HTTP listener are up. */
export async function startUpstashBridge(options: UpstashBridgeOptions): Promise<UpstashBridge> {
  const host = options.host ?? "127.0.0.1";
  const { token, log } = options;
  const executor = await RedisExecutor.connect(options.redisUrl, log);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== "POST") throw new HttpError(405, "ERR only POST is supported");
    if (!isAuthorized(request, token)) throw new HttpError(401, "Unauthorized");
    const path = (request.url ?? "/").split("?")[0].replace(/\/+$/, "") || "/";
    const encoding = responseEncoding(request);

    if (path === "/") {
      const outcome = await executor.run(parseCommand(await readJsonBody(request)));
      // Upstash answers command errors with 400; connection trouble is our fault, hence 500.
      const status = outcome.ok ? 200 : outcome.redisError ? 400 : 500;
      sendJson(response, status, outcomeToJson(outcome, encoding));
    } else if (path === "/pipeline") {
      const outcomes = await executor.runPipeline(parseCommandList(await readJsonBody(request)));
      sendJson(
        response,
        200,
        outcomes.map((outcome) => outcomeToJson(outcome, encoding)),
      );
    } else if (path === "/multi-exec") {
      const transaction = await executor.runTransaction(parseCommandList(await readJsonBody(request)));
      if (!transaction.ok) throw new HttpError(400, transaction.error);
      sendJson(
        response,
        200,
        transaction.outcomes.map((outcome) => outcomeToJson(outcome, encoding)),
      );
    } else {
      // Path-style commands (/get/key) and SSE subscriptions are not implemented.
      throw new HttpError(404, `ERR unsupported path ${path}`);
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (status === 500) log?.(`[upstash-bridge] ${request.method} ${request.url} failed: ${message}`);
      if (response.headersSent) response.destroy();
      else sendJson(response, status, { error: message });
      // Unread request bodies (e.g. after a 401) are discarded so keep-alive sockets stay usable.
      request.resume();
    });
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    executor.close();
    throw error;
  }
  // Listener errors after startup (e.g. EMFILE) must not crash the host process.
  server.on("error", (error) => log?.(`[upstash-bridge] server error: ${error.message}`));
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // The client keeps connections alive; without this close() would wait for their idle timeout.
      server.closeAllConnections();
      executor.close();
    });
    return closing;
  };

  return { url: `http://${formatHostForUrl(host)}:${port}`, port, close };
}
