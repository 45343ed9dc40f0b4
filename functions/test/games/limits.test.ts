import assert from "node:assert/strict";
import type { HttpsError } from "firebase-functions/v2/https";
import { gamePlayerRef } from "../../src/games/fairness/store.js";
import { getGameLimits, selfExcludeFromGames, setGameLimits } from "../../src/games/limits/callables.js";
import { assertMayStake, gameDay, recordGameResult } from "../../src/games/limits/limits.js";
import { LIMIT_RAISE_DELAY_MS } from "../../src/games/limits/schema.js";
import { lossDayRef } from "../../src/games/limits/store.js";
import { db } from "../../src/kernel/app.js";
import { runTransaction } from "../../src/kernel/transactions.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser, type TestUser } from "../support/users.js";

/** A stake as a game makes it: the limits checked and the stake counted in one transaction. */
function stake(uid: string, amount: number, now = Date.now()): Promise<void> {
  return runTransaction(async (tx) => {
    await assertMayStake(tx, uid, amount, now);
    recordGameResult(tx, uid, -amount, gameDay(now));
  });
}

async function refusalOf(promise: Promise<unknown>): Promise<unknown> {
  const err = await expectHttpsError(promise, "failed-precondition");
  return (err as HttpsError).details;
}

describe("games/limits: daily loss limit and self-exclusion over Firestore", () => {
  useCleanStack();
  let player: TestUser;
  beforeEach(async () => {
    player = await createTestUser();
  });

  it("cuts the limit at once and makes a raise wait 24 h, as getGameLimits shows", async () => {
    const first = await callInProcess(setGameLimits, { user: player, data: { dailyLossLimit: 1_000 } });
    assert.equal(first.dailyLossLimit, 1_000);
    assert.equal(first.pendingDailyLossLimit, null);
    const before = Date.now();
    const raised = await callInProcess(setGameLimits, { user: player, data: { dailyLossLimit: 5_000 } });
    assert.equal(raised.dailyLossLimit, 1_000);
    assert.equal(raised.pendingDailyLossLimit?.value, 5_000);
    assert.ok((raised.pendingDailyLossLimit?.effectiveAt ?? 0) >= before + LIMIT_RAISE_DELAY_MS);
    const cut = await callInProcess(setGameLimits, { user: player, data: { dailyLossLimit: 300 } });
    assert.deepEqual({ limit: cut.dailyLossLimit, pending: cut.pendingDailyLossLimit }, { limit: 300, pending: null });
    const shown = await callInProcess(getGameLimits, { user: player });
    assert.deepEqual(shown, {
      dailyLossLimit: 300,
      pendingDailyLossLimit: null,
      day: gameDay(Date.now()),
      netLossToday: 0,
      remainingToday: 300,
      selfExcludedUntil: null,
      selfExcludedPermanently: false,
    });
  });

  it("refuses malformed limits and exclusions with invalid-argument, writing nothing", async () => {
    for (const data of [{ dailyLossLimit: -1 }, { dailyLossLimit: 1.5 }, { dailyLossLimit: "100" }, {}, { dailyLossLimit: 10, extra: 1 }]) {
      await expectHttpsError(callInProcess(setGameLimits, { user: player, data }), "invalid-argument");
    }
    for (const data of [{ days: 2 }, { days: 0 }, { days: "forever" }, {}, null]) {
      await expectHttpsError(callInProcess(selfExcludeFromGames, { user: player, data }), "invalid-argument");
    }
    assert.equal((await gamePlayerRef(player.uid).get()).exists, false);
    await expectHttpsError(callInProcess(getGameLimits, { data: null }), "unauthenticated");
  });

  it("counts stakes as losses and payouts back, refusing a stake past the limit with reason daily-loss-limit", async () => {
    await callInProcess(setGameLimits, { user: player, data: { dailyLossLimit: 500 } });
    await stake(player.uid, 300);
    await stake(player.uid, 200);
    assert.deepEqual(await refusalOf(stake(player.uid, 1)), { reason: "daily-loss-limit", dailyLossLimit: 500 });
    // Settlement pays 250 back in a batch (blind: no read of the counter).
    const batch = db().batch();
    recordGameResult(batch, player.uid, 250, gameDay(Date.now()));
    await batch.commit();
    await stake(player.uid, 250);
    await expectHttpsError(stake(player.uid, 1), "failed-precondition");
    const shown = await callInProcess(getGameLimits, { user: player });
    assert.equal(shown.netLossToday, 500);
    assert.equal(shown.remainingToday, 0);
    assert.equal((await lossDayRef(player.uid, gameDay(Date.now())).get()).get("netLoss"), 500);
  });

  it("lets concurrent stakes take the day's loss exactly to the limit, never past it", async () => {
    await callInProcess(setGameLimits, { user: player, data: { dailyLossLimit: 500 } });
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => stake(player.uid, 100)));
    const refused = results.filter((r) => r.status === "rejected");
    assert.equal(results.length - refused.length, 5);
    for (const r of refused)
      assert.deepEqual(((r as PromiseRejectedResult).reason as HttpsError).details, { reason: "daily-loss-limit", dailyLossLimit: 500 });
    assert.equal((await lossDayRef(player.uid, gameDay(Date.now())).get()).get("netLoss"), 500);
  });

  it("does not let a pending raise help before its 24 h are up", async () => {
    await callInProcess(setGameLimits, { user: player, data: { dailyLossLimit: 100 } });
    await stake(player.uid, 100);
    await callInProcess(setGameLimits, { user: player, data: { dailyLossLimit: null } });
    assert.deepEqual(await refusalOf(stake(player.uid, 1)), { reason: "daily-loss-limit", dailyLossLimit: 100 });
    // A day later the removal is in force (and a new day's counter starts).
    await stake(player.uid, 10_000, Date.now() + LIMIT_RAISE_DELAY_MS);
  });

  it("refuses every stake while self-excluded, and a shorter exclusion cannot lift a longer one", async () => {
    const month = await callInProcess(selfExcludeFromGames, { user: player, data: { days: 30 } });
    const until = month.selfExcludedUntil as number;
    assert.ok(until > Date.now() + 29 * 86_400_000);
    assert.deepEqual(await refusalOf(stake(player.uid, 1)), { reason: "self-excluded" });
    const again = await callInProcess(selfExcludeFromGames, { user: player, data: { days: 1 } });
    assert.equal(again.selfExcludedUntil, until);
    await expectHttpsError(stake(player.uid, 1, until - 1), "failed-precondition");
    await stake(player.uid, 1, until);
    const forever = await callInProcess(selfExcludeFromGames, { user: player, data: { days: "permanent" } });
    assert.deepEqual({ until: forever.selfExcludedUntil, permanent: forever.selfExcludedPermanently }, { until: null, permanent: true });
    await expectHttpsError(stake(player.uid, 1, until + 365 * 86_400_000), "failed-precondition");
  });

  it("lets a player with no settings stake (no limit, not excluded)", async () => {
    await stake(player.uid, 1_000_000);
    const shown = await callInProcess(getGameLimits, { user: player, data: {} });
    assert.equal(shown.netLossToday, 1_000_000);
    assert.equal(shown.remainingToday, null);
  });
});
