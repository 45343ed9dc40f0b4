import assert from "node:assert/strict";
import { FAIRNESS_ALGORITHM } from "../../../src/games/fairness/fairness.js";
import { PublicRoundRecordSchema } from "../../../src/games/fairness/schema.js";
import { verifyFairness, verifyPublicRecord } from "../../../src/games/fairness/verify.js";

const SEED = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const record = {
  algorithm: FAIRNESS_ALGORITHM,
  commitment: "4773d12e2371bb935b9a0f5439b4a1c3ad3f2414b86980f8418d1cfabdfadfef",
  serverSeed: SEED,
  clientSeed: "client",
  nonce: 7,
  revealedAt: 1_700_000_000_000,
} as const;
const WEIGHTS = [1000, 1000, 1000, 1000, 500, 333, 200, 111];
const HANDS = [
  ["8d", "Kd", "Qs"],
  ["7s", "Js", "Jc"],
  ["5c", "6s", "3s"],
];

describe("games/fairness: verifyFairness (unit)", () => {
  it("verifies a Greedy round's winning item and commitment", () => {
    const result = verifyFairness(record, "greedy", { weights: WEIGHTS, winningIndex: 3 });
    assert.deepEqual(result, {
      revealed: true,
      verified: true,
      commitmentMatches: true,
      outcomeMatches: true,
      outcome: { game: "greedy", winningIndex: 3 },
    });
  });

  it("reports a recorded result that is not the recomputed one", () => {
    const result = verifyFairness(record, "greedy", { weights: WEIGHTS, winningIndex: 2 });
    assert.equal(result.verified, false);
    assert.ok(result.revealed && result.commitmentMatches && !result.outcomeMatches);
  });

  it("reports a seed that does not match the commitment published before play", () => {
    const otherSeed = `${SEED.slice(0, 63)}0`;
    const result = verifyFairness({ ...record, serverSeed: otherSeed }, "greedy", { weights: WEIGHTS, winningIndex: 3 });
    assert.equal(result.verified, false);
    assert.ok(result.revealed && !result.commitmentMatches);
  });

  it("verifies a Teen Patti hand's dealt cards, and refuses swapped hands", () => {
    const result = verifyFairness(record, "teenpatti", { hands: HANDS });
    assert.ok(result.revealed && result.verified);
    assert.equal(result.outcome.game === "teenpatti" && result.outcome.deck.length, 52);
    const swapped = verifyFairness(record, "teenpatti", { hands: [HANDS[1], HANDS[0], HANDS[2]] as string[][] });
    assert.ok(swapped.revealed && !swapped.verified && swapped.commitmentMatches);
  });

  it("cannot verify before the seed is revealed", () => {
    assert.deepEqual(verifyFairness({ ...record, serverSeed: null, revealedAt: null }, "greedy", { weights: WEIGHTS, winningIndex: 3 }), {
      revealed: false,
      verified: false,
    });
  });

  it("parses and verifies a public round record of either game", () => {
    const greedy = PublicRoundRecordSchema.parse({ game: "greedy", fairness: record, weights: WEIGHTS, winningIndex: 3 });
    assert.equal(verifyPublicRecord(greedy).verified, true);
    const teenpatti = PublicRoundRecordSchema.parse({ game: "teenpatti", fairness: record, hands: HANDS });
    assert.equal(verifyPublicRecord(teenpatti).verified, true);
    for (const bad of [
      { game: "greedy", fairness: record, weights: [0, 0], winningIndex: 0 },
      { game: "greedy", fairness: { ...record, algorithm: "hmac-sha256-v0" }, weights: WEIGHTS, winningIndex: 3 },
      { game: "teenpatti", fairness: record, hands: [["8d", "Kd"]] },
      { game: "poker", fairness: record },
    ]) {
      assert.equal(PublicRoundRecordSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });
});
