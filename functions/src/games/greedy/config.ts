/**
 * Greedy configuration: the `greedy` field of config/games (admin-managed). The wheel table is validated
 * as a whole: unique item ids, positive integer weights, and every item's RTP (multiplier × weight /
 * Σ weights) and the overall RTP inside the admin-set bounds, so a typo cannot publish a wheel that pays
 * more than it takes or far less than advertised. A round copies the wheel, chips and caps when it opens.
 */
import * as z from "zod";
import { configDocument } from "../../kernel/config-document.js";
import { overallRtp, rtpOf, totalWeight } from "./odds.js";
import { GreedyItemSchema } from "./schema.js";

/** Shards of each item's exposure reservation per round (bets.ts): the cap is split evenly across them. */
export const EXPOSURE_SHARDS = 32;

/**
 * The default wheel: weights proportional to 1 / multiplier (90, 45, 30, 18, 10 over 463), so every item
 * returns 450 / 463 ≈ 97.19 % of what is staked on it.
 */
export const DEFAULT_GREEDY_ITEMS = [
  { id: "carrot", label: "Carrot", multiplier: 5, weight: 90 },
  { id: "corn", label: "Corn", multiplier: 5, weight: 90 },
  { id: "tomato", label: "Tomato", multiplier: 5, weight: 90 },
  { id: "cabbage", label: "Cabbage", multiplier: 5, weight: 90 },
  { id: "fish", label: "Fish", multiplier: 10, weight: 45 },
  { id: "shrimp", label: "Shrimp", multiplier: 15, weight: 30 },
  { id: "chicken", label: "Chicken", multiplier: 25, weight: 18 },
  { id: "steak", label: "Steak", multiplier: 45, weight: 10 },
];

export const GreedyConfigSchema = z
  .object({
    items: z.array(GreedyItemSchema).length(8).default(DEFAULT_GREEDY_ITEMS),
    /** Every item's RTP and the overall RTP must lie inside [min, max]. */
    rtpBounds: z
      .object({ min: z.number().gt(0).max(1), max: z.number().gt(0).max(1) })
      .strict()
      .refine((b) => b.min <= b.max, "rtpBounds.min must not exceed rtpBounds.max")
      .default({ min: 0.9, max: 0.99 }),
    /** The only stakes a bet may carry. */
    chips: z.array(z.number().int().min(1).max(10_000_000)).min(1).max(8).default([10, 100, 1_000, 10_000]),
    /** Coins one user may stake in one round, over all items. */
    maxStakePerUser: z.number().int().min(1).max(1_000_000_000).default(100_000),
    /** Worst-case payout (multiplier × stakes) one item may owe in one round; a bet that would exceed it is refused. */
    exposureCapPerItem: z.number().int().min(1).max(1_000_000_000_000).default(20_000_000),
    bettingSeconds: z.number().int().min(3).max(60).default(15),
    spinSeconds: z.number().int().min(1).max(15).default(6),
    resultSeconds: z.number().int().min(1).max(15).default(5),
  })
  .strict()
  .superRefine((config, ctx) => {
    const ids = config.items.map((item) => item.id);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: "custom", path: ["items"], message: "item ids must be unique" });
    const { min, max } = config.rtpBounds;
    const total = totalWeight(config.items);
    config.items.forEach((item, index) => {
      const rtp = rtpOf(item, total);
      if (rtp < min || rtp > max) {
        ctx.addIssue({ code: "custom", path: ["items", index], message: `item ${item.id} has RTP ${rtp.toFixed(4)}, outside [${min}, ${max}]` });
      }
    });
    const overall = overallRtp(config.items);
    if (overall < min || overall > max) {
      ctx.addIssue({ code: "custom", path: ["items"], message: `overall RTP ${overall.toFixed(4)} is outside [${min}, ${max}]` });
    }
    if (new Set(config.chips).size !== config.chips.length) ctx.addIssue({ code: "custom", path: ["chips"], message: "chips must be unique" });
    const largestChip = Math.max(...config.chips);
    if (config.maxStakePerUser < largestChip) {
      ctx.addIssue({ code: "custom", path: ["maxStakePerUser"], message: "maxStakePerUser must allow the largest chip" });
    }
    // Each exposure shard holds cap / EXPOSURE_SHARDS: it must fit the largest chip on the richest item.
    const largestMultiplier = Math.max(...config.items.map((item) => item.multiplier));
    if (config.exposureCapPerItem < EXPOSURE_SHARDS * largestChip * largestMultiplier) {
      ctx.addIssue({
        code: "custom",
        path: ["exposureCapPerItem"],
        message: `exposureCapPerItem must be at least ${EXPOSURE_SHARDS} × largest chip × largest multiplier`,
      });
    }
  });
export type GreedyConfig = z.output<typeof GreedyConfigSchema>;

/** config/games: each game reads its own field (this schema ignores the others'). */
export const GamesConfigSchema = z.object({ greedy: GreedyConfigSchema.default(GreedyConfigSchema.parse({})) });

const games = configDocument("games", GamesConfigSchema);

export const greedyConfig = async (): Promise<GreedyConfig> => (await games.get()).greedy;
