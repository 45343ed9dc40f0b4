/**
 * The PK battle API contract: request schemas of the PK callables, their response types, the operator
 * configuration (config/pk), and the shapes stored in Firestore (pkBattles/{battleId}) and mirrored to the
 * RTDB (streams/{streamId}/state/pk), importable by clients.
 */
import * as z from "zod";
import { RequestIdSchema } from "../../kernel/idempotency.js";
import { KeySafeIdSchema } from "../../kernel/validation.js";

/** Stream and battle ids: safe as Firestore ids, RTDB keys and Cloud Tasks ids. */
export const PkIdSchema = KeySafeIdSchema;

export const ChallengePkRequestSchema = z
  .object({
    /** The caller's own live stream. */
    streamId: PkIdSchema,
    /** The live stream of the host being challenged. */
    opponentStreamId: PkIdSchema,
    requestId: RequestIdSchema,
  })
  .strict()
  .refine((r) => r.streamId !== r.opponentStreamId, { message: "A stream cannot challenge itself.", path: ["opponentStreamId"] });
export type ChallengePkRequest = z.infer<typeof ChallengePkRequestSchema>;

export const RespondPkRequestSchema = z
  .object({
    battleId: PkIdSchema,
    accept: z.boolean(),
    requestId: RequestIdSchema,
  })
  .strict();
export type RespondPkRequest = z.infer<typeof RespondPkRequestSchema>;

export const CancelPkRequestSchema = z
  .object({
    battleId: PkIdSchema,
    requestId: RequestIdSchema,
  })
  .strict();
export type CancelPkRequest = z.infer<typeof CancelPkRequestSchema>;

/**
 * Lifecycle. A challenge is "pending" until answered, then "declined", "cancelled" (by the challenger, or
 * because a stream ended), "expired" (unanswered) or "active"; an active battle becomes "finished" once its
 * result is decided.
 */
export const PK_STATUSES = ["pending", "declined", "cancelled", "expired", "active", "finished"] as const;
export type PkStatus = (typeof PK_STATUSES)[number];

/**
 * What the apps show: "pending" (challenge on screen), "battle" (scores running), "punishment" (result
 * decided: the loser's punishment, the winner's celebration), "finished" (nothing PK-related any more).
 */
export type PkPhase = "pending" | "battle" | "punishment" | "finished";

export interface PkSide {
  streamId: string;
  hostUid: string;
}

export interface PkResult {
  /** Coins of gift value received by each side's host during the battle, by stream id (from the ledger). */
  scores: Record<string, number>;
  winnerStreamId: string | null;
  winnerUid: string | null;
  draw: boolean;
  /** "score": decided at the end; "forfeit": a stream ended during the battle and the other side won. */
  reason: "score" | "forfeit";
  forfeitedStreamId: string | null;
}

/** Why a battle's winner got no reward although the reward is on. */
export type PkRewardWithheld = "forfeit" | "battle-too-short" | "score-too-low" | "host-daily-cap" | "pair-daily-cap";

export interface PkReward {
  uid: string;
  coins: number;
  /** The ledger transaction (type "reward", keyed by the battle id: paid once). */
  transactionId: string;
  paid: boolean;
}

/** pkBattles/{battleId} as the apps read it (times in ms here; Timestamps in Firestore). */
export interface PkBattle {
  id: string;
  status: PkStatus;
  phase: PkPhase;
  challenger: PkSide;
  challenged: PkSide;
  /** Both hosts' uids: the history query (array-contains). */
  participants: string[];
  streamIds: string[];
  battleSeconds: number;
  punishmentSeconds: number;
  createdAt: number;
  /** The challenge's deadline. */
  expiresAt: number;
  respondedAt: number | null;
  startedAt: number | null;
  endsAt: number | null;
  resolvedAt: number | null;
  punishmentEndsAt: number | null;
  closedAt: number | null;
  result: PkResult | null;
  reward: PkReward | null;
  /** Set with a decided winner when the reward is on but this battle did not earn it (reward stays null). */
  rewardWithheld: PkRewardWithheld | null;
  /** Why a battle ended without being fought (declined, cancelled, expired, stream-ended). */
  endedReason: string | null;
  /** When the timer or the sweep must next act on this battle; absent when nothing is due. */
  nextActionAt: number | null;
  /** Monotonic revision (ms), so a delayed mirror write never overwrites newer state. */
  rev: number;
}

export interface ChallengePkResponse {
  battleId: string;
  status: "pending";
  /** The challenged host must answer before this time (ms). */
  expiresAt: number;
}

export interface RespondPkResponse {
  battleId: string;
  status: "active" | "declined";
  startedAt: number | null;
  endsAt: number | null;
}

export interface CancelPkResponse {
  battleId: string;
  status: "cancelled";
}

/** RTDB streams/{streamId}/state/pk: read by every viewer; written only by functions. */
export interface PkMirror {
  battleId: string;
  rev: number;
  status: PkStatus;
  phase: PkPhase;
  /** This stream's part in the battle. */
  role: "challenger" | "challenged";
  opponentStreamId: string;
  opponentHostUid: string;
  expiresAt?: number;
  startedAt?: number;
  endsAt?: number;
  punishmentEndsAt?: number;
  /** Live display by stream id (incremented per gift); the authoritative values once `result` is set. */
  scores?: Record<string, number>;
  result?: { winnerStreamId: string | null; draw: boolean; reason: PkResult["reason"]; scores: Record<string, number> };
}

/** The payload of a pkBattleTimer task (the step is informational: the battle's state decides what is due). */
export const PkTimerTaskSchema = z.looseObject({ battleId: PkIdSchema, step: z.string().max(32).optional() });
export type PkTimerTask = z.infer<typeof PkTimerTaskSchema>;
