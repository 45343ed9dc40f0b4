/** Rankings settings (config/rankings, admin-managed), with defaults for every field. */
import * as z from "zod";
import { configDocument } from "../kernel/config-document.js";
import { keySafeId } from "../kernel/validation.js";
import { ClosingPeriodSchema, UserBoardSchema } from "./schema.js";

/** What the winners of a rank range on one board, period and scope receive, once per period and rank. */
export const RankRewardSchema = z
  .object({
    board: UserBoardSchema,
    period: ClosingPeriodSchema,
    /** country/agency: paid on every country's or agency's board. */
    scope: z.enum(["global", "country", "agency"]).default("global"),
    fromRank: z.number().int().min(1).max(100),
    toRank: z.number().int().min(1).max(100),
    coins: z.number().int().min(0).max(10_000_000).default(0),
    /** Badge ids (users/{uid}/badges/{id}), awarded if not held yet. */
    badges: z
      .array(keySafeId({ max: 64 }))
      .max(10)
      .default([]),
    /** Avatar frames (users/{uid}/frames/{id}); days 0: permanent, else extended by that many days. */
    frames: z
      .array(z.object({ frameId: keySafeId({ max: 64 }), days: z.number().int().min(0).max(3650) }).strict())
      .max(10)
      .default([]),
    /** VIP membership days at a tier (progression/vip rules: a member of a higher tier keeps theirs). */
    vip: z
      .object({ tier: z.number().int().min(1), days: z.number().int().min(1).max(3650) })
      .strict()
      .nullable()
      .default(null),
  })
  .strict()
  .refine((reward) => reward.fromRank <= reward.toRank, "fromRank must not exceed toRank");
export type RankReward = z.infer<typeof RankRewardSchema>;

export const RankingsConfigSchema = z
  .object({
    /** Entries snapshotted when a period closes (and the deepest rank that can be rewarded). */
    snapshotSize: z.number().int().min(1).max(100).default(100),
    /** A period is closed this long after it ends, so late ledger events are counted first. */
    closeDelayMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .default(60),
    /** Redis keys of a period expire this long after it ends (they must outlive the close). */
    keyGraceDays: z.number().int().min(1).max(90).default(7),
    rewards: z.array(RankRewardSchema).max(200).default([]),
  })
  .strict();
export type RankingsConfig = z.infer<typeof RankingsConfigSchema>;

const rankings = configDocument("rankings", RankingsConfigSchema);

export const rankingsConfig = (): Promise<RankingsConfig> => rankings.get();
