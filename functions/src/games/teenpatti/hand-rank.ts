/**
 * Teen Patti hand ranking, pure. A hand is three cards written "As", "Td", … (ranks "A23456789TJQK",
 * suits "cdhs"). Categories, best first: trail (three of a rank) > pure sequence (straight flush) >
 * sequence > colour (flush) > pair > high card. Within a category: trails and sequences by their rank,
 * colour and high card card by card from the top, a pair by the pair and then the kicker. Suits never
 * break a tie. Where A-2-3 ranks among sequences is a table setting (A23_RANKS).
 */

export const HAND_CATEGORIES = ["high-card", "pair", "colour", "sequence", "pure-sequence", "trail"] as const;
export type HandCategory = (typeof HAND_CATEGORIES)[number];

/**
 * Where A-2-3 ranks among sequences: "second" (A-K-Q highest, then A-2-3, then K-Q-J: the default),
 * "highest" (above A-K-Q) or "lowest" (below 4-3-2, the ace counting as one).
 */
export const A23_RANKS = ["second", "highest", "lowest"] as const;
export type A23Rank = (typeof A23_RANKS)[number];

export interface HandRank {
  category: HandCategory;
  /** Compared left to right after the category; equal keys are a tie. */
  keys: number[];
}

const RANKS = "A23456789TJQK";
const SUITS = "cdhs";

/** 2..14, the ace high. */
function rankValue(card: string): number {
  const index = RANKS.indexOf(card[0] ?? "");
  if (index < 0 || card.length !== 2 || !SUITS.includes(card[1] ?? "")) throw new Error(`not a card: ${card}`);
  return index === 0 ? 14 : index + 1;
}

/** A sequence's strength: its top card (A-K-Q is 14, 4-3-2 is 4); A-2-3 per the setting. */
function sequenceKey(values: number[], a23: A23Rank): number | null {
  const [high, mid, low] = values as [number, number, number];
  if (high === 14 && mid === 3 && low === 2) return a23 === "highest" ? 15 : a23 === "second" ? 13.5 : 3;
  return high - mid === 1 && mid - low === 1 ? high : null;
}

export function rankHand(cards: readonly string[], a23: A23Rank = "second"): HandRank {
  if (cards.length !== 3 || new Set(cards).size !== 3) throw new Error(`a hand is three distinct cards: ${cards.join(",")}`);
  const values = cards.map(rankValue).sort((a, b) => b - a);
  const [high, mid, low] = values as [number, number, number];
  const sameSuit = cards.every((card) => card[1] === cards[0]?.[1]);
  if (high === low) return { category: "trail", keys: [high] };
  const sequence = sequenceKey(values, a23);
  if (sequence !== null) return { category: sameSuit ? "pure-sequence" : "sequence", keys: [sequence] };
  if (sameSuit) return { category: "colour", keys: values };
  if (high === mid) return { category: "pair", keys: [high, low] };
  if (mid === low) return { category: "pair", keys: [mid, high] };
  return { category: "high-card", keys: values };
}

/** Positive when `a` beats `b`, negative when it loses, 0 on a tie. */
export function compareRanks(a: HandRank, b: HandRank): number {
  const byCategory = HAND_CATEGORIES.indexOf(a.category) - HAND_CATEGORIES.indexOf(b.category);
  if (byCategory !== 0) return Math.sign(byCategory);
  for (let i = 0; i < Math.max(a.keys.length, b.keys.length); i++) {
    const difference = (a.keys[i] ?? 0) - (b.keys[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

export function compareHands(a: readonly string[], b: readonly string[], a23: A23Rank = "second"): number {
  return compareRanks(rankHand(a, a23), rankHand(b, a23));
}
