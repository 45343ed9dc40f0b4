/**
 * The HTTP surface of the Cloud Storage stand-in: the JSON API subset the Admin SDK uses
 * (@google-cloud/storage with STORAGE_EMULATOR_HOST: object get/list/delete, media download with
 * ranges, multipart and media uploads) and the XML API requests a phone makes with a V4 signed URL
 * (PUT and GET /{bucket}/{object}), whose signatures are verified as Cloud Storage does.
 *
 * JSON API calls are served without credentials: on Google Cloud only the backend's service account
 * reaches that API (storage.rules deny every client), and the SDK sends no token to an emulator host.
 * XML API calls must be signed: there is no anonymous access.
 */

import type { KeyObject } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "../net.js";
import type { ObjectResource, ObjectStore, StoredObject } from "./objects.js";
import { isSignedRequest, verifySignedRequest } from "./signing.js";

export interface StorageServerOptions {
  objects: ObjectStore;
  publicKeyFor: (clientEmail: string) => KeyObject | undefined;
  /** Called after every object is written (upload or signed PUT): the finalize event. */
  onFinalized: (object: ObjectResource) => void;
  /** Re-sends the last finalize event of an object (at-least-once delivery, for tests); resolves once delivered. */
  redeliver: (bucket: string, name: string) => Promise<boolean>;
  reset: () => void;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json; charset=UTF-8" }).end(JSON.stringify(body));
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendXmlError(response: ServerResponse, status: number, code: string, message: string) {
  response
    .writeHead(status, { "content-type": "application/xml; charset=UTF-8" })
    .end(`<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`);
}

function sendJsonError(response: ServerResponse, status: number, reason: string, message: string) {
  sendJson(response, status, { error: { code: status, message, errors: [{ message, domain: "global", reason }] } });
}

/** Sends an object's bytes (whole, or the one range asked for) with the headers the SDK validates. */
function sendMedia(request: IncomingMessage, response: ServerResponse, stored: StoredObject, headOnly = false) {
  const { resource, data } = stored;
  const headers: Record<string, string> = {
    "content-type": resource.contentType,
    "x-goog-hash": `crc32c=${resource.crc32c},md5=${resource.md5Hash}`,
    "x-goog-generation": resource.generation,
    "x-goog-metageneration": resource.metageneration,
    "x-goog-stored-content-length": resource.size,
    "x-goog-stored-content-encoding": "identity",
    etag: resource.etag,
  };
  const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? "");
  if (range && (range[1] || range[2])) {
    const size = data.length;
    const start = range[1] ? Number(range[1]) : Math.max(size - Number(range[2]), 0);
    const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (start >= size || start > end) throw new HttpError(416, "InvalidRange", "The requested range cannot be satisfied.");
    const slice = data.subarray(start, end + 1);
    response.writeHead(206, { ...headers, "content-range": `bytes ${start}-${end}/${size}`, "content-length": String(slice.length) });
    response.end(headOnly ? undefined : slice);
    return;
  }
  response.writeHead(200, { ...headers, "content-length": String(data.length) });
  response.end(headOnly ? undefined : data);
}

/** The parts of a multipart/related body: headers and bytes of each. */
function multipartParts(body: Buffer, boundary: string): { headers: Record<string, string>; data: Buffer }[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { headers: Record<string, string>; data: Buffer }[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const afterDelimiter = start + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, afterDelimiter);
    if (next === -1) break;
    const part = body.subarray(afterDelimiter, next);
    const headerEnd = part.indexOf("\r\n\r\n");
    const headerText = part.subarray(0, headerEnd).toString("utf8");
    const headers: Record<string, string> = {};
    for (const line of headerText.split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    // Each part ends with CRLF before the next delimiter.
    const data = part.subarray(headerEnd + 4, part.length - 2);
    parts.push({ headers, data });
    start = next;
  }
  return parts;
}

