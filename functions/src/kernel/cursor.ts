/**
 * Page cursors for lists ordered by a timestamp then the document id: opaque to clients (base64url of
 * [seconds, nanoseconds] and the id), and a malformed one is the caller's invalid-argument.
 */
import type { Query, QueryDocumentSnapshot, Timestamp } from "firebase-admin/firestore";
import { firestoreValues } from "./app.js";
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

export interface TimePage {
  docs: QueryDocumentSnapshot[];
  /** Null when this page was not full: there is nothing after it. */
  nextCursor: string | null;
}

/**
 * One page of `query` ordered by `field` then the document id (newest first unless `order` is
 * "asc"), from the request's cursor on. The query's index must end with (field, __name__) in that order.
 */
export async function pageByTime(
  query: Query,
  field: string,
  request: { limit: number; cursor?: string | null },
  order: "asc" | "desc" = "desc",
): Promise<TimePage> {
  const { FieldPath, Timestamp: Ts } = firestoreValues();
  let ordered = query.orderBy(field, order).orderBy(FieldPath.documentId(), order).limit(request.limit);
  if (request.cursor) {
    const c = decodeTimeCursor(request.cursor);
    ordered = ordered.startAfter(new Ts(c.t[0], c.t[1]), c.id);
  }
  const snapshot = await ordered.get();
  const last = snapshot.docs.at(-1);
  const nextCursor = snapshot.size === request.limit && last ? encodeTimeCursor(last.get(field) as Timestamp, last.id) : null;
  return { docs: snapshot.docs, nextCursor };
}
