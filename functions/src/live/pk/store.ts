/**
 * Where PK state lives in Firestore and how it is read back: battle references and ids, the stored battle
 * (Timestamps) as the PkBattle the service works with (ms), and whether a stream is free for a new PK.
 */
import { createHash } from "node:crypto";
import type { DocumentReference, DocumentSnapshot, Timestamp } from "firebase-admin/firestore";
import { db, firestoreValues } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import { PK_BATTLES, PK_COUNTED_GIFTS, PK_REWARD_COUNTERS, type PkBattle, type PkPhase, type PkSide, type PkStatus, STREAMS } from "./schema.js";

export const battleRef = (battleId: string): DocumentReference => db().collection(PK_BATTLES).doc(battleId);
export const streamRef = (streamId: string): DocumentReference => db().collection(STREAMS).doc(streamId);
export const countedGiftRef = (battleId: string, transactionId: string): DocumentReference =>
  battleRef(battleId).collection(PK_COUNTED_GIFTS).doc(transactionId);
/** A day's reward counter of one host, or of one pair of hosts (either order): hashed, since uids are free-form. */
export function rewardCounterRef(day: string, ...uids: string[]): DocumentReference {
  const kind = uids.length === 1 ? "host" : "pair";
  const hash = createHash("sha256")
    .update([...uids].sort().join("\u0000"))
    .digest("hex")
    .slice(0, 32);
  return db().collection(PK_REWARD_COUNTERS).doc(`${day}_${kind}_${hash}`);
}
export const blockRef = (blockerUid: string, blockedUid: string): DocumentReference =>
  db().collection(Collections.blocks).doc(`${blockerUid}__${blockedUid}`);

/** One battle per (challenger, requestId): a replayed challenge finds the same battle. */
export function battleIdFor(challengerUid: string, requestId: string): string {
  return `pk_${createHash("sha256").update(`pk\u0000${challengerUid}\u0000${requestId}`).digest("hex").slice(0, 32)}`;
}

interface MillisLike {
  toMillis(): number;
}

export function millisOf(value: unknown): number | null {
  return value && typeof (value as MillisLike).toMillis === "function" ? (value as MillisLike).toMillis() : null;
}

export function timestampOf(ms: number): Timestamp {
  return firestoreValues().Timestamp.fromMillis(ms);
}

function sideOf(value: unknown): PkSide {
  const side = (value ?? {}) as Record<string, unknown>;
  return { streamId: String(side.streamId ?? ""), hostUid: String(side.hostUid ?? "") };
}

/** The stored battle in the service's terms; null when the document does not exist. */
export function readBattle(snapshot: DocumentSnapshot): PkBattle | null {
  if (!snapshot.exists) return null;
  const data = snapshot.data() ?? {};
  return {
    id: snapshot.id,
    status: data.status as PkStatus,
    phase: data.phase as PkPhase,
    challenger: sideOf(data.challenger),
    challenged: sideOf(data.challenged),
    participants: (data.participants as string[]) ?? [],
    streamIds: (data.streamIds as string[]) ?? [],
    battleSeconds: Number(data.battleSeconds),
    punishmentSeconds: Number(data.punishmentSeconds),
    createdAt: millisOf(data.createdAt) ?? 0,
    expiresAt: millisOf(data.expiresAt) ?? 0,
    respondedAt: millisOf(data.respondedAt),
    startedAt: millisOf(data.startedAt),
    endsAt: millisOf(data.endsAt),
    resolvedAt: millisOf(data.resolvedAt),
    punishmentEndsAt: millisOf(data.punishmentEndsAt),
    closedAt: millisOf(data.closedAt),
    result: (data.result as PkBattle["result"]) ?? null,
    reward: (data.reward as PkBattle["reward"]) ?? null,
    rewardWithheld: (data.rewardWithheld as PkBattle["rewardWithheld"]) ?? null,
    endedReason: typeof data.endedReason === "string" ? data.endedReason : null,
    nextActionAt: millisOf(data.nextActionAt),
    rev: typeof data.rev === "number" ? data.rev : 0,
  };
}

const TIME_FIELDS = new Set([
  "createdAt",
  "expiresAt",
  "respondedAt",
  "startedAt",
  "endsAt",
  "resolvedAt",
  "punishmentEndsAt",
  "closedAt",
  "nextActionAt",
]);

/** Battle fields as stored: times as Timestamps (queries and the ledger compare Timestamps). */
export function storedFields(fields: Partial<PkBattle>): Record<string, unknown> {
  const stored: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    stored[key] = TIME_FIELDS.has(key) && typeof value === "number" ? timestampOf(value) : value;
  }
  return stored;
}

/** A battle is over for its streams once it ended unfought or its punishment phase is over. */
export function isClosed(battle: Pick<PkBattle, "phase">): boolean {
  return battle.phase === "finished";
}

/** Revisions only grow, even if two instances' clocks disagree by a little. */
export function nextRev(battle: Pick<PkBattle, "rev">, now: number): number {
  return Math.max(now, battle.rev + 1);
}

export function sidesOf(battle: Pick<PkBattle, "challenger" | "challenged">): [PkSide, PkSide] {
  return [battle.challenger, battle.challenged];
}

export function opponentOf(battle: Pick<PkBattle, "challenger" | "challenged">, streamId: string): PkSide {
  return battle.challenger.streamId === streamId ? battle.challenged : battle.challenger;
}
