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
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { runIdempotent } from "../kernel/idempotency.js";
import { log } from "../kernel/logger.js";
import { shardedCounter } from "../kernel/sharded-counter.js";
import { runTransaction } from "../kernel/transactions.js";
import type { VenueGift, VenueGiftRecorder } from "../venues/ports.js";
import { roomsConfig } from "./config.js";
import { GIFT_SHARDS } from "./schema.js";
import { roomFromSnapshot, roomRef, syncRoomState } from "./store.js";

/** rooms/{roomId}/giftShards/{0..15}: gift coins not yet folded into the room document. */
const giftShards = (roomId: string) => shardedCounter(roomRef(roomId), Collections.roomGiftShards, GIFT_SHARDS, ["coins"]);

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
  await runIdempotent({ scope: "rooms.recordGift", key: gift.transactionId, payload: { roomId, coins: gift.coins }, retainDays: 7 }, async (tx) => {
    giftShards(roomId).increment(tx, { coins: gift.coins });
    return null;
  });
};

/** Gift coins on the shards, not yet folded into the room document. */
export async function unfoldedGiftCoins(roomId: string): Promise<number> {
  return (await giftShards(roomId).read()).coins;
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
    const [roomSnap, shards] = await Promise.all([tx.get(roomRef(roomId)), giftShards(roomId).collect(tx)]);
    const room = roomFromSnapshot(roomSnap);
    const { present } = shards;
    const folded = shards.totals.coins;
    if (!room) {
      for (const shard of present) tx.delete(shard);
      return { folded: 0, level: 1, changed: false };
    }
    const giftCoins = room.giftCoins + folded;
    const level = roomLevelFor(giftCoins, config.levelThresholds);
    if (!present.length && level === room.level) return { folded: 0, level, changed: false };
    for (const shard of present) tx.delete(shard);
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
  const shards = await db().collectionGroup(Collections.roomGiftShards).limit(limit).get();
  const ids = new Set<string>();
  for (const shard of shards.docs) {
    const room = shard.ref.parent.parent;
    if (room && room.parent.id === Collections.rooms) ids.add(room.id);
  }
  return [...ids];
}
