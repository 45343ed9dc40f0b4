/**
 * Discovery of live streams, served only through this callable (stream documents are not
 * client-readable): it hides streams of hosts in a block with the caller either way, never lists
 * private streams, and lists followers-only streams only to followers (the "following" feed).
 *
 *   live / category / country: discoverable streams (public and password) newest first; indexes
 *     streams (status, discoverable, [category|country], startedAt DESC, __name__ DESC).
 *   following: the caller's follow edges in uid order, in chunks, each chunk one `hostUid in [...]`
 *     query (a host has at most one live stream, so a chunk of n hosts yields at most n streams).
 * Pages may be shorter than `limit` when hidden streams were skipped; nextCursor is null at the end.
 */
import type { Query, QueryDocumentSnapshot, Timestamp } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { blockedAmong, FOLLOWING, userRef } from "../social/store.js";
import type { ListLiveStreamsRequest, ListLiveStreamsResponse, StreamSummary } from "./schema.js";
import { type StoredStream, summaryOf } from "./store.js";

/** Bounds the work of one call when many streams in a row are hidden from the caller. */
const MAX_ROUNDS = 5;
/** Firestore's limit on `in` values. */
const IN_LIMIT = 30;

type Cursor = { t: [number, number]; id: string } | { f: string };

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function badCursor(): never {
  return fail("invalid-argument", "Invalid request: cursor: malformed cursor", {
    issues: [{ path: "cursor", message: "malformed cursor", code: "custom" }],
  });
}

function decodeCursor(raw: string, following: boolean): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    return badCursor();
  }
  const c = parsed as Record<string, unknown>;
  if (following && typeof c?.f === "string" && c.f) return { f: c.f };
  if (!following && Array.isArray(c?.t) && c.t.length === 2 && c.t.every(Number.isInteger) && typeof c.id === "string" && c.id) {
    return { t: [c.t[0] as number, c.t[1] as number], id: c.id };
  }
  return badCursor();
}

function streamsQuery(request: Exclude<ListLiveStreamsRequest, { by: "following" }>): Query {
  const { FieldPath } = firestoreValues();
  let query: Query = db().collection(Collections.streams).where("status", "==", "live").where("discoverable", "==", true);
  if (request.by === "category") query = query.where("category", "==", request.category);
  if (request.by === "country") query = query.where("country", "==", request.country);
  return query.orderBy("startedAt", "desc").orderBy(FieldPath.documentId(), "desc");
}

async function listDiscoverable(caller: Caller, request: Exclude<ListLiveStreamsRequest, { by: "following" }>): Promise<ListLiveStreamsResponse> {
  const { Timestamp: Ts } = firestoreValues();
  const base = streamsQuery(request);
  let after = request.cursor ? (decodeCursor(request.cursor, false) as { t: [number, number]; id: string }) : null;
  const items: StreamSummary[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const query = after ? base.startAfter(new Ts(after.t[0], after.t[1]), after.id) : base;
    const page = await query.limit(request.limit).get();
    const hidden = await blockedAmong(caller.uid, [...new Set(page.docs.map((d) => d.get("hostUid") as string))]);
    for (const doc of page.docs) {
      const startedAt = doc.get("startedAt") as Timestamp;
      after = { t: [startedAt.seconds, startedAt.nanoseconds], id: doc.id };
      if (!hidden.has(doc.get("hostUid") as string)) items.push(summaryOf(doc.data() as StoredStream));
      if (items.length === request.limit) return { items, nextCursor: encodeCursor(after) };
    }
    if (page.size < request.limit) return { items, nextCursor: null };
  }
  return { items, nextCursor: after ? encodeCursor(after) : null };
}

async function listFollowing(caller: Caller, request: Extract<ListLiveStreamsRequest, { by: "following" }>): Promise<ListLiveStreamsResponse> {
  const { FieldPath } = firestoreValues();
  let after = request.cursor ? (decodeCursor(request.cursor, true) as { f: string }).f : null;
  const found: QueryDocumentSnapshot[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const chunk = Math.min(request.limit - found.length, IN_LIMIT);
    let edgesQuery = userRef(caller.uid).collection(FOLLOWING).orderBy(FieldPath.documentId()).limit(chunk);
    if (after) edgesQuery = edgesQuery.startAfter(after);
    const edges = await edgesQuery.get();
    if (edges.empty) return { items: sorted(found), nextCursor: null };
    const hosts = edges.docs.map((d) => d.id);
    const [live, hidden] = await Promise.all([
      db().collection(Collections.streams).where("hostUid", "in", hosts).where("status", "==", "live").get(),
      blockedAmong(caller.uid, hosts),
    ]);
    // Following the host is what admits followers-only streams here; private ones stay unlisted.
    found.push(...live.docs.filter((d) => d.get("visibility") !== "private" && !hidden.has(d.get("hostUid") as string)));
    after = hosts[hosts.length - 1] as string;
    if (edges.size < chunk) return { items: sorted(found), nextCursor: null };
    if (found.length >= request.limit) break;
  }
  return { items: sorted(found), nextCursor: encodeCursor({ f: after as string }) };
}

function sorted(docs: QueryDocumentSnapshot[]): StreamSummary[] {
  return docs
    .map((d) => d.data() as StoredStream)
    .sort((a, b) => b.startedAt.toMillis() - a.startedAt.toMillis())
    .map(summaryOf);
}

export function listLiveStreams(caller: Caller, request: ListLiveStreamsRequest): Promise<ListLiveStreamsResponse> {
  return request.by === "following" ? listFollowing(caller, request) : listDiscoverable(caller, request);
}
