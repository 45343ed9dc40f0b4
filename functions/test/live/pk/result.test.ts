import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { sendGift } from "../../../src/gifts/callables.js";
import { db } from "../../../src/kernel/app.js";
import { advancePkBattle, forfeitPkForStream } from "../../../src/live/pk/battles.js";
import { pkBattleTimer, sweepPkBattles } from "../../../src/live/pk/jobs.js";
import { closePkBattle, resolvePkBattle } from "../../../src/live/pk/result.js";
import { userAccount } from "../../../src/wallet/accounts.js";
import { ledgerTransactionId, readBalances } from "../../../src/wallet/ledger.js";
import { callInProcess, expectHttpsError } from "../../support/callables.js";
import { assertConservation, createProfile, ledgerTotals } from "../../support/economy-world.js";
import { queuedFor } from "../../support/notifications.js";
import { useCleanStack } from "../../support/stack.js";
import { createTestUser, type TestUser } from "../../support/users.js";
import {
  activeBattle,
  battle,
  challenge,
  createHost,
  createLiveStream,
  endStreamDoc,
  fundedSenders,
  type Host,
  mirrorOf,
  pkBattleIdOf,
  respond,
  setBattleTimes,
  setPkConfig,
  sleep,
} from "./support.js";

/** The star gift costs 100 coins (support/economy-world.ts). */
const STAR = 100;

interface PlannedGift {
  sender: TestUser;
  recipientUid: string;
  streamId: string;
  count: number;
  type?: "stream" | "room";
}

function send(gift: PlannedGift) {
  return callInProcess(sendGift, {
    user: gift.sender,
    data: {
      giftId: "star",
      recipientUid: gift.recipientUid,
      count: gift.count,
      context: { type: gift.type ?? "stream", id: gift.streamId },
      requestId: randomUUID(),
    },
  });
}

/** The pk-result notices of a battle's hosts: outcome, scores and reward from each one's side. */
async function resultNotices(battleId: string, ...hosts: Host[]) {
  return Promise.all(
    hosts.map(async (host) => {
      const notes = (await queuedFor(host.uid, "pk-result")).filter((n) => n.data.battleId === battleId);
      assert.equal(notes.length, 1, `one result notice for ${host.uid}`);
      const { outcome, reason, score, opponentScore, opponentUid, opponentName, rewardCoins } = notes[0]?.data ?? {};
      return { outcome, reason, score, opponentScore, opponentUid, opponentName, rewardCoins };
    }),
  );
}

const timerTask = (battleId: string) => pkBattleTimer.run({ data: { battleId } } as never) as Promise<void>;

