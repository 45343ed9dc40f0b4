/**
 * The Teen Patti API contract: request schemas of the table callables, their responses, the refusal
 * reasons, the operators' configuration (config/games, field teenPatti) and the stored shapes
 * (importable by clients).
 *
 * Where a table lives:
 *   Firestore teenPattiTables/{tableId}                 settings, seats, the hand in play (authoritative; signed-in users read)
 *   Firestore teenPattiTables/{tableId}/private/dealer  the next server seed, the hand's seed and cards   server only
 *   Firestore gameHands/{handId}                        the public hand record: players, commitment at the deal,
 *                                                       result, events, and after the hand the revealed seed and hands
 *   RTDB teenPatti/tables/{tableId}                     what the apps render: seats, pot, stake, whose turn, seen/packed
 *   RTDB teenPatti/cards/{tableId}/{uid}                { handId, cards } once the player has seen them; read by that
 *                                                       player only, never in the shared state before a show
 */
import * as z from "zod";
import { RequestIdSchema } from "../../kernel/idempotency.js";
import { keySafeId } from "../../kernel/validation.js";
import { A23_RANKS } from "./hand-rank.js";

/** details.reason of the Teen Patti refusals. */
export const TeenPattiRefusalSchema = z.enum([
  "already-seated",
  "amount-out-of-range",
  "blind-limit",
  "games-disabled",
  "no-hand",
  "no-side-show",
  "no-table",
  "not-in-hand",
  "not-seated",
  "not-your-turn",
  "packed",
  "seat-taken",
  "setting-out-of-bounds",
  "shared-device",
  "show-needs-two",
  "side-show-pending",
  "side-show-unavailable",
  "stake-limit",
  "table-full",
  "turn-over",
]);
export type TeenPattiRefusal = z.infer<typeof TeenPattiRefusalSchema>;

export const MIN_SEATS = 3;
export const MAX_SEATS = 6;

export const TableIdSchema = keySafeId({ max: 64 });
const Coins = z.number().int().min(1).max(1_000_000_000);

// ---------------------------------------------------------------------------------------------------
// Configuration: config/games, field teenPatti. Tables choose their settings inside these bounds; a
// table copies them at creation, so an edit never changes a table in play.
// ---------------------------------------------------------------------------------------------------

export const TeenPattiConfigSchema = z.object({
  enabled: z.boolean().default(true),
  defaultSeats: z.number().int().min(MIN_SEATS).max(MAX_SEATS).default(5),
  minBoot: z.number().int().min(1).default(10),
  maxBoot: z.number().int().min(1).max(10_000_000).default(100_000),
  /** The pot limit as a multiple of the boot: bounds and the default. */
  minPotLimitBoots: z.number().int().min(2).default(16),
  maxPotLimitBoots: z.number().int().min(2).max(100_000).default(4_096),
  defaultPotLimitBoots: z.number().int().min(2).default(1_024),
  minBlindTurns: z.number().int().min(0).default(1),
  maxBlindTurns: z.number().int().min(0).max(50).default(8),
  defaultBlindTurns: z.number().int().min(0).default(4),
  minTurnSeconds: z.number().int().min(5).default(20),
  maxTurnSeconds: z.number().int().min(5).max(300).default(30),
  defaultTurnSeconds: z.number().int().min(5).default(25),
  /** The house's share of each pot, percent (rounded down to whole coins). */
  rakePercent: z.number().min(0).max(50).default(5),
  /** A seen player's chaal, as multiples of the current blind stake. */
  seenMinMultiplier: z.number().int().min(1).max(10).default(2),
  seenMaxMultiplier: z.number().int().min(1).max(20).default(4),
  /** The most coins one action may stake (on top of the responsible-gaming limits). */
  maxStakeCoins: z.number().int().min(1).max(1_000_000_000).default(1_000_000),
  /** How long the previous player has to answer a side show before it counts as refused. */
  sideShowSeconds: z.number().int().min(5).max(120).default(15),
  /** Pause between hands (and before the first, once two players sit). */
  betweenHandsSeconds: z.number().int().min(0).max(120).default(5),
  /** Reaching the pot limit ends the hand with a show among the players left; otherwise bets are capped at it. */
  potLimitForcesShow: z.boolean().default(true),
  /** Collusion review (collusion.ts): the window of settled hands the hourly job reads, and its thresholds. */
  collusion: z
    .object({
      windowHours: z.number().int().min(1).max(720).default(24),
      /** shared-tables: at least this many hands together, and this share of the less active player's hands. */
      minSharedHands: z.number().int().min(1).default(20),
      sharedHandsRatio: z.number().min(0).max(1).default(0.8),
      /** soft-play: side shows between the two plus packs that handed the pot to the partner. */
      minSoftPlays: z.number().int().min(1).default(4),
      /** chip-dumping: pots of at least largePotBoots boots won by one of the two after the other packed with at least dumpShare of it. */
      largePotBoots: z.number().int().min(1).default(20),
      dumpShare: z.number().min(0).max(1).default(0.3),
      minDumps: z.number().int().min(1).default(3),
      /** gifting-partners: coins gifted between two players who shared at least minSharedHandsForGifts hands. */
      minGiftCoins: z.number().int().min(1).default(1_000),
      minSharedHandsForGifts: z.number().int().min(1).default(3),
    })
    .prefault({}),
});
export type TeenPattiConfig = z.infer<typeof TeenPattiConfigSchema>;

