/**
 * Where Greedy state lives: greedyGames/{roomId} (the room's game: current round, sequence, running),
 * gameRounds/{roundId} (the round record, public), its private seed document, the players' stake records
 * and the items' exposure shards below it. Times are stored as epoch ms.
 */
import { createHash } from "node:crypto";
import type { DocumentReference, DocumentSnapshot } from "firebase-admin/firestore";
import { db } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import { EXPOSURE_SHARDS } from "./config.js";
import type { GreedyRound } from "./schema.js";

export const gameRef = (roomId: string): DocumentReference => db().collection(Collections.greedyGames).doc(roomId);
export const roundRef = (roundId: string): DocumentReference => db().collection(Collections.gameRounds).doc(roundId);
export const seedRef = (roundId: string): DocumentReference => roundRef(roundId).collection(Collections.gameRoundPrivate).doc("seed");
export const stakeRef = (roundId: string, uid: string): DocumentReference => roundRef(roundId).collection(Collections.greedyStakes).doc(uid);
export const exposureRef = (roundId: string, itemId: string, shard: number): DocumentReference =>
  roundRef(roundId).collection(Collections.greedyExposure).doc(`${itemId}_${shard}`);

/** The exposure shards of an item, in order. */
export function exposureRefs(roundId: string, itemId: string): DocumentReference[] {
  return Array.from({ length: EXPOSURE_SHARDS }, (_, shard) => exposureRef(roundId, itemId, shard));
}

/** Round ids derive from (room, sequence): opening the same round twice finds the same document. */
export function roundIdFor(roomId: string, seq: number): string {
  return `gr_${createHash("sha256").update(`greedy\u0000${roomId}\u0000${seq}`).digest("hex").slice(0, 32)}`;
}

export interface GreedyGame {
  roomId: string;
  seq: number;
  currentRoundId: string | null;
  /** false once a round finished with nobody in the room. */
  running: boolean;
}

export function readGame(snapshot: DocumentSnapshot, roomId: string): GreedyGame {
  const data = snapshot.data() ?? {};
  return {
    roomId,
    seq: typeof data.seq === "number" ? data.seq : 0,
    currentRoundId: typeof data.currentRoundId === "string" ? data.currentRoundId : null,
    running: data.running === true,
  };
}

export function readRound(snapshot: DocumentSnapshot): GreedyRound | null {
  return snapshot.exists ? ({ ...(snapshot.data() as GreedyRound), id: snapshot.id } as GreedyRound) : null;
}

/** A player's stake record: coins by item, their sum, and when the first bet of the round was placed. */
export interface StakeRecord {
  uid: string;
  roundId: string;
  roomId: string;
  byItem: Record<string, number>;
  total: number;
  placedAt: number;
}

export function readStake(snapshot: DocumentSnapshot): StakeRecord | null {
  if (!snapshot.exists) return null;
  const data = snapshot.data() ?? {};
  return {
    uid: String(data.uid),
    roundId: String(data.roundId),
    roomId: String(data.roomId),
    byItem: (data.byItem as Record<string, number>) ?? {},
    total: typeof data.total === "number" ? data.total : 0,
    placedAt: typeof data.placedAt === "number" ? data.placedAt : 0,
  };
}