describe("live PK: result from the ledger, decided and paid once", () => {
  useCleanStack();
  let a: Host;
  let b: Host;
  let senders: TestUser[];

  beforeEach(async function () {
    // Eight funded senders and two hosts: slow on a busy machine.
    this.timeout(60_000);
    [a, b] = await Promise.all([createHost(), createHost()]);
    senders = await fundedSenders(8, 20_000);
    await setPkConfig({ battleSeconds: 120, punishmentSeconds: 30, resultGraceSeconds: 0, winnerRewardCoins: 0 });
  });

  /** Sends `before`, then (window opens) `during` concurrently, then (window closes) `after`; returns the window. */
  async function giftsAroundWindow(before: PlannedGift[], during: PlannedGift[], after: PlannedGift[]) {
    await Promise.all(before.map(send));
    await sleep(25);
    const startedAt = Date.now();
    await sleep(25);
    await Promise.all(during.map(send));
    await sleep(25);
    const endsAt = Date.now();
    await sleep(25);
    await Promise.all(after.map(send));
    return { startedAt, endsAt };
  }

  it("each side scores the gift value its host received on its stream during the battle, concurrent gifts included", async () => {
    const guest = await createTestUser();
    await createProfile(guest.uid);
    const battleId = await activeBattle(a, b);
    const toA = (sender: TestUser, count: number): PlannedGift => ({ sender, recipientUid: a.uid, streamId: a.streamId, count });
    const toB = (sender: TestUser, count: number): PlannedGift => ({ sender, recipientUid: b.uid, streamId: b.streamId, count });
    const during = [
      ...senders.map((s, i) => toA(s, i + 1)), // 1+2+…+8 = 36 stars
      ...senders.slice(0, 5).map((s) => toB(s, 3)), // 15 stars
      // Not scored: a guest on a's stream, a's host gifted on b's stream, a room with the same id.
      { sender: senders[0] as TestUser, recipientUid: guest.uid, streamId: a.streamId, count: 9 },
      { sender: senders[1] as TestUser, recipientUid: a.uid, streamId: b.streamId, count: 9 },
      { sender: senders[2] as TestUser, recipientUid: a.uid, streamId: a.streamId, count: 9, type: "room" as const },
    ];
    const window = await giftsAroundWindow([toA(senders[3] as TestUser, 7), toB(senders[4] as TestUser, 50)], during, [
      toB(senders[5] as TestUser, 40),
    ]);
    await setBattleTimes(battleId, window);

    assert.equal((await advancePkBattle(battleId)).outcome, "resolved");
    const finished = await battle(battleId);
    const expected = { [a.streamId]: 36 * STAR, [b.streamId]: 15 * STAR };
    assert.equal(finished.status, "finished");
    assert.equal(finished.phase, "punishment");
    assert.deepEqual(finished.result, {
      scores: expected,
      winnerStreamId: a.streamId,
      winnerUid: a.uid,
      draw: false,
      reason: "score",
      forfeitedStreamId: null,
    });
    assert.ok((finished.punishmentEndsAt as number) >= (finished.resolvedAt as number) + 30_000);

    const streamA = (await db().doc(`streams/${a.streamId}`).get()).data();
    assert.equal(streamA?.pkBattleId, battleId, "the stream stays in the PK during the punishment phase");
    assert.equal(streamA?.lastPk.outcome, "won");
    assert.equal(streamA?.lastPk.score, 36 * STAR);
    assert.equal(streamA?.lastPk.opponentScore, 15 * STAR);
    assert.equal((await db().doc(`streams/${b.streamId}`).get()).get("lastPk.outcome"), "lost");

    for (const host of [a, b]) {
      const mirror = await mirrorOf(host.streamId);
      assert.equal(mirror?.phase, "punishment");
      assert.deepEqual(mirror?.scores, expected);
      assert.deepEqual(mirror?.result, { winnerStreamId: a.streamId, draw: false, reason: "score", scores: expected });
    }

    const history = await db()
      .collection("pkBattles")
      .where("participants", "array-contains", b.uid)
      .where("status", "==", "finished")
      .orderBy("createdAt", "desc")
      .get();
    assert.deepEqual(
      history.docs.map((d) => d.id),
      [battleId],
    );
  });

  it("under concurrent gifts and 5 concurrent resolutions the result is decided once and the reward paid once", async () => {
    // The window here lasts a few ms: no minimum duration for this one.
    await setPkConfig({
      battleSeconds: 120,
      punishmentSeconds: 30,
      resultGraceSeconds: 0,
      winnerRewardCoins: 700,
      rewardMinBattleSeconds: 0,
      rewardMinWinnerScore: 0,
    });
    const battleId = await activeBattle(a, b);
    const during = senders.map((s, i) => ({
      sender: s,
      recipientUid: i % 2 ? a.uid : b.uid,
      streamId: i % 2 ? a.streamId : b.streamId,
      count: i + 1,
    }));
    const window = await giftsAroundWindow([], during, []);
    await setBattleTimes(battleId, window);
    // b: 1+3+5+7 = 16 stars, a: 2+4+6+8 = 20 stars.
    const expected = { [a.streamId]: 20 * STAR, [b.streamId]: 16 * STAR };

    // Late gifts keep arriving while five resolutions race (timer task, sweep, direct calls).
    const late = senders.map((s) => send({ sender: s, recipientUid: b.uid, streamId: b.streamId, count: 5 }));
    const resolutions = [
      timerTask(battleId),
      timerTask(battleId),
      advancePkBattle(battleId),
      resolvePkBattle(battleId, { now: Date.now() }),
      sweepPkBattles.run({ scheduleTime: new Date().toISOString() } as never) as Promise<void>,
    ];
    await Promise.all([...late, ...resolutions]);

    const finished = await battle(battleId);
    assert.deepEqual(finished.result?.scores, expected);
    assert.equal(finished.result?.winnerUid, a.uid);
    assert.deepEqual(finished.reward, {
      uid: a.uid,
      coins: 700,
      transactionId: ledgerTransactionId("reward", "pk", battleId),
      paid: true,
    });
    assert.equal(finished.rewardWithheld, null);
    const rewards = await ledgerTotals("reward");
    assert.equal(rewards.count, 1);
    assert.equal(rewards.of(userAccount(a.uid), "coins"), 700);
    assert.equal((await readBalances(userAccount(a.uid))).coins, 700);

    // Closing, raced five times too, releases both streams and pays nothing more.
    await setBattleTimes(battleId, { punishmentEndsAt: Date.now() - 1 });
    const closedHere = await Promise.all([
      closePkBattle(battleId, Date.now()),
      closePkBattle(battleId, Date.now()),
      closePkBattle(battleId, Date.now()),
      advancePkBattle(battleId).then((r) => r.outcome === "closed"),
      advancePkBattle(battleId).then((r) => r.outcome === "closed"),
    ]);
    assert.equal(closedHere.filter(Boolean).length, 1);
    const closed = await battle(battleId);
    assert.equal(closed.phase, "finished");
    assert.deepEqual(closed.result, finished.result);
    assert.equal((await ledgerTotals("reward")).count, 1);
    assert.equal(await pkBattleIdOf(a.streamId), null);
    assert.equal(await pkBattleIdOf(b.streamId), null);
    assert.equal((await mirrorOf(a.streamId))?.phase, "finished");
    await assertConservation([userAccount(a.uid), userAccount(b.uid), ...senders.map((s) => userAccount(s.uid))]);
    // Decided five times over and closed five times over: each host heard the result once.
    assert.deepEqual(await resultNotices(battleId, a, b), [
      { outcome: "won", reason: "score", score: 20 * STAR, opponentScore: 16 * STAR, opponentUid: b.uid, opponentName: b.uid, rewardCoins: 700 },
      { outcome: "lost", reason: "score", score: 16 * STAR, opponentScore: 20 * STAR, opponentUid: a.uid, opponentName: a.uid, rewardCoins: 0 },
    ]);

    // Released: the same hosts may battle again.
    const again = await challenge(b, a);
    assert.equal(await pkBattleIdOf(a.streamId), again.battleId);
  });

  it("equal scores are a draw: no winner, no reward", async () => {
    await setPkConfig({ battleSeconds: 120, punishmentSeconds: 30, resultGraceSeconds: 0, winnerRewardCoins: 700 });
    const battleId = await activeBattle(a, b);
    const window = await giftsAroundWindow(
      [],
      [
        { sender: senders[0] as TestUser, recipientUid: a.uid, streamId: a.streamId, count: 4 },
        { sender: senders[1] as TestUser, recipientUid: b.uid, streamId: b.streamId, count: 4 },
      ],
      [],
    );
    await setBattleTimes(battleId, window);
    await timerTask(battleId);
    const finished = await battle(battleId);
    assert.equal(finished.result?.draw, true);
    assert.equal(finished.result?.winnerStreamId, null);
    assert.equal(finished.reward, null);
    assert.equal((await ledgerTotals("reward")).count, 0);
    assert.equal((await db().doc(`streams/${a.streamId}`).get()).get("lastPk.outcome"), "draw");
    assert.deepEqual(
      (await resultNotices(battleId, a, b)).map((n) => n.outcome),
      ["draw", "draw"],
    );
  });

  it("nothing is decided before the end (plus grace); the sweep decides and later closes", async () => {
    await setPkConfig({ battleSeconds: 120, punishmentSeconds: 30, resultGraceSeconds: 5, winnerRewardCoins: 0 });
    const battleId = await activeBattle(a, b);
    assert.equal((await advancePkBattle(battleId)).outcome, "not-due");
    assert.equal((await battle(battleId)).status, "active");

    const now = Date.now();
    await setBattleTimes(battleId, { startedAt: now - 60_000, endsAt: now - 3_000 });
    assert.equal((await advancePkBattle(battleId)).outcome, "not-due", "inside the grace period");
    await setBattleTimes(battleId, { endsAt: now - 6_000 });
    await sweepPkBattles.run({ scheduleTime: new Date().toISOString() } as never);
    assert.equal((await battle(battleId)).phase, "punishment");

    await sweepPkBattles.run({ scheduleTime: new Date().toISOString() } as never);
    assert.equal((await battle(battleId)).phase, "punishment", "the punishment phase runs its length");
    // As if the deciding run had stopped right after its commit: the close step queues the notices.
    await resultNotices(battleId, a, b);
    await Promise.all((await db().collection("notificationOutbox").where("type", "==", "pk-result").get()).docs.map((d) => d.ref.delete()));
    await setBattleTimes(battleId, { punishmentEndsAt: Date.now() - 1 });
    await sweepPkBattles.run({ scheduleTime: new Date().toISOString() } as never);
    assert.deepEqual(
      (await resultNotices(battleId, a, b)).map((n) => n.outcome),
      ["draw", "draw"],
    );
    const closed = await battle(battleId);
    assert.equal(closed.phase, "finished");
    assert.equal(closed.nextActionAt, null);
    assert.equal(await pkBattleIdOf(b.streamId), null);
  });

  it("without a punishment phase the battle closes with its result", async () => {
    await setPkConfig({ battleSeconds: 120, punishmentSeconds: 0, resultGraceSeconds: 0 });
    const battleId = await activeBattle(a, b);
    await setBattleTimes(battleId, { startedAt: Date.now() - 10_000, endsAt: Date.now() - 1 });
    await timerTask(battleId);
    const closed = await battle(battleId);
    assert.equal(closed.status, "finished");
    assert.equal(closed.phase, "finished");
    assert.equal(closed.result?.draw, true);
    assert.equal(await pkBattleIdOf(a.streamId), null);
    assert.equal((await mirrorOf(b.streamId))?.phase, "finished");
  });

  it("a stream ending during the battle forfeits it: the other side wins whatever the scores, without a reward", async () => {
    await setPkConfig({
      battleSeconds: 120,
      punishmentSeconds: 30,
      resultGraceSeconds: 0,
      winnerRewardCoins: 300,
      rewardMinBattleSeconds: 0,
      rewardMinWinnerScore: 0,
    });
    const battleId = await activeBattle(a, b);
    await send({ sender: senders[0] as TestUser, recipientUid: a.uid, streamId: a.streamId, count: 10 });
    await send({ sender: senders[1] as TestUser, recipientUid: b.uid, streamId: b.streamId, count: 1 });
    await endStreamDoc(a.streamId);
    await forfeitPkForStream(a.streamId);

    const finished = await battle(battleId);
    assert.equal(finished.result?.reason, "forfeit");
    assert.equal(finished.result?.forfeitedStreamId, a.streamId);
    assert.equal(finished.result?.winnerStreamId, b.streamId);
    assert.deepEqual(finished.result?.scores, { [a.streamId]: 10 * STAR, [b.streamId]: STAR });
    assert.equal(finished.phase, "punishment");
    assert.equal(await pkBattleIdOf(a.streamId), null, "the ended stream is released at once");
    assert.equal(await pkBattleIdOf(b.streamId), battleId, "the winner keeps its celebration");
    assert.equal((await mirrorOf(b.streamId))?.phase, "punishment");
    assert.equal((await mirrorOf(a.streamId))?.phase, "battle", "no PK state is written to the ended stream");
    // An opponent ending its stream is all a colluding pair would need: a forfeit never pays the reward.
    assert.equal(finished.reward, null);
    assert.equal(finished.rewardWithheld, "forfeit");
    assert.equal((await readBalances(userAccount(b.uid))).coins, 0);
    assert.deepEqual(
      (await resultNotices(battleId, a, b)).map((n) => [n.outcome, n.reason, n.rewardCoins]),
      [
        ["lost", "forfeit", 0],
        ["won", "forfeit", 0],
      ],
    );

    await forfeitPkForStream(a.streamId);
    await forfeitPkForStream(b.streamId);
    assert.equal(await pkBattleIdOf(b.streamId), null);
    assert.equal((await battle(battleId)).result?.winnerStreamId, b.streamId);
    assert.equal((await ledgerTotals("reward")).count, 0);
  });

  it("a stream ending while its challenge is pending cancels the challenge", async () => {
    const { battleId } = await challenge(a, b);
    await endStreamDoc(b.streamId);
    await forfeitPkForStream(b.streamId);
    const cancelled = await battle(battleId);
    assert.equal(cancelled.status, "cancelled");
    assert.equal(cancelled.endedReason, "stream-ended");
    assert.equal(await pkBattleIdOf(a.streamId), null);
    assert.equal(await pkBattleIdOf(b.streamId), null);
    assert.equal((await mirrorOf(a.streamId))?.status, "cancelled");
    await expectHttpsError(respond(b, battleId, true), "failed-precondition");
    // A stream without a PK: nothing to do.
    await forfeitPkForStream(a.streamId);
  });

  describe("the winner reward: earned by a real battle, capped per day", () => {
    const REWARD = 500;

    beforeEach(async () => {
      await setPkConfig({
        battleSeconds: 120,
        punishmentSeconds: 0,
        resultGraceSeconds: 0,
        winnerRewardCoins: REWARD,
        rewardMinBattleSeconds: 60,
        rewardMinWinnerScore: 3 * STAR,
        rewardDailyCapPerHost: 2,
        rewardDailyCapPerPair: 1,
      });
    });

    /**
     * A battle won by `winner` with `stars` gifted to it, that ran `ranSeconds` when it ended just now. Each
     * on fresh streams: the window is moved back in time, and must not take in an earlier battle's gifts.
     */
    async function wonBattle(winnerHost: Host, loserHost: Host, stars: number, ranSeconds: number): Promise<string> {
      const [winner, loser] = await Promise.all([winnerHost, loserHost].map(async (h) => ({ ...h, streamId: await createLiveStream(h.uid) })));
      const battleId = await activeBattle(winner as Host, loser as Host);
      await send({ sender: senders[0] as TestUser, recipientUid: winnerHost.uid, streamId: (winner as Host).streamId, count: stars });
      await sleep(5);
      const endsAt = Date.now();
      await setBattleTimes(battleId, { startedAt: endsAt - ranSeconds * 1000, endsAt });
      return battleId;
    }

    async function fight(winner: Host, loser: Host, stars = 5, ranSeconds = 120) {
      const battleId = await wonBattle(winner, loser, stars, ranSeconds);
      assert.equal((await advancePkBattle(battleId)).outcome, "resolved");
      const decided = await battle(battleId);
      assert.equal(decided.result?.winnerUid, winner.uid, "the result stands whatever happens to the reward");
      assert.equal(decided.result?.reason, "score");
      return decided;
    }

    const coinsOf = async (host: Host) => (await readBalances(userAccount(host.uid))).coins;

    it("a battle shorter than the minimum, or a winner below the minimum score, gets its result but no reward", async () => {
      const short = await fight(a, b, 5, 30);
      assert.equal(short.reward, null);
      assert.equal(short.rewardWithheld, "battle-too-short");
      const low = await fight(a, b, 2, 120);
      assert.equal(low.reward, null);
      assert.equal(low.rewardWithheld, "score-too-low");
      assert.equal(await coinsOf(a), 0);
      assert.equal((await ledgerTotals("reward")).count, 0);

      // Withheld rewards use none of the day's caps: a real battle of the same pair still earns one.
      const real = await fight(a, b, 3, 60);
      assert.equal(real.rewardWithheld, null);
      assert.equal(real.reward?.paid, true);
      assert.equal(await coinsOf(a), REWARD);
    });

    it("caps rewards per host and per pair of hosts per UTC day; the results still stand", async () => {
      const [c, d] = await Promise.all([createHost(), createHost()]);
      assert.equal((await fight(a, b)).reward?.uid, a.uid);
      assert.equal((await fight(a, b)).rewardWithheld, "pair-daily-cap");
      assert.equal((await fight(b, a)).rewardWithheld, "pair-daily-cap", "the pair's cap counts both directions");
      assert.equal((await fight(a, c)).reward?.uid, a.uid);
      assert.equal((await fight(a, d)).rewardWithheld, "host-daily-cap");
      assert.equal((await fight(c, d)).reward?.uid, c.uid, "other hosts and pairs have their own caps");
      assert.equal(await coinsOf(a), 2 * REWARD);
      assert.equal(await coinsOf(b), 0);
      assert.equal(await coinsOf(c), REWARD);
      assert.equal((await ledgerTotals("reward")).count, 3);
    });

    it("the caps hold exactly when several battles of one host are decided at the same time", async function () {
      this.timeout(90_000);
      await setPkConfig({
        battleSeconds: 120,
        punishmentSeconds: 0,
        resultGraceSeconds: 0,
        winnerRewardCoins: REWARD,
        rewardMinBattleSeconds: 60,
        rewardMinWinnerScore: 3 * STAR,
        rewardDailyCapPerHost: 1,
        rewardDailyCapPerPair: 5,
      });
      // One host on four streams at once, each in its own battle against another host.
      const opponents = await Promise.all(Array.from({ length: 4 }, () => createHost()));
      const battleIds: string[] = [];
      for (const opponent of opponents) battleIds.push(await wonBattle(a, opponent, 4, 120));
      await Promise.all(battleIds.flatMap((id) => [advancePkBattle(id), timerTask(id)]));
      const decided = await Promise.all(battleIds.map(battle));
      assert.ok(decided.every((d) => d.result?.winnerUid === a.uid));
      assert.equal(decided.filter((d) => d.reward !== null).length, 1);
      assert.equal(decided.filter((d) => d.rewardWithheld === "host-daily-cap").length, 3);
      assert.equal((await ledgerTotals("reward")).count, 1);
      assert.equal(await coinsOf(a), REWARD);
    });
  });
});
