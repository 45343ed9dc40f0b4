/** The published odds of a wheel: pure arithmetic over its items, shared by config validation and getGreedyOdds. */
import type { GreedyItem, GreedyOdds } from "./schema.js";

export function totalWeight(items: readonly Pick<GreedyItem, "weight">[]): number {
  return items.reduce((sum, item) => sum + item.weight, 0);
}

/** What a stake on `item` returns on average: multiplier × probability. */
export function rtpOf(item: Pick<GreedyItem, "multiplier" | "weight">, total: number): number {
  return (item.multiplier * item.weight) / total;
}

/** The RTP of a stake spread evenly over every item: the mean of the per-item RTPs. */
export function overallRtp(items: readonly Pick<GreedyItem, "multiplier" | "weight">[]): number {
  const total = totalWeight(items);
  return items.reduce((sum, item) => sum + rtpOf(item, total), 0) / items.length;
}

export function oddsOf(config: { items: GreedyItem[]; chips: number[]; maxStakePerUser: number; exposureCapPerItem: number }): GreedyOdds {
  const total = totalWeight(config.items);
  return {
    items: config.items.map((item) => ({ ...item, probability: item.weight / total, rtp: rtpOf(item, total) })),
    totalWeight: total,
    rtp: overallRtp(config.items),
    chips: config.chips,
    maxStakePerUser: config.maxStakePerUser,
    exposureCapPerItem: config.exposureCapPerItem,
  };
}
