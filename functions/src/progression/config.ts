/**
 * Progression configuration (config/progression, admin-managed): level thresholds per track and the coin
 * reward granted on reaching a level. zod-validated with defaults, so a missing document just means the
 * defaults; cached briefly per instance because every counted ledger transaction reads it.
 */
import * as z from "zod";
import { configDocument } from "../kernel/config-document.js";

/** thresholds[i] = points needed for level i; level 0 starts at 0 points. */
const ThresholdsSchema = z
  .array(z.number().int().min(0))
  .min(1)
  .max(200)
  .refine((t) => t[0] === 0, "the first threshold must be 0")
  .refine((t) => t.every((v, i) => i === 0 || v > (t[i - 1] as number)), "thresholds must increase strictly");

/** Level (as a decimal string, Firestore map keys are strings) → coins granted once on reaching it. */
const RewardsSchema = z.record(z.string().regex(/^[1-9]\d*$/, "reward keys are levels"), z.number().int().min(1).max(10_000_000));

export const DEFAULT_WEALTH_THRESHOLDS = [0, 100, 1_000, 5_000, 20_000, 50_000, 100_000, 250_000, 500_000, 1_000_000];
export const DEFAULT_CHARM_THRESHOLDS = [0, 100, 1_000, 5_000, 20_000, 50_000, 100_000, 250_000, 500_000, 1_000_000];

export const ProgressionConfigSchema = z.object({
  wealthThresholds: ThresholdsSchema.default(DEFAULT_WEALTH_THRESHOLDS),
  charmThresholds: ThresholdsSchema.default(DEFAULT_CHARM_THRESHOLDS),
  levelRewards: z.object({ wealth: RewardsSchema.default({}), charm: RewardsSchema.default({}) }).default({ wealth: {}, charm: {} }),
});
export type ProgressionConfig = z.infer<typeof ProgressionConfigSchema>;

export const TRACKS = ["wealth", "charm"] as const;
export type Track = (typeof TRACKS)[number];

const progression = configDocument("progression", ProgressionConfigSchema);

export const progressionConfig = (): Promise<ProgressionConfig> => progression.get();

export function thresholdsOf(config: ProgressionConfig, track: Track): number[] {
  return track === "wealth" ? config.wealthThresholds : config.charmThresholds;
}

/** The highest level whose threshold the points reach. */
export function levelFor(points: number, thresholds: number[]): number {
  let level = 0;
  for (let i = 1; i < thresholds.length; i++) if (points >= (thresholds[i] as number)) level = i;
  return level;
}

/** Points needed for the next level, or null at the top level. */
export function nextThreshold(level: number, thresholds: number[]): number | null {
  return thresholds[level + 1] ?? null;
}

export function rewardFor(config: ProgressionConfig, track: Track, level: number): number {
  return config.levelRewards[track][String(level)] ?? 0;
}
