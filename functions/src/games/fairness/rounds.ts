/** verifyRound: the public record of a Greedy round or Teen Patti hand, recomputed from its revealed seed. */
import { fail, refuse } from "../../kernel/errors.js";
import { millisOf } from "../../kernel/fields.js";
import { type FairnessRefusal, PublicRoundRecordSchema, type VerifyRoundRequest, type VerifyRoundResponse } from "./schema.js";
import { publicRoundRef } from "./store.js";
import { verifyPublicRecord } from "./verify.js";

/** revealedAt is stored as a Timestamp; the public record carries epoch ms. */
function revealedAtMillis(value: unknown): number | null {
  return typeof value === "number" ? value : millisOf(value);
}

/** Firestore stores no arrays of arrays: a hand is stored as { cards, ...the game's own fields }. */
function handsOf(value: unknown): unknown {
  return Array.isArray(value) ? value.map((hand) => (hand as { cards?: unknown } | null)?.cards) : value;
}

export async function verifyRound(request: VerifyRoundRequest): Promise<VerifyRoundResponse> {
  const snapshot = await publicRoundRef(request.game, request.roundId).get();
  if (!snapshot.exists) fail("not-found", `No ${request.game} round ${request.roundId}.`);
  const data = snapshot.data() ?? {};
  const fairness = (data.fairness ?? {}) as Record<string, unknown>;
  if (typeof fairness.serverSeed !== "string") {
    refuse<FairnessRefusal>("failed-precondition", "not-revealed", "The server seed is revealed once the round is over.");
  }
  const outcomeFields = request.game === "greedy" ? { weights: data.weights, winningIndex: data.winningIndex } : { hands: handsOf(data.hands) };
  const parsed = PublicRoundRecordSchema.safeParse({
    game: request.game,
    id: snapshot.id,
    fairness: { ...fairness, revealedAt: revealedAtMillis(fairness.revealedAt) },
    ...outcomeFields,
  });
  // A revealed round lacking its published inputs or result is a server fault, not the caller's.
  if (!parsed.success) throw new Error(`${snapshot.ref.path} is not a public round record: ${parsed.error.message}`);
  const result = verifyPublicRecord(parsed.data);
  if (!result.revealed) throw new Error("unreachable: the seed was checked above");
  return {
    verified: result.verified,
    commitmentMatches: result.commitmentMatches,
    outcomeMatches: result.outcomeMatches,
    outcome: result.outcome,
    record: parsed.data,
  };
}
