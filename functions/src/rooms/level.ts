/**
 * Room level from gifts received in the room.
 *
 * recordRoomGift (called by the ledger trigger once or more per gift) adds the gift's coin value to one
 * of 16 shard documents rooms/{roomId}/giftShards/{n} with a blind increment, in the same Firestore
 * transaction as the gift's idempotency record (kernel runIdempotent, keyed by the ledger transaction
 * id): a replay finds the record and adds nothing, and no document is written by every gift of a
 * busy room — the room document itself is never touched per gift. The room document's giftCoins and
 * level are refreshed by folding the shards (foldRoomGiftShards, run by the maintenance job every few
 * minutes, one writer per room), and getRoom adds the unfolded shards so a room's page is current.
 * Levels come from config/rooms.levelThresholds.
 */
import type { DocumentReference } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { runIdempotent } from "../kernel/idempotency.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";
import type { VenueGift, VenueGiftRecorder } from "../venues/ports.js";
import { roomsConfig } from "./config.js";
import { GIFT_SHARDS, RoomCollections } from "./schema.js";
import { roomFromSnapshot, roomRef, syncRoomState } from "./store.js";

export const giftShardRef = (roomId: string, shard: number): DocumentReference =>
  roomRef(roomId).collection(RoomCollections.giftShards).doc(String(shard));

/** Level 1 below the first threshold, then one more per threshold reached. */
export function roomLevelFor(giftCoins: number, thresholds: readonly number[]): number {
  let level = 1;
  for (const threshold of thresholds) {
    if (giftCoins >= threshold) level++;
    else break;
  }
  return level;
}

export const recordRoomGift: VenueGiftRecorder = async (gift: VenueGift) => {
  if (gift.venue.type !== "room") return;
  if (!Number.isSafeInteger(gift.coins) || gift.coins <= 0) {
    log.warn("room gift without a positive integer value ignored", { transactionId: gift.transactionId, coins: gift.coins });
    return;
  }
  const roomId = gift.venue.id;
  // Rooms are closed, never deleted: a gift naming an unknown room (the gift's context is the sender's
  // claim) raises no level. Read outside the transaction, so the room document takes no lock per gift.
  if (!(await roomRef(roomId).get()).exists) {
    log.warn("gift for an unknown room ignored by the room level", { roomId, transactionId: gift.transactionId });
    return;
  }
  const { FieldValue } = firestoreValues();
  await runIdempotent({ scope: "rooms.recordGift", key: gift.transactionId, payload: { roomId, coins: gift.coins }, retainDays: 7 }, async (tx) => {
    const shard = giftShardRef(roomId, Math.floor(Math.random() * GIFT_SHARDS));
    tx.set(shard, { coins: FieldValue.increment(gift.coins) }, { merge: true });
    return null;
  });
};

/** Gift coins on the shards, not yet folded into the room document. */
export async function unfoldedGiftCoins(roomId: string): Promise<number> {
  const shards = await roomRef(roomId).collection(RoomCollections.giftShards).get();
  return shards.docs.reduce((sum, doc) => sum + (typeof doc.get("coins") === "number" ? (doc.get("coins") as number) : 0), 0);
}

/**
 * Moves the shards' coins into rooms/{roomId}.giftCoins and recomputes the level, in one transaction
 * (a gift landing meanwhile waits for it, then re-creates its shard: nothing is lost). Mirrors the new
 * level to RTDB state when it changed.
 */
export async function foldRoomGiftShards(roomId: string): Promise<{ folded: number; level: number }> {
  const config = await roomsConfig();
  const { FieldValue } = firestoreValues();
  const outcome = await runTransaction(async (tx) => {
    const shardRefs = Array.from({ length: GIFT_SHARDS }, (_, i) => giftShardRef(roomId, i));
    const [roomSnap, ...shards] = await tx.getAll(roomRef(roomId), ...shardRefs);
    const room = roomSnap ? roomFromSnapshot(roomSnap) : null;
    const present = shards.filter((s) => s.exists);
    const folded = present.reduce((sum, s) => sum + (typeof s.get("coins") === "number" ? (s.get("coins") as number) : 0), 0);
    if (!room) {
      for (const shard of present) tx.delete(shard.ref);
      return { folded: 0, level: 1, changed: false };
    }
    const giftCoins = room.giftCoins + folded;
    const level = roomLevelFor(giftCoins, config.levelThresholds);
    if (!present.length && level === room.level) return { folded: 0, level, changed: false };
    for (const shard of present) tx.delete(shard.ref);
    const changed = level !== room.level;
    tx.update(roomRef(roomId), {
      giftCoins,
      level,
      ...(changed ? { version: FieldValue.increment(1), updatedAt: FieldValue.serverTimestamp() } : {}),
    });
    return { folded, level, changed };
  });
  if (outcome.changed) await syncRoomState(roomId);
  return { folded: outcome.folded, level: outcome.level };
}

/** Rooms that have unfolded shards (one page), for the maintenance job. */
export async function roomsWithGiftShards(limit = 500): Promise<string[]> {
  const shards = await db().collectionGroup(RoomCollections.giftShards).limit(limit).get();
  const ids = new Set<string>();
  for (const shard of shards.docs) {
    const room = shard.ref.parent.parent;
    if (room && room.parent.id === RoomCollections.rooms) ids.add(room.id);
  }
  return [...ids];
}
