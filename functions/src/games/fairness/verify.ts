/**
 * Recomputes a round's outcome from its revealed fairness record and compares it with what was recorded.
 * Pure: the verifyRound callable and the standalone verifier script (functions/scripts/verify-round.ts) share it.
 */
import { commitmentOf, FAIRNESS_ALGORITHM, OutcomeStream } from "./fairness.js";
import { dealDeck, dealHands, greedyOutcome } from "./outcomes.js";
import type { FairnessRecord, GameName, PublicRoundRecord, RecomputedOutcome } from "./record.js";

export interface GameOutcomeParams {
  greedy: { weights: readonly number[]; winningIndex: number };
  teenpatti: { hands: readonly (readonly string[])[] };
}

export type FairnessVerification =
  | { revealed: false; verified: false }
  | { revealed: true; verified: boolean; commitmentMatches: boolean; outcomeMatches: boolean; outcome: RecomputedOutcome };

export function verifyFairness<G extends GameName>(record: FairnessRecord, game: G, params: GameOutcomeParams[G]): FairnessVerification {
  if (record.algorithm !== FAIRNESS_ALGORITHM) throw new RangeError(`Unknown fairness algorithm ${String(record.algorithm)}.`);
  if (record.serverSeed === null) return { revealed: false, verified: false };
  const commitmentMatches = commitmentOf(record.serverSeed) === record.commitment;
  const stream = new OutcomeStream(record.serverSeed, record.clientSeed, record.nonce);
  let outcome: RecomputedOutcome;
  let outcomeMatches: boolean;
  if (game === "greedy") {
    const { weights, winningIndex } = params as GameOutcomeParams["greedy"];
    outcome = { game: "greedy", winningIndex: greedyOutcome(stream, weights) };
    outcomeMatches = outcome.winningIndex === winningIndex;
  } else {
    const { hands } = params as GameOutcomeParams["teenpatti"];
    const deck = dealDeck(stream);
    outcome = { game: "teenpatti", deck, hands: dealHands(deck, hands.length) };
    outcomeMatches = JSON.stringify(outcome.hands) === JSON.stringify(hands);
  }
  return { revealed: true, verified: commitmentMatches && outcomeMatches, commitmentMatches, outcomeMatches, outcome };
}

/** verifyFairness over a public round record (the verifier script's input, verifyRound's record). */
export function verifyPublicRecord(record: PublicRoundRecord): FairnessVerification {
  return record.game === "greedy"
    ? verifyFairness(record.fairness, "greedy", { weights: record.weights, winningIndex: record.winningIndex })
    : verifyFairness(record.fairness, "teenpatti", { hands: record.hands });
}