/** ifGenerationMatch=0 (or x-goog-if-generation-match: 0): write only if the object does not exist. */
function checkGenerationPrecondition(expected: string | undefined | null, existing: StoredObject | undefined) {
  if (expected === undefined || expected === null || expected === "") return;
  const current = existing?.resource.generation ?? "0";
  if (current !== expected) throw new HttpError(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
}

export function storageRequestHandler(options: StorageServerOptions) {
  const { objects } = options;

  async function jsonApi(request: IncomingMessage, response: ServerResponse, url: URL, path: string): Promise<boolean> {
    const method = request.method ?? "GET";
    const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(path);
    if (upload && method === "POST") {
      const bucket = decodeURIComponent(upload[1] as string);
      const body = await readBody(request);
      const type = request.headers["content-type"] ?? "application/octet-stream";
      let name = url.searchParams.get("name") ?? "";
      let contentType = type;
      let data = body;
      let metadata: Record<string, string> | undefined;
      const uploadType = url.searchParams.get("uploadType") ?? "media";
      if (uploadType === "multipart") {
        const boundary = /boundary="?([^";]+)"?/.exec(type)?.[1];
        const parts = boundary ? multipartParts(body, boundary) : [];
        if (parts.length !== 2) throw new HttpError(400, "invalid", "A multipart upload needs a metadata part and a media part.");
        const [metaPart, mediaPart] = parts as [(typeof parts)[0], (typeof parts)[0]];
        const resource = JSON.parse(metaPart.data.toString("utf8")) as { name?: string; contentType?: string; metadata?: Record<string, string> };
        name = resource.name ?? name;
        contentType = resource.contentType ?? mediaPart.headers["content-type"] ?? "application/octet-stream";
        metadata = resource.metadata;
        data = mediaPart.data;
      } else if (uploadType !== "media") {
        throw new HttpError(501, "notImplemented", `uploadType=${uploadType} is not served by the local stand-in (use resumable: false).`);
      }
      if (!name) throw new HttpError(400, "required", "An object name is required.");
      checkGenerationPrecondition(url.searchParams.get("ifGenerationMatch"), objects.get(bucket, name));
      const stored = objects.put(bucket, name, data, contentType, metadata);
      sendJson(response, 200, stored.resource);
      options.onFinalized(stored.resource);
      return true;
    }

    const download = /^\/download\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(path);
    const object = download ?? /^(?:\/storage\/v1)?\/b\/([^/]+)\/o\/(.+)$/.exec(path);
    if (object) {
      const bucket = decodeURIComponent(object[1] as string);
      const name = decodeURIComponent(object[2] as string);
      const stored = objects.get(bucket, name);
      const generation = url.searchParams.get("generation");
      if (!stored || (generation && generation !== stored.resource.generation)) {
        throw new HttpError(404, "notFound", `No such object: ${bucket}/${name}`);
      }
      if (method === "DELETE") {
        objects.delete(bucket, name);
        response.writeHead(204).end();
      } else if (method === "GET" && (download || url.searchParams.get("alt") === "media")) {
        sendMedia(request, response, stored);
      } else if (method === "GET") {
        sendJson(response, 200, stored.resource);
      } else {
        throw new HttpError(405, "methodNotAllowed", `${method} is not served on objects by the local stand-in.`);
      }
      return true;
    }

    const list = /^(?:\/storage\/v1)?\/b\/([^/]+)\/o$/.exec(path);
    if (list && method === "GET") {
      const bucket = decodeURIComponent(list[1] as string);
      const all = objects.list(bucket, url.searchParams.get("prefix") ?? "");
      const maxResults = Number(url.searchParams.get("maxResults") ?? 1000) || 1000;
      const offset = Number(url.searchParams.get("pageToken") ?? 0) || 0;
      const page = all.slice(offset, offset + maxResults);
      const nextPageToken = offset + maxResults < all.length ? String(offset + maxResults) : undefined;
      sendJson(response, 200, { kind: "storage#objects", items: page.map((o) => o.resource), ...(nextPageToken ? { nextPageToken } : {}) });
      return true;
    }
    return false;
  }

  /** XML API: /{bucket}/{object}, V4-signed (a phone's upload, or a signed read). */
  async function xmlApi(request: IncomingMessage, response: ServerResponse, url: URL, rawPath: string) {
    const method = request.method ?? "GET";
    const segments = rawPath.split("/").slice(1).map(decodeURIComponent);
    const [bucket, ...nameSegments] = segments;
    const name = nameSegments.join("/");
    if (!bucket || !name) throw new HttpError(404, "NoSuchKey", "The specified key does not exist.");
    const query = [...url.searchParams.entries()];
    if (!isSignedRequest(query)) throw new HttpError(403, "AccessDenied", "Anonymous access is not allowed: use a signed URL.");
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v]));
    const check = verifySignedRequest({ method, path: `/${segments.join("/")}`, query, headers }, options.publicKeyFor);
    if (!check.ok) throw new HttpError(check.status, check.code, check.message);
    if (method === "PUT") {
      const body = await readBody(request);
      checkGenerationPrecondition(request.headers["x-goog-if-generation-match"] as string | undefined, objects.get(bucket, name));
      const stored = objects.put(bucket, name, body, request.headers["content-type"] ?? "application/octet-stream");
      response.writeHead(200, { etag: `"${stored.resource.md5Hash}"`, "x-goog-generation": stored.resource.generation }).end();
      options.onFinalized(stored.resource);
      return;
    }
    if (method === "GET" || method === "HEAD") {
      const stored = objects.get(bucket, name);
      if (!stored) throw new HttpError(404, "NoSuchKey", "The specified key does not exist.");
      sendMedia(request, response, stored, method === "HEAD");
      return;
    }
    throw new HttpError(405, "MethodNotAllowed", `${method} is not served by the local stand-in.`);
  }

  return async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://storage.local");
    const rawPath = url.pathname;
    const isJson = /^\/(upload\/|download\/|storage\/v1\/|b\/)/.test(rawPath);
    try {
      if (rawPath === "/_emulator/objects" && request.method === "DELETE") {
        options.reset();
        response.writeHead(204).end();
        return;
      }
      if (rawPath === "/_emulator/redeliver" && request.method === "POST") {
        const found = await options.redeliver(url.searchParams.get("bucket") ?? "", url.searchParams.get("name") ?? "");
        response.writeHead(found ? 204 : 404).end();
        return;
      }
      if (isJson) {
        if (!(await jsonApi(request, response, url, rawPath)))
          throw new HttpError(404, "notFound", `Not served by the local stand-in: ${request.method} ${rawPath}`);
        return;
      }
      await xmlApi(request, response, url, rawPath);
    } catch (err) {
      if (response.headersSent) {
        response.end();
        return;
      }
      const known = err instanceof HttpError ? err : new HttpError(500, isJson ? "backendError" : "InternalError", String(err));
      // The rest of a refused upload is drained so the client reads the answer rather than a reset.
      request.resume();
      if (isJson) sendJsonError(response, known.status, known.code, known.message);
      else sendXmlError(response, known.status, known.code, known.message);
    }
  };
}
