/**
 * The REST surface of the official emulator that our tooling uses: GET/PUT/PATCH/DELETE on
 * /path.json (the whole tree at /.json), and GET/PUT /.settings/rules.json. "Authorization: Bearer
 * owner" (or ?auth=owner / ?access_token=owner) is the admin; a JWT is a user; nothing is anonymous.
 * Rules apply as they do for sockets. The ns query parameter only tells database triggers which
 * namespace was written; ?triggers=off makes a write (the stack's reset) fire none.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ANONYMOUS, type Identity, identityFromCredential } from "./auth.js";
import type { RulesEngine } from "./rules.js";
import type { SerialQueue } from "./serial-queue.js";
import { resolveServerValues, resolveServerValuesInPatch } from "./server-values.js";
import type { RealtimeStore, WriteOrigin } from "./store.js";
import { InvalidDataError, normalizeValue, parsePath, toPlainValue } from "./tree.js";

export interface RestContext {
  readonly store: RealtimeStore;
  readonly rules: RulesEngine;
  readonly queue: SerialQueue;
  readonly log: (line: string) => void;
}

const MAX_BODY_BYTES = 256 * 1024 * 1024; // the real REST API's limit
const RULES_PATH = ".settings/rules";

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function identityOf(request: IncomingMessage, url: URL): Identity {
  const header = request.headers.authorization;
  const credential = header?.match(/^Bearer\s+(.+)$/i)?.[1] ?? url.searchParams.get("auth") ?? url.searchParams.get("access_token");
  if (!credential) return ANONYMOUS;
  const identity = identityFromCredential(credential.trim());
  if (!identity) throw new HttpError(401, "Could not parse auth token.");
  return identity;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "Request body is too large.");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function decodePath(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new HttpError(400, `Invalid path encoding: ${encoded}`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "Invalid data; couldn't parse JSON object, array, or value.");
  }
}

function reply(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Access-Control-Allow-Origin": "*" });
  response.end(body);
}

function denyUnlessAllowed(verdict: { allowed: boolean }): void {
  if (!verdict.allowed) throw new HttpError(401, "Permission denied");
}

/** Serves one REST request; never rejects (errors become JSON error responses). */
export async function handleRestRequest(context: RestContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (!url.pathname.endsWith(".json")) throw new HttpError(404, "Not found: REST paths end in .json");
    const rawPath = decodePath(url.pathname.slice(0, -".json".length));
    const identity = identityOf(request, url);
    const method = request.method ?? "GET";
    const body = method === "PUT" || method === "PATCH" ? await readBody(request) : "";

    if (rawPath.replace(/^\/+|\/+$/g, "") === RULES_PATH) {
      if (identity.kind !== "admin") throw new HttpError(401, "Permission denied: rules are read and written with the owner credential");
      if (method === "GET") return reply(response, 200, context.rules.rulesText);
      if (method !== "PUT") throw new HttpError(405, `${method} is not supported on rules`);
      try {
        context.rules.setRulesText(body);
      } catch (error) {
        throw new HttpError(400, (error as Error).message);
      }
      return reply(response, 200, JSON.stringify({ status: "ok" }));
    }

    const path = parsePath(rawPath).join("/");
    const origin: WriteOrigin = { namespace: url.searchParams.get("ns"), identity, triggers: url.searchParams.get("triggers") !== "off" };
    const result = await runInQueue(context, () => {
      context.store.origin = origin;
      try {
        return applyRestOperation(context, identity, method, path, body);
      } finally {
        context.store.origin = undefined;
      }
    });
    reply(response, 200, JSON.stringify(result ?? null));
  } catch (error) {
    if (error instanceof InvalidDataError) return reply(response, 400, JSON.stringify({ error: error.message }));
    if (error instanceof HttpError) return reply(response, error.status, JSON.stringify({ error: error.message }));
    context.log(`REST ${request.method} ${request.url} failed: ${(error as Error).stack}`);
    reply(response, 500, JSON.stringify({ error: "Internal server error" }));
  }
}

function runInQueue<T>(context: RestContext, operation: () => T): Promise<T> {
  let result: T | undefined;
  return context.queue
    .run(() => {
      result = operation();
    })
    .then(() => result as T);
}

/** Runs inside the server's queue, like socket operations, so REST writes interleave in order. */
function applyRestOperation(context: RestContext, identity: Identity, method: string, path: string, body: string): unknown {
  const rules = context.rules.evaluatorFor(identity);
  const now = Date.now();
  const current = (at: string) => context.store.get(at);
  switch (method) {
    case "GET":
      denyUnlessAllowed(rules.read(path));
      return toPlainValue(context.store.get(path));
    case "PUT": {
      const value = resolveServerValues(parseJson(body), path, now, current);
      const normalized = normalizeValue(value);
      denyUnlessAllowed(rules.write(path, value, now));
      context.store.set(path, normalized);
      return toPlainValue(normalized);
    }
    case "PATCH": {
      const patch = resolveServerValuesInPatch(parseJson(body), path, now, current);
      for (const [relative, value] of Object.entries(patch)) {
        parsePath(relative);
        normalizeValue(value);
      }
      denyUnlessAllowed(rules.update(path, patch, now));
      context.store.update(path, patch);
      return patch;
    }
    case "DELETE":
      denyUnlessAllowed(rules.write(path, null, now));
      context.store.set(path, null);
      return null;
    default:
      throw new HttpError(405, `${method} is not supported`);
  }
}
