/**
 * Page cursors for lists ordered by a timestamp then the document id: opaque to clients (base64url of
 * [seconds, nanoseconds] and the id), and a malformed one is the caller's invalid-argument.
 */
import type { Timestamp } from "firebase-admin/firestore";
import { fail } from "./errors.js";

export interface TimeCursor {
  /** The last item's timestamp, as [seconds, nanoseconds]. */
  t: [number, number];
  id: string;
}

export function encodeTimeCursor(at: Timestamp, id: string): string {
  return Buffer.from(JSON.stringify({ t: [at.seconds, at.nanoseconds], id } satisfies TimeCursor)).toString("base64url");
}

export function decodeTimeCursor(raw: string): TimeCursor {
  try {
    const c = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as TimeCursor;
    if (Array.isArray(c.t) && c.t.length === 2 && c.t.every(Number.isInteger) && typeof c.id === "string" && c.id) return c;
  } catch {
    // fall through
  }
  return fail("invalid-argument", "Invalid request: cursor: malformed cursor", {
    issues: [{ path: "cursor", message: "malformed cursor", code: "custom" }],
  });
}
