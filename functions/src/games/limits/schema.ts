/**
 * The responsible-gaming limits contract: a daily loss limit each player sets for themselves and
 * self-exclusion from every game, their callables and refusals. Importable by clients.
 */
import * as z from "zod";
import { MAX_AMOUNT } from "../../wallet/schema.js";

/** details.reason of the limits' refusals (a stake refused by assertMayStake). */
export const LimitsRefusalSchema = z.enum(["daily-loss-limit", "self-excluded"]);
export type LimitsRefusal = z.infer<typeof LimitsRefusalSchema>;

/** A raise (or removal) of the daily loss limit takes effect this long after it was asked for; a cut at once. */
export const LIMIT_RAISE_DELAY_MS = 24 * 3_600_000;

export const SELF_EXCLUSION_PERIODS = [1, 7, 30, "permanent"] as const;

// ---------- setGameLimits ----------

export const SetGameLimitsRequestSchema = z
  .object({
    /** Coins of net loss (stakes minus payouts) allowed per UTC day; null for no limit. */
    dailyLossLimit: z.number().int().min(0).max(MAX_AMOUNT).nullable(),
  })
  .strict();
export type SetGameLimitsRequest = z.infer<typeof SetGameLimitsRequestSchema>;

// ---------- selfExcludeFromGames ----------

export const SelfExcludeFromGamesRequestSchema = z
  .object({
    /** 1, 7 or 30 days, or "permanent". Never lifted early; a longer exclusion replaces a shorter one. */
    days: z.union([z.literal(1), z.literal(7), z.literal(30), z.literal("permanent")]),
  })
  .strict();
export type SelfExcludeFromGamesRequest = z.infer<typeof SelfExcludeFromGamesRequestSchema>;

// ---------- getGameLimits (and the answer of the two above) ----------

export const GetGameLimitsRequestSchema = z.object({}).strict().nullish();

export interface GameLimitsView {
  /** In force now (a raise that has waited its 24 h is in force). null: no limit. */
  dailyLossLimit: number | null;
  /** A raise or removal asked for and not yet in force: its value and when it applies (epoch ms). */
  pendingDailyLossLimit: { value: number | null; effectiveAt: number } | null;
  /** The UTC day ("2026-01-31") the figures below count. */
  day: string;
  /** Stakes minus payouts counted today (negative after net winnings). */
  netLossToday: number;
  /** What may still be staked today under the limit; null without a limit. */
  remainingToday: number | null;
  /** Self-excluded until (epoch ms); null when not excluded or excluded permanently. */
  selfExcludedUntil: number | null;
  selfExcludedPermanently: boolean;
}