// ---------------------------------------------------------------------------------------------------
// Requests and responses
// ---------------------------------------------------------------------------------------------------

export const CreateTeenPattiTableRequestSchema = z
  .object({
    bootAmount: Coins,
    seats: z.number().int().min(MIN_SEATS).max(MAX_SEATS).optional(),
    /** Coins; defaults to config defaultPotLimitBoots × bootAmount. */
    potLimit: Coins.optional(),
    maxBlindTurns: z.number().int().min(0).max(50).optional(),
    turnSeconds: z.number().int().min(5).max(300).optional(),
    a23Rank: z.enum(A23_RANKS).default("second"),
    requestId: RequestIdSchema,
  })
  .strict();
export type CreateTeenPattiTableRequest = z.infer<typeof CreateTeenPattiTableRequestSchema>;

export const SitAtTableRequestSchema = z
  .object({
    tableId: TableIdSchema,
    seat: z
      .number()
      .int()
      .min(0)
      .max(MAX_SEATS - 1)
      .optional(),
    requestId: RequestIdSchema,
  })
  .strict();
export type SitAtTableRequest = z.infer<typeof SitAtTableRequestSchema>;

export const TableRequestSchema = z.object({ tableId: TableIdSchema, requestId: RequestIdSchema }).strict();
export type TableRequest = z.infer<typeof TableRequestSchema>;

export const TeenPattiBetRequestSchema = z.object({ tableId: TableIdSchema, amount: Coins, requestId: RequestIdSchema }).strict();
export type TeenPattiBetRequest = z.infer<typeof TeenPattiBetRequestSchema>;

export const RespondSideShowRequestSchema = z.object({ tableId: TableIdSchema, accept: z.boolean(), requestId: RequestIdSchema }).strict();
export type RespondSideShowRequest = z.infer<typeof RespondSideShowRequestSchema>;

/** The table's rules, fixed at creation. */
export interface TableSettings {
  seats: number;
  bootAmount: number;
  potLimit: number;
  maxBlindTurns: number;
  turnSeconds: number;
  a23Rank: (typeof A23_RANKS)[number];
  rakePercent: number;
  seenMinMultiplier: number;
  seenMaxMultiplier: number;
  maxStakeCoins: number;
  sideShowSeconds: number;
  betweenHandsSeconds: number;
  potLimitForcesShow: boolean;
}

export type PlayerStatus = "blind" | "seen" | "packed";

