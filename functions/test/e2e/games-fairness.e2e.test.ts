/**
 * The provably fair core end to end: a player sets their client seed over HTTP, a round and a hand are
 * recorded as the games record them (seed committed, outcome drawn from the stream, seed revealed), and
 * verifyRound over HTTP recomputes them — and notices a tampered result.
 */
import assert from "node:assert/strict";
import { Timestamp } from "firebase-admin/firestore";
import { combineClientSeeds, FAIRNESS_ALGORITHM, newServerSeed, OutcomeStream } from "../../src/games/fairness/fairness.js";
import { dealDeck, dealHands, greedyOutcome } from "../../src/games/fairness/outcomes.js";
import type { VerifyRoundResponse } from "../../src/games/fairness/schema.js";
import { callOverHttp } from "../support/callables.js";
import { callOk, signUp, useStackAdmin } from "../support/e2e.js";
import { useCleanStack } from "../support/stack.js";

const WEIGHTS = [1940, 1940, 1940, 1940, 970, 647, 388, 216];

describe("e2e: client seeds and verifyRound over HTTP", function () {
  this.timeout(60_000);
  useCleanStack();
  const stack = useStackAdmin();

  /** A round's fairness record as a game writes it: committed, client seed fixed, and revealed (or not yet). */
  function fairnessRecord(clientSeed: string, nonce: number, revealed = true) {
    const { serverSeed, commitment } = newServerSeed();
    const stream = new OutcomeStream(serverSeed, clientSeed, nonce);
    const fairness = {
      algorithm: FAIRNESS_ALGORITHM,
      commitment,
      serverSeed: revealed ? serverSeed : null,
      clientSeed,
      nonce,
      revealedAt: revealed ? Timestamp.now() : null,
    };
    return { fairness, stream };
  }

  it("verifies a Greedy round drawn from the players' seeds, and reports a tampered result as not verified", async () => {
    const [alice, bob] = await Promise.all([signUp(stack, "alice"), signUp(stack, "bob")]);
    assert.deepEqual(await callOk("setGameClientSeed", { clientSeed: "alice's seed" }, alice), { clientSeed: "alice's seed" });
    assert.equal((await stack.firestore.doc(`gamePlayers/${alice.localId}`).get()).get("clientSeed"), "alice's seed");

    const { fairness, stream } = fairnessRecord(combineClientSeeds(["alice's seed", bob.localId]), 17);
    const winningIndex = greedyOutcome(stream, WEIGHTS);
    await stack.firestore.doc("gameRounds/round-1").set({ fairness, weights: WEIGHTS, winningIndex, status: "settled" });

    const verified = await callOk<VerifyRoundResponse>("verifyRound", { game: "greedy", roundId: "round-1" }, bob);
    assert.deepEqual(verified, {
      verified: true,
      commitmentMatches: true,
      outcomeMatches: true,
      outcome: { game: "greedy", winningIndex },
      record: {
        game: "greedy",
        id: "round-1",
        fairness: { ...fairness, revealedAt: fairness.revealedAt?.toMillis() },
        weights: WEIGHTS,
        winningIndex,
      },
    });

    await stack.firestore.doc("gameRounds/round-2").set({ fairness, weights: WEIGHTS, winningIndex: (winningIndex + 1) % WEIGHTS.length });
    const tampered = await callOk<VerifyRoundResponse>("verifyRound", { game: "greedy", roundId: "round-2" }, bob);
    assert.deepEqual(
      { verified: tampered.verified, commitmentMatches: tampered.commitmentMatches, outcome: tampered.outcome },
      { verified: false, commitmentMatches: true, outcome: { game: "greedy", winningIndex } },
    );
  });

  it("verifies a Teen Patti hand's dealt cards", async () => {
    const player = await signUp(stack, "dealt");
    const { fairness, stream } = fairnessRecord(combineClientSeeds(["a", "b", "c", "d"]), 3);
    const hands = dealHands(dealDeck(stream), 4);
    await stack.firestore.doc("gameHands/hand-1").set({ fairness, hands: hands.map((cards, seat) => ({ cards, seat })) });
    const verified = await callOk<VerifyRoundResponse>("verifyRound", { game: "teenpatti", roundId: "hand-1" }, player);
    assert.equal(verified.verified, true);
    assert.deepEqual(verified.outcome.game === "teenpatti" && verified.outcome.hands, hands);
    assert.equal(verified.outcome.game === "teenpatti" && verified.outcome.deck.length, 52);
  });

  it("refuses an unrevealed round (not-revealed), an unknown one (not-found) and a malformed request", async () => {
    const player = await signUp(stack, "early");
    const { fairness } = fairnessRecord("seed", 1, false);
    await stack.firestore.doc("gameRounds/open-round").set({ fairness, weights: WEIGHTS, winningIndex: null });

    const early = await callOverHttp("verifyRound", { game: "greedy", roundId: "open-round" }, player.idToken);
    assert.equal(early.status, 400, JSON.stringify(early));
    assert.equal(early.error?.status, "FAILED_PRECONDITION");
    assert.deepEqual((early.error as { details?: unknown } | undefined)?.details, { reason: "not-revealed" });

    const unknown = await callOverHttp("verifyRound", { game: "teenpatti", roundId: "open-round" }, player.idToken);
    assert.equal(unknown.status, 404, JSON.stringify(unknown));
    assert.equal(unknown.error?.status, "NOT_FOUND");

    for (const data of [{ game: "poker", roundId: "open-round" }, { game: "greedy", roundId: "a/b" }, { game: "greedy" }]) {
      const bad = await callOverHttp("verifyRound", data, player.idToken);
      assert.equal(bad.error?.status, "INVALID_ARGUMENT", JSON.stringify(data));
    }
    const badSeed = await callOverHttp("setGameClientSeed", { clientSeed: "x".repeat(65) }, player.idToken);
    assert.equal(badSeed.error?.status, "INVALID_ARGUMENT");
    assert.equal((await stack.firestore.doc(`gamePlayers/${player.localId}`).get()).exists, false);
  });
});
