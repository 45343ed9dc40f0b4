/**
 * Room activity history: rooms/{roomId}/activity/{autoId} — seat changes, moderation and settings, for
 * the owner, room admins and staff (listRoomActivity, newest first, cursor pages of at most 100).
 * An entry is written after its action took effect; a failed write is logged, never undoes the action.
 * Entries older than config/rooms.activityRetentionDays are trimmed by a daily job.
 */
import { db, firestoreValues } from "../kernel/app.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { type ActivityEntry, type ActivityType, type ListRoomActivityRequest, type ListRoomActivityResponse, RoomCollections } from "./schema.js";
import { loadRoom, requireRoomModerator, roomRef } from "./store.js";

export interface ActivityInput {
  type: ActivityType;
  actorUid: string;
  targetUid?: string | null;
  details?: Record<string, unknown>;
}

const activityOf = (roomId: string) => roomRef(roomId).collection(RoomCollections.activity);

export async function recordActivity(roomId: string, entry: ActivityInput): Promise<void> {
  const { FieldValue } = firestoreValues();
  try {
    await activityOf(roomId).add({
      type: entry.type,
      actorUid: entry.actorUid,
      targetUid: entry.targetUid ?? null,
      details: entry.details ?? {},
      at: FieldValue.serverTimestamp(),
      // Client clock-free ordering key, also what the retention job filters on.
      atMs: Date.now(),
    });
  } catch (err) {
    log.error("room activity not recorded", { roomId, type: entry.type, error: String(err) });
  }
}

export async function listRoomActivity(caller: Caller, request: ListRoomActivityRequest): Promise<ListRoomActivityResponse> {
  requireRoomModerator(await loadRoom(request.roomId), caller);
  let query = activityOf(request.roomId).orderBy("atMs", "desc").limit(request.limit);
  if (request.cursor) {
    const after = await activityOf(request.roomId).doc(request.cursor).get();
    if (after.exists) query = query.startAfter(after);
  }
  const page = await query.get();
  const items: ActivityEntry[] = page.docs.map((doc) => {
    const d = doc.data();
    return {
      id: doc.id,
      type: d.type,
      actorUid: d.actorUid,
      targetUid: d.targetUid ?? null,
      details: d.details ?? {},
      at: typeof d.atMs === "number" ? new Date(d.atMs).toISOString() : null,
    };
  });
  return { items, nextCursor: page.size === request.limit ? (page.docs[page.size - 1]?.id ?? null) : null };
}

/** Deletes room activity older than the retention, in pages; returns how many went. */
export async function trimRoomActivity(cutoffMs: number, pageSize = 400): Promise<number> {
  let deleted = 0;
  for (;;) {
    const page = await db().collectionGroup(RoomCollections.activity).where("atMs", "<", cutoffMs).limit(pageSize).get();
    // Only rooms' activity: another domain may one day name a sub-collection "activity" too.
    const ours = page.docs.filter((doc) => doc.ref.parent.parent?.parent.id === RoomCollections.rooms);
    if (ours.length) {
      const batch = db().batch();
      for (const doc of ours) batch.delete(doc.ref);
      await batch.commit();
      deleted += ours.length;
    }
    if (page.size < pageSize || ours.length === 0) return deleted;
  }
}
