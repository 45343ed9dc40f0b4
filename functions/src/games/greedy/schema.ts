/**
 * The Greedy API contract: the wheel configuration (config/games, field greedy), the callables' requests
 * and responses, their refusal reasons, the round record (gameRounds/{roundId}) and its RTDB mirror
 * (rooms/{roomId}/greedy), importable by clients.
 */
import * as z from "zod";
import { RequestIdSchema } from "../../kernel/idempotency.js";
import { CursorSchema, KeySafeIdSchema } from "../../kernel/validation.js";
import type { FairnessRecord } from "../fairness/schema.js";

/** details.reason of the Greedy refusals. */
export const GreedyRefusalSchema = z.enum([
  "betting-closed",
  "not-in-room",
  "unknown-item",
  "invalid-chip",
  "user-round-limit",
  "exposure-cap",
  "round-mismatch",
]);
export type GreedyRefusal = z.infer<typeof GreedyRefusalSchema>;

export const GreedyItemSchema = z
  .object({
    id: KeySafeIdSchema.max(32),
    label: z.string().min(1).max(40),
    /** Paid multiplier × stake on a win (the stake included). */
    multiplier: z.number().int().min(2).max(1_000),
    /** Probability weight: the item wins with weight / Σ weights. */
    weight: z.number().int().min(1).max(1_000_000),
  })
  .strict();
export type GreedyItem = z.infer<typeof GreedyItemSchema>;

// ---------- round record ----------

export const GREEDY_PHASES = ["betting", "spinning", "result", "finished"] as const;
export type GreedyPhase = (typeof GREEDY_PHASES)[number];

/** The per-round settlement marker: written once, after every payout batch is posted. */
export interface GreedySettlement {
  stakes: number;
  payouts: number;
  /** Stakes minus payouts: what the house took (negative when it paid in). */
  house: number;
  winners: number;
  batches: number;
  settledAt: number;
}

/** gameRounds/{roundId} of a Greedy round (times in ms). */
export interface GreedyRound {
  id: string;
  game: "greedy";
  roomId: string;
  seq: number;
  phase: GreedyPhase;
  /** The wheel as it was when the round opened (a config edit never changes a round in flight). */
  items: GreedyItem[];
  /** items' weights in order: what the verifier draws with. */
  weights: number[];
  chips: number[];
  maxStakePerUser: number;
  exposureCapPerItem: number;
  openedAt: number;
  bettingEndsAt: number;
  spinEndsAt: number;
  resultEndsAt: number;
  /** When the timer or the sweep must next act; null once finished. */
  nextActionAt: number | null;
  /** clientSeed is "" until betting closes; serverSeed null until the result. */
  fairness: Omit<FairnessRecord, "clientSeed"> & { clientSeed: string | null };
  /** Stakes per item, fixed when betting closes. */
  totals: Record<string, number> | null;
  participants: number | null;
  winningIndex: number | null;
  winningItemId: string | null;
  settlement: GreedySettlement | null;
}

/** RTDB rooms/{roomId}/greedy: read by every signed-in user, written only by functions. */
export interface GreedyMirror {
  roundId: string;
  seq: number;
  phase: GreedyPhase;
  /** Server time (ms) the current phase ends. */
  endsAt: number;
  bettingEndsAt: number;
  commitment: string;
  items: Pick<GreedyItem, "id" | "label" | "multiplier">[];
  chips: number[];
  /** Live stakes per item of this round (incremented per bet; the closing totals once betting closed). */
  totals?: Record<string, number>;
  clientSeed?: string;
  serverSeed?: string;
  winningItemId?: string;
  /** Set when the game stopped (nobody in the room); a bet or startGreedy starts it again. */
  stopped?: boolean;
}

// ---------- callables ----------

export const PlaceGreedyBetRequestSchema = z
  .object({
    roomId: KeySafeIdSchema,
    roundId: KeySafeIdSchema,
    itemId: KeySafeIdSchema.max(32),
    chip: z.number().int().positive().max(1_000_000_000),
    requestId: RequestIdSchema,
  })
  .strict();
export type PlaceGreedyBetRequest = z.infer<typeof PlaceGreedyBetRequestSchema>;

export interface PlaceGreedyBetResponse {
  roundId: string;
  itemId: string;
  chip: number;
  /** The caller's stakes in this round after the bet. */
  myStakes: { total: number; byItem: Record<string, number> };
  transactionId: string;
}

export const StartGreedyRequestSchema = z.object({ roomId: KeySafeIdSchema }).strict();
export type StartGreedyRequest = z.infer<typeof StartGreedyRequestSchema>;

export interface StartGreedyResponse {
  roundId: string;
  phase: GreedyPhase;
  bettingEndsAt: number;
  commitment: string;
  /** false when a round was already running. */
  started: boolean;
}

export const GetGreedyOddsRequestSchema = z.preprocess((value) => value ?? {}, z.object({}).strict());

export interface GreedyOdds {
  items: (GreedyItem & { probability: number; rtp: number })[];
  totalWeight: number;
  /** The RTP of a stake spread evenly over every item (the mean of the per-item RTPs). */
  rtp: number;
  chips: number[];
  maxStakePerUser: number;
  exposureCapPerItem: number;
}

export const ListGreedyRoundsRequestSchema = z
  .object({ roomId: KeySafeIdSchema, limit: z.number().int().min(1).max(50).default(20), cursor: CursorSchema.optional() })
  .strict();
export type ListGreedyRoundsRequest = z.infer<typeof ListGreedyRoundsRequestSchema>;

export interface GreedyRoundSummary {
  roundId: string;
  roomId: string;
  seq: number;
  winningItemId: string | null;
  totals: Record<string, number> | null;
  participants: number | null;
  fairness: GreedyRound["fairness"];
  weights: number[];
  winningIndex: number | null;
  finishedAt: number;
}

export interface ListGreedyRoundsResponse {
  rounds: GreedyRoundSummary[];
  nextCursor: string | null;
}

export const ListMyGreedyBetsRequestSchema = z
  .object({ limit: z.number().int().min(1).max(50).default(20), cursor: CursorSchema.optional() })
  .strict();
export type ListMyGreedyBetsRequest = z.infer<typeof ListMyGreedyBetsRequestSchema>;

export interface MyGreedyRound {
  roundId: string;
  roomId: string;
  byItem: Record<string, number>;
  staked: number;
  /** null until the round's result. */
  winningItemId: string | null;
  payout: number | null;
  net: number | null;
  placedAt: number;
}

export interface ListMyGreedyBetsResponse {
  items: MyGreedyRound[];
  nextCursor: string | null;
}

export const GetHouseDayRequestSchema = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "day is YYYY-MM-DD (UTC)") }).strict();
export type GetHouseDayRequest = z.infer<typeof GetHouseDayRequestSchema>;

export interface HouseDay {
  day: string;
  /** Σ of the house's game entries that UTC day (coins): positive is profit. */
  net: number;
  credits: number;
  debits: number;
  transactions: number;
}

/** The payload of a greedyRoundTimer task. */
export const GreedyTimerTaskSchema = z.looseObject({ roundId: KeySafeIdSchema });
export type GreedyTimerTask = z.infer<typeof GreedyTimerTaskSchema>;
