/**
 * How each game turns the outcome stream into its result. The games call these at the draw and the
 * verifier calls the same functions on the revealed seed, so the two cannot drift apart.
 */
import { type OutcomeStream, shuffle, weightedIndex } from "./fairness.js";

export const CARD_RANKS = "A23456789TJQK";
export const CARD_SUITS = "cdhs";

/** The unshuffled deck, suit by suit: "Ac", "2c", ..., "Kc", "Ad", ..., "Ks" (rank then suit). */
export const DECK: readonly string[] = [...CARD_SUITS].flatMap((suit) => [...CARD_RANKS].map((rank) => `${rank}${suit}`));

export const TEEN_PATTI_HAND_SIZE = 3;

/** Greedy: the winning item's index, drawn with the round's published weights (never the bets). */
export function greedyOutcome(stream: OutcomeStream, weights: readonly number[]): number {
  return weightedIndex(stream, weights);
}

/** Teen Patti: the hand's deck, a Fisher–Yates shuffle of DECK. */
export function dealDeck(stream: OutcomeStream): string[] {
  return shuffle(stream, DECK);
}

/**
 * The hands dealt from a shuffled deck, one card at a time round the table: card i goes to hand
 * i % handCount (hand 0 is the first player dealt to), three rounds.
 */
export function dealHands(deck: readonly string[], handCount: number): string[][] {
  if (!Number.isInteger(handCount) || handCount < 1 || handCount * TEEN_PATTI_HAND_SIZE > deck.length) {
    throw new RangeError("Cannot deal that many hands from this deck.");
  }
  const hands: string[][] = Array.from({ length: handCount }, () => []);
  for (let i = 0; i < handCount * TEEN_PATTI_HAND_SIZE; i++) hands[i % handCount]?.push(deck[i] as string);
  return hands;
}