export interface HandPlayer {
  uid: string;
  seat: number;
  status: PlayerStatus;
  /** Coins this player put in the pot this hand (boot included). */
  invested: number;
  /** Blind bets made (the table's maxBlindTurns caps them). */
  blindBets: number;
}

export type HandPhase = "betting" | "side-show" | "ended" | "settled";
export type HandEndReason = "last-standing" | "show" | "pot-limit";

/** What happened in a hand, in order: the record the collusion review reads. */
export interface HandEvent {
  uid: string;
  action: "boot" | "see" | "bet" | "pack" | "timeout" | "leave" | "show" | "side-show" | "side-show-accepted" | "side-show-refused";
  amount?: number;
  /** The other player of a show or side show. */
  target?: string;
  /** Who lost a show or an accepted side show. */
  loser?: string;
  at: number;
}

export interface HandResult {
  reason: HandEndReason;
  winners: string[];
  /** Coins paid to each winner (the pot minus the rake, split equally). */
  payouts: Record<string, number>;
  /** To the house: the rake plus what an equal split leaves over. */
  rake: number;
  /** The cards of the players in a show, by uid (nobody's otherwise). */
  shown: Record<string, string[]>;
}

export interface HandState {
  id: string;
  number: number;
  /** SHA-256 of the hand's server seed, published before the deal (gameHands/{id}.fairness.commitment). */
  commitment: string;
  dealerSeat: number;
  /** In dealing order: the first player after the dealer first, the dealer last. */
  players: HandPlayer[];
  pot: number;
  /** The current blind stake (a seen player's chaal is seenMin..seenMax times it). */
  stake: number;
  /** Index into players of the player to act; null once the hand ended. */
  turn: number | null;
  turnEndsAt: number | null;
  sideShow: { requester: string; target: string; endsAt: number } | null;
  phase: HandPhase;
  result: HandResult | null;
  events: HandEvent[];
  startedAt: number;
  endedAt: number | null;
}

/** teenPattiTables/{tableId} (times in ms). */
export interface TeenPattiTable {
  id: string;
  createdBy: string;
  settings: TableSettings;
  /** uid per seat index, null when free. */
  seats: (string | null)[];
  /** The seat of the last hand's dealer (-1 before the first hand). */
  dealerSeat: number;
  handCount: number;
  hand: HandState | null;
  /** SHA-256 of the next hand's server seed, published before its players are known. */
  nextCommitment: string;
  /** When the timer or the sweep must next act (turn timeout, side-show answer, next deal). */
  nextActionAt: number | null;
  rev: number;
  createdAt: number;
}

export interface CreateTeenPattiTableResponse {
  tableId: string;
  settings: TableSettings;
}

export interface SitAtTableResponse {
  tableId: string;
  seat: number;
}

export interface LeaveTableResponse {
  tableId: string;
  left: boolean;
}

export interface SeeCardsResponse {
  handId: string;
  cards: string[];
}

export interface TeenPattiActionResponse {
  handId: string;
  phase: HandPhase;
  pot: number;
  stake: number;
  /** Coins this action staked. */
  staked: number;
  result: HandResult | null;
}

/** RTDB teenPatti/tables/{tableId}: read by signed-in users, written only by functions. */
export interface TableMirror {
  rev: number;
  settings: TableSettings;
  seats: Record<string, string>;
  nextCommitment: string;
  hand?: {
    handId: string;
    commitment: string;
    phase: HandPhase;
    pot: number;
    stake: number;
    turnUid: string | null;
    turnEndsAt: number | null;
    sideShow: HandState["sideShow"];
    players: Record<string, { seat: number; status: PlayerStatus; invested: number }>;
    result: HandResult | null;
  };
}

/** The payload of a teenPattiTableTimer task. */
export const TableTimerTaskSchema = z.looseObject({ tableId: TableIdSchema });
export type TableTimerTask = z.infer<typeof TableTimerTaskSchema>;
