import assert from "node:assert/strict";
import { PkConfigSchema } from "../../../src/live/pk/config.js";
import { decideResult, pkRewardCapReached, pkRewardEligibility, utcDay } from "../../../src/live/pk/result.js";
import { BATTLE_START, battleOf } from "./support.js";

describe("live pk: the result (unit)", () => {
  const battle = battleOf();

  const cases: [string, Record<string, number>, string | null, string | null, "score" | "forfeit"][] = [
    ["the higher score wins", { sA: 10, sB: 9 }, null, "sA", "score"],
    ["the challenged side can win", { sA: 0, sB: 1 }, null, "sB", "score"],
    ["equal scores are a draw", { sA: 500, sB: 500 }, null, null, "score"],
    ["no gifts at all is a draw", {}, null, null, "score"],
    ["a missing score counts as zero", { sA: 1 }, null, "sA", "score"],
    ["a forfeit hands the win to the other side, whatever the scores", { sA: 1_000, sB: 0 }, "sA", "sB", "forfeit"],
    ["a forfeit of the challenged side", { sA: 0, sB: 0 }, "sB", "sA", "forfeit"],
  ];
  for (const [name, scores, forfeited, winner, reason] of cases) {
    it(name, () => {
      const result = decideResult(battle, scores, forfeited);
      assert.equal(result.winnerStreamId, winner);
      assert.equal(result.winnerUid, winner === "sA" ? "hostA" : winner === "sB" ? "hostB" : null);
      assert.equal(result.draw, winner === null);
      assert.equal(result.reason, reason);
      assert.equal(result.forfeitedStreamId, forfeited);
      assert.deepEqual(result.scores, scores);
    });
  }
});

describe("live pk: the winner's reward (unit)", () => {
  const config = PkConfigSchema.parse({ winnerRewardCoins: 100, rewardMinBattleSeconds: 60, rewardMinWinnerScore: 1_000 });
  const battle = battleOf();
  const won = (scores: Record<string, number>, forfeited: string | null = null) => decideResult(battle, scores, forfeited);
  const fullRun = BATTLE_START + 300_000;

  const cases: [string, ReturnType<typeof won>, number, typeof config, string][] = [
    ["a fought battle won with enough score is eligible", won({ sA: 1_000, sB: 10 }), fullRun, config, "eligible"],
    ["no reward is configured", won({ sA: 5_000 }), fullRun, { ...config, winnerRewardCoins: 0 }, "none"],
    ["a draw rewards nobody", won({ sA: 5_000, sB: 5_000 }), fullRun, config, "none"],
    ["never on a forfeit", won({ sA: 5_000 }, "sB"), fullRun, config, "forfeit"],
    ["a battle shorter than the minimum", won({ sA: 5_000 }), BATTLE_START + 59_999, config, "battle-too-short"],
    ["a battle of exactly the minimum", won({ sA: 5_000 }), BATTLE_START + 60_000, config, "eligible"],
    ["a winner one coin short of the minimum score", won({ sA: 999 }), fullRun, config, "score-too-low"],
  ];
  for (const [name, result, ranUntil, settings, expected] of cases) {
    it(name, () => assert.equal(pkRewardEligibility(battle, result, ranUntil, settings), expected));
  }

  it("stops at the host's daily cap first, then the pair's", () => {
    const caps = { ...config, rewardDailyCapPerHost: 10, rewardDailyCapPerPair: 3 };
    assert.equal(pkRewardCapReached({ hostRewards: 9, pairRewards: 2 }, caps), null);
    assert.equal(pkRewardCapReached({ hostRewards: 10, pairRewards: 0 }, caps), "host-daily-cap");
    assert.equal(pkRewardCapReached({ hostRewards: 0, pairRewards: 3 }, caps), "pair-daily-cap");
    assert.equal(pkRewardCapReached({ hostRewards: 10, pairRewards: 3 }, caps), "host-daily-cap");
    assert.equal(pkRewardCapReached({ hostRewards: 0, pairRewards: 0 }, { ...caps, rewardDailyCapPerPair: 0 }), "pair-daily-cap");
  });

  it("counts the caps per UTC day", () => {
    assert.equal(utcDay(Date.UTC(2026, 0, 31, 23, 59, 59, 999)), "2026-01-31");
    assert.equal(utcDay(Date.UTC(2026, 1, 1)), "2026-02-01");
  });
});
