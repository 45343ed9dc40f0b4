/**
 * The rankings API contract. Boards are Redis sorted sets per board, period and scope (store.ts), fed by
 * the ledger (counting.ts); closed periods are snapshotted to Firestore:
 *   leaderboardSnapshots/{board}_{periodKey}_{scopeKey}            { board, period, periodKey, scope, scopeId, entries, status }
 *   leaderboardSnapshots/{id}/entries/{rank, 3 digits}              { rank, member, score }
 *   leaderboardSnapshots/{id}/rewards/{rank, 3 digits}              { rank, uid, coins, badges, frames, vip, transactionId }
 * Period keys (UTC, see periods.ts): daily 2026-12-05, weekly 2026-W49 (ISO week, from Monday 00:00),
 * monthly 2026-12, all-time "all".
 */
import * as z from "zod";
import { CursorSchema, KeySafeIdSchema } from "../kernel/validation.js";

/** details.reason of the rankings callables' refusals. */
export const RankingsRefusalSchema = z.enum(["scope-not-supported", "no-scope"]);
export type RankingsRefusal = z.infer<typeof RankingsRefusalSchema>;

/**
 * wealth: coins spent on gifts (sender); charm: diamonds received from gifts (recipient); rooms: coins of
 * gifts sent in a voice room (member: roomId); hosts: diamonds received in live streams (recipient);
 * agencies: diamonds earned by an agency's hosts (member: agencyId); games: net game winnings (payouts − stakes).
 */
export const BOARDS = ["wealth", "charm", "rooms", "hosts", "agencies", "games"] as const;
export const BoardSchema = z.enum(BOARDS);
export type Board = z.infer<typeof BoardSchema>;

/** Boards whose members are users (a caller has a rank on them; their winners are paid). */
export const USER_BOARDS = ["wealth", "charm", "hosts", "games"] as const satisfies readonly Board[];
export const UserBoardSchema = z.enum(USER_BOARDS);
export type UserBoard = z.infer<typeof UserBoardSchema>;
export const isUserBoard = (board: Board): board is UserBoard => (USER_BOARDS as readonly string[]).includes(board);

export const PERIODS = ["daily", "weekly", "monthly", "alltime"] as const;
export const PeriodSchema = z.enum(PERIODS);
export type Period = z.infer<typeof PeriodSchema>;
/** Periods that end (and are closed and paid). */
export const ClosingPeriodSchema = z.enum(["daily", "weekly", "monthly"]);
export type ClosingPeriod = z.infer<typeof ClosingPeriodSchema>;

/** friends: the caller's mutual follows, scored from the global board at read time. */
export const SCOPES = ["global", "country", "agency", "friends"] as const;
export const ScopeSchema = z.enum(SCOPES);
export type Scope = z.infer<typeof ScopeSchema>;
/** Scopes stored as their own sorted sets. */
export type StoredScope = Exclude<Scope, "friends">;

/** A period key as periods.ts writes them. */
export const PeriodKeySchema = z
  .string()
  .regex(/^(\d{4}-\d{2}-\d{2}|\d{4}-W\d{2}|\d{4}-\d{2}|all)$/, "periodKey must be YYYY-MM-DD, YYYY-Www, YYYY-MM or all");

/** ISO 3166-1 alpha-2 (country scope) or an agency id. */
export const ScopeIdSchema = KeySafeIdSchema;

const boardSelection = {
  board: BoardSchema,
  period: PeriodSchema,
  /** A past period still cached (until its keys expire); omitted: the current one. */
  periodKey: PeriodKeySchema.optional(),
  scope: ScopeSchema.default("global"),
  /** country or agency scope: which one (omitted: the caller's own). */
  scopeId: ScopeIdSchema.optional(),
};

export const GetLeaderboardRequestSchema = z
  .object({ ...boardSelection, limit: z.number().int().min(1).max(100).default(50), cursor: CursorSchema.optional() })
  .strict();
export type GetLeaderboardRequest = z.output<typeof GetLeaderboardRequestSchema>;

export const GetMyRankRequestSchema = z.object({ ...boardSelection, board: UserBoardSchema }).strict();
export type GetMyRankRequest = z.output<typeof GetMyRankRequestSchema>;

export const ListLeaderboardSnapshotsRequestSchema = z
  .object({
    board: BoardSchema,
    period: ClosingPeriodSchema,
    periodKey: PeriodKeySchema,
    scope: z.enum(["global", "country", "agency"]).default("global"),
    scopeId: ScopeIdSchema.optional(),
    limit: z.number().int().min(1).max(100).default(50),
    cursor: CursorSchema.optional(),
  })
  .strict();
export type ListLeaderboardSnapshotsRequest = z.output<typeof ListLeaderboardSnapshotsRequestSchema>;

export const RebuildLeaderboardsRequestSchema = z
  .object({ includeAllTime: z.boolean().default(true) })
  .strict()
  .nullish()
  .transform((value) => value ?? { includeAllTime: true });
export type RebuildLeaderboardsRequest = z.output<typeof RebuildLeaderboardsRequestSchema>;

export interface LeaderboardEntry {
  rank: number;
  /** uid, roomId or agencyId. */
  member: string;
  score: number;
  /** Display name of the user, room or agency (null when unknown). */
  name: string | null;
  avatarPath: string | null;
}

export interface LeaderboardResponse {
  board: Board;
  period: Period;
  periodKey: string;
  scope: Scope;
  scopeId: string | null;
  entries: LeaderboardEntry[];
  nextCursor: string | null;
}

export interface MyRankResponse {
  board: UserBoard;
  period: Period;
  periodKey: string;
  scope: Scope;
  scopeId: string | null;
  /** 1-based; null when the caller has no score on this board. */
  rank: number | null;
  score: number | null;
}

export interface LeaderboardSnapshotResponse {
  snapshotId: string;
  closed: boolean;
  entries: LeaderboardEntry[];
  nextCursor: string | null;
}

export interface RebuildLeaderboardsResponse {
  periodKeys: string[];
  transactionsScanned: number;
  transactionsCounted: number;
}
