/**
 * Converts raw Redis replies (ioredis buffer mode) into Upstash REST JSON values.
 *
 * @upstash/redis sends `Upstash-Encoding: base64` by default and then base64-decodes every
 * string in `result`, at any array depth; numbers and null pass through untouched. Without that
 * header, strings are sent as UTF-8 text (lossy for non-UTF-8 bytes, as on Upstash).
 */

export type ResponseEncoding = "base64" | "utf8";

export type JsonReply = string | number | null | JsonReply[];

/** What ioredis yields with buffer replies: bulk/status strings as Buffers, integers as numbers. */
export type RawReply = Buffer | string | number | null | undefined | Error | RawReply[];

export function toJsonReply(reply: RawReply, encoding: ResponseEncoding): JsonReply {
  if (reply === null || reply === undefined) return null;
  if (Array.isArray(reply)) return reply.map((item) => toJsonReply(item, encoding));
  if (typeof reply === "number") return reply;
  // An error nested in an array (e.g. inside a Lua table reply): surface its message as a string.
  if (reply instanceof Error) return encodeText(reply.message, encoding);
  // Strings only come from the bridge itself (e.g. SCRIPT LOAD's client-side SHA1).
  if (typeof reply === "string") return encodeText(reply, encoding);
  return encoding === "base64" ? reply.toString("base64") : reply.toString("utf8");
}

function encodeText(text: string, encoding: ResponseEncoding): string {
  return encoding === "base64" ? Buffer.from(text, "utf8").toString("base64") : text;
}
