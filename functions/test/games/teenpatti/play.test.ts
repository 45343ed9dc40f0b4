import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { CallableFunction } from "firebase-functions/v2/https";
import { commitmentOf } from "../../../src/games/fairness/fairness.js";
import { verifyFairness } from "../../../src/games/fairness/verify.js";
import { selfExcludeFromGames, setGameLimits } from "../../../src/games/limits/callables.js";
import { advanceTable, sweepDueTables } from "../../../src/games/teenpatti/actions.js";
import { createTeenPattiTable, sitAtTable, teenPattiBet } from "../../../src/games/teenpatti/callables.js";
import { compareHands } from "../../../src/games/teenpatti/hand-rank.js";
import type { TeenPattiTable } from "../../../src/games/teenpatti/schema.js";
import { settleHand } from "../../../src/games/teenpatti/settlement.js";
import { tableRef } from "../../../src/games/teenpatti/store.js";
import { decide } from "../../../src/games/teenpatti/table.js";
import { db, rtdb } from "../../../src/kernel/app.js";
import { callInProcess, expectHttpsError } from "../../support/callables.js";
import { allPaths } from "../../support/firestore.js";
import { useCleanStack } from "../../support/stack.js";
import type { TestUser } from "../../support/users.js";
import {
  answerSideShow,
  askSideShow,
  bet,
  coinsOf,
  createTable,
  dealtCards,
  dealtTable,
  fundedPlayers,
  handLedger,
  leave,
  pack,
  see,
  setTeenPattiConfig,
  showdown,
  sit,
  table,
  turnOf,
} from "./support.js";

const ESCROW = "system:game-escrow";
const HOUSE = "system:house";

describe("teen patti: playing a table", () => {
  useCleanStack();
  let players: TestUser[];

  beforeEach(async () => {
    await setTeenPattiConfig({ betweenHandsSeconds: 0, rakePercent: 10, minPotLimitBoots: 2 });
    players = await fundedPlayers(3);
  });

  it("a hand from deal to payout: boots in escrow, turn order, the commitment published at the deal, seed revealed and verifiable, conserved", async () => {
    const [a] = players as [TestUser];
    const tableId = await createTable(a);
    const committed = (await table(tableId)).nextCommitment;
    for (const p of players) await sit(p, tableId);
    const { outcome } = await advanceTable(tableId, Date.now());
    assert.equal(outcome, "dealt");

    const dealt = await table(tableId);
    const hand = dealt.hand;
    assert.ok(hand);
    assert.equal(hand.pot, 30);
    const handDoc = (await db().doc(`gameHands/${hand.id}`).get()).data() ?? {};
    assert.equal(handDoc.fairness.commitment, committed);
    assert.equal(handDoc.fairness.serverSeed, null);
    assert.notEqual(dealt.nextCommitment, committed);
    for (const p of players) assert.equal(await coinsOf(p.uid), 9_990);

    // Nobody's cards are in the shared state.
    const mirror = (await rtdb().ref(`teenPatti/tables/${tableId}`).get()).val();
    assert.equal(mirror.hand.handId, hand.id);
    assert.equal(mirror.hand.commitment, committed);
    const cards = await dealtCards(tableId);
    const shared = JSON.stringify([mirror, dealt, handDoc]);
    for (const card of Object.values(cards).flat()) assert.ok(!new RegExp(`"${card}"`).test(shared), `${card} is in the shared state`);

    // Turn order: the first player after the dealer, then round the table.
    const first = await turnOf(tableId, players);
    const others = players.filter((p) => p !== first);
    for (const other of others) await expectHttpsError(bet(other, tableId, 10), "failed-precondition");
    await bet(first, tableId, 20);
    const second = await turnOf(tableId, players);
    assert.notEqual(second, first);
    await pack(second, tableId);
    const third = await turnOf(tableId, players);
    const response = await pack(third, tableId);
    assert.equal(response.phase, "ended");
    assert.deepEqual(response.result?.winners, [first.uid]);

    // Settled by the action: pot 50, rake 10 % = 5, the winner gets 45.
    const closed = await table(tableId);
    assert.equal(closed.hand?.phase, "settled");
    assert.equal(await coinsOf(first.uid), 9_990 - 20 + 45);
    const ledger = await handLedger(hand.id);
    assert.equal(ledger.byAccount.get(ESCROW), 0, "the hand's escrow is empty");
    assert.equal(ledger.byAccount.get(HOUSE), 5);
    assert.equal(ledger.byAccount.get(`user:${first.uid}`), -30 + 45);
    assert.deepEqual(ledger.types, ["game.bet", "game.bet", "game.payout"]);
    const total = [...ledger.byAccount.values()].reduce((s, v) => s + v, 0);
    assert.equal(total, 0);

    const revealed = (await db().doc(`gameHands/${hand.id}`).get()).data() ?? {};
    assert.equal(revealed.status, "settled");
    assert.equal(commitmentOf(revealed.fairness.serverSeed), committed);
    const hands = (revealed.hands as { uid: string; cards: string[] }[]).map((h) => h.cards);
    const verification = verifyFairness(revealed.fairness, "teenpatti", { hands });
    assert.equal(verification.verified, true);
    assert.equal((await rtdb().ref(`teenPatti/cards/${tableId}`).get()).exists(), false);
  });

  it("seeCards returns the player's own cards and writes them where only that player reads; a seen player's chaal is 2x–4x", async () => {
    const tableId = await dealtTable(players[0] as TestUser, players);
    const first = await turnOf(tableId, players);
    const seen = await see(first, tableId);
    assert.deepEqual(seen.cards, (await dealtCards(tableId))[first.uid]);
    assert.deepEqual((await rtdb().ref(`teenPatti/cards/${tableId}/${first.uid}`).get()).val(), { handId: seen.handId, cards: seen.cards });
    const error = await expectHttpsError(bet(first, tableId, 10), "invalid-argument");
    assert.deepEqual(error.details, { reason: "amount-out-of-range", min: 20, max: 40 });
    await bet(first, tableId, 40);
    assert.equal((await table(tableId)).hand?.stake, 20);
  });

  it("a replayed bet stakes once; the same requestId for another amount is refused", async () => {
    const tableId = await dealtTable(players[0] as TestUser, players);
    const first = await turnOf(tableId, players);
    const requestId = randomUUID();
    const once = await bet(first, tableId, 15, requestId);
    assert.deepEqual(await bet(first, tableId, 15, requestId), once);
    assert.equal(await coinsOf(first.uid), 10_000 - 10 - 15);
    assert.equal((await table(tableId)).hand?.pot, 45);
    await expectHttpsError(bet(first, tableId, 20, requestId), "failed-precondition");
  });

  it("the turn timer packs the player to act, not before the turn is over", async () => {
    const tableId = await dealtTable(players[0] as TestUser, players, { turnSeconds: 20 });
    const first = await turnOf(tableId, players);
    const turnEndsAt = (await table(tableId)).hand?.turnEndsAt as number;
    assert.equal((await advanceTable(tableId, turnEndsAt - 1)).outcome, "not-due");
    assert.equal((await advanceTable(tableId, turnEndsAt)).outcome, "timed-out");
    const after = await table(tableId);
    assert.equal(after.hand?.players.find((p) => p.uid === first.uid)?.status, "packed");
    assert.notEqual((await turnOf(tableId, players)).uid, first.uid);
    assert.ok(after.hand?.events.some((e) => e.uid === first.uid && e.action === "timeout"));
  });

  it("the sweep acts on tables whose timer is due (a lost task), and leaves the others", async () => {
    const due = await dealtTable(players[0] as TestUser, players);
    const more = await fundedPlayers(2);
    const other = await dealtTable(more[0] as TestUser, more);
    const turnEndsAt = (await table(due)).hand?.turnEndsAt as number;
    await tableRef(other).update({ nextActionAt: turnEndsAt + 60_000, "hand.turnEndsAt": turnEndsAt + 60_000 });
    const summary = await sweepDueTables(turnEndsAt);
    assert.deepEqual(summary, { due: 1, failed: 0 });
    assert.ok((await table(due)).hand?.players.some((p) => p.status === "packed"));
    assert.ok((await table(other)).hand?.players.every((p) => p.status === "blind"));
  });

  it("show: only with two players left; the better hand wins, a tie goes against the requester", async () => {
    const tableId = await dealtTable(players[0] as TestUser, players);
    const first = await turnOf(tableId, players);
    await expectHttpsError(showdown(first, tableId), "failed-precondition");
    await pack(first, tableId);
    const requester = await turnOf(tableId, players);
    const other = players.find((p) => p !== first && p !== requester) as TestUser;
    const response = await showdown(requester, tableId);
    const cards = await dealtCards(tableId);
    const expected = compareHands(cards[requester.uid] as string[], cards[other.uid] as string[]) > 0 ? requester : other;
    assert.equal(response.result?.reason, "show");
    assert.deepEqual(response.result?.winners, [expected.uid]);
    assert.deepEqual(Object.keys(response.result?.shown ?? {}).sort(), [requester.uid, other.uid].sort());
    assert.equal(response.staked, 10, "a blind requester pays the stake");
  });

  it("side show: a seen requester against the seen previous player; the lower hand folds on acceptance", async () => {
    const tableId = await dealtTable(players[0] as TestUser, players);
    const order = (await table(tableId)).hand?.players.map((p) => players.find((x) => x.uid === p.uid) as TestUser) as TestUser[];
    const [p0, p1, p2] = order as [TestUser, TestUser, TestUser];
    for (const p of order) await see(p, tableId);
    await bet(p0, tableId, 20);
    const asked = await askSideShow(p1, tableId);
    assert.equal(asked.phase, "side-show");
    assert.equal(asked.staked, 20);
    await expectHttpsError(answerSideShow(p2, tableId, true), "failed-precondition");
    await expectHttpsError(bet(p2, tableId, 20), "failed-precondition");
    await answerSideShow(p0, tableId, true);
    const cards = await dealtCards(tableId);
    const loser = compareHands(cards[p1.uid] as string[], cards[p0.uid] as string[]) > 0 ? p0 : p1;
    const after = await table(tableId);
    assert.equal(after.hand?.players.find((p) => p.uid === loser.uid)?.status, "packed");
    assert.equal((await turnOf(tableId, players)).uid, p2.uid);
  });

  it("reaching the pot limit forces a show among those left", async () => {
    const tableId = await dealtTable(players[0] as TestUser, players, { potLimit: 50 });
    const first = await turnOf(tableId, players);
    const response = await bet(first, tableId, 20);
    assert.equal(response.result?.reason, "pot-limit");
    const cards = await dealtCards(tableId);
    const best = players.filter((p) => players.every((q) => compareHands(cards[p.uid] as string[], cards[q.uid] as string[]) >= 0));
    assert.deepEqual([...(response.result?.winners ?? [])].sort(), best.map((p) => p.uid).sort());
    assert.equal((await table(tableId)).hand?.phase, "settled");
    assert.equal((await handLedger(response.handId)).byAccount.get(ESCROW), 0);
  });

  it("settlement pays once under concurrent and repeated calls", async () => {
    const tableId = await dealtTable(players[0] as TestUser, players);
    // The hand ends in the stored table without being settled (as if the action's process stopped there).
    const current = await table(tableId);
    const first = await turnOf(tableId, players);
    let ended: TeenPattiTable = decide(current, first.uid, { type: "pack" }, {}, Date.now()).table;
    const second = ended.hand?.players[ended.hand.turn ?? -1]?.uid as string;
    ended = decide(ended, second, { type: "pack" }, {}, Date.now()).table;
    assert.equal(ended.hand?.phase, "ended");
    await tableRef(tableId).set(ended);
    const winner = ended.hand?.result?.winners[0] as string;
    const before = await coinsOf(winner);

    const handId = ended.hand?.id as string;
    const now = Date.now();
    const results = await Promise.allSettled([
      ...Array.from({ length: 4 }, () => settleHand(tableId, handId, now)),
      ...Array.from({ length: 3 }, () => advanceTable(tableId, now)),
    ]);
    assert.ok(
      results.every((r) => r.status === "fulfilled"),
      JSON.stringify(results.filter((r) => r.status === "rejected")),
    );
    await settleHand(tableId, handId, now + 1);
    assert.equal(await coinsOf(winner), before + 27, "pot 30 minus 10 % rake, once");
    const ledger = await handLedger(handId);
    assert.deepEqual(ledger.types, ["game.bet", "game.payout"]);
    assert.equal(ledger.byAccount.get(ESCROW), 0);
    assert.equal((await table(tableId)).hand?.phase, "settled");
  });

  it("leaving during a hand packs the player; the next hand deals the dealer on", async () => {
    const [a, b] = players as [TestUser, TestUser];
    const tableId = await dealtTable(a, [a, b]);
    const firstDealer = (await table(tableId)).dealerSeat;
    await leave(a, tableId);
    const after = await table(tableId);
    assert.deepEqual(after.hand?.result?.winners, [b.uid]);
    assert.equal(after.hand?.phase, "settled");
    await sit(players[2] as TestUser, tableId);
    assert.equal((await advanceTable(tableId, Date.now())).outcome, "dealt");
    assert.notEqual((await table(tableId)).dealerSeat, firstDealer);
  });

  it("a player who cannot pay the boot is stood up; the others are dealt in", async () => {
    const [poor] = await fundedPlayers(1, 5);
    const tableId = await createTable(players[0] as TestUser);
    await sit(players[0] as TestUser, tableId);
    await sit(players[1] as TestUser, tableId);
    await sit(poor as TestUser, tableId);
    assert.equal((await advanceTable(tableId, Date.now())).outcome, "dealt");
    const dealt = await table(tableId);
    assert.equal(dealt.hand?.players.length, 2);
    assert.ok(!dealt.seats.includes((poor as TestUser).uid));
    assert.equal(await coinsOf((poor as TestUser).uid), 5);
  });

  it("responsible limits: a self-excluded player is not dealt in; a stake past the daily loss limit is refused", async () => {
    const [a, b, c] = players as [TestUser, TestUser, TestUser];
    const tableId = await createTable(a);
    for (const p of players) await sit(p, tableId);
    await callInProcess(selfExcludeFromGames, { user: c, data: { days: 1 } });
    assert.equal((await advanceTable(tableId, Date.now())).outcome, "dealt");
    const dealt = await table(tableId);
    assert.deepEqual(dealt.hand?.players.map((p) => p.uid).sort(), [a.uid, b.uid].sort());
    assert.equal(await coinsOf(c.uid), 10_000);

    const first = await turnOf(tableId, players);
    await callInProcess(setGameLimits, { user: first, data: { dailyLossLimit: 25 } });
    const error = await expectHttpsError(bet(first, tableId, 20), "failed-precondition");
    assert.equal((error.details as { reason?: string }).reason, "daily-loss-limit");
    await bet(first, tableId, 15);
    assert.equal(await coinsOf(first.uid), 10_000 - 25);
  });

  it("two accounts that share a registered device cannot sit at one table", async () => {
    const [a, b, c] = players as [TestUser, TestUser, TestUser];
    const device = { platform: "android", appVersion: "1.0.0", createdAt: new Date() };
    await db()
      .doc(`users/${a.uid}/devices/phone-1`)
      .set({ deviceId: "phone-1", ...device });
    await db()
      .doc(`users/${b.uid}/devices/phone-1`)
      .set({ deviceId: "phone-1", ...device });
    await db()
      .doc(`users/${c.uid}/devices/phone-2`)
      .set({ deviceId: "phone-2", ...device });
    const tableId = await createTable(a);
    await sit(a, tableId);
    const error = await expectHttpsError(sit(b, tableId), "failed-precondition");
    assert.equal((error.details as { reason?: string }).reason, "shared-device");
    await sit(c, tableId);
    assert.deepEqual((await table(tableId)).seats.filter(Boolean), [a.uid, c.uid]);
  });

  it("malformed input is refused as invalid-argument and writes nothing", async () => {
    const [a] = players as [TestUser];
    const tableId = await dealtTable(a, players);
    const before = await allPaths();
    const bad: [CallableFunction<unknown, Promise<unknown>>, unknown][] = [
      [createTeenPattiTable, { bootAmount: -1, requestId: randomUUID() }],
      [createTeenPattiTable, { bootAmount: 10, seats: 9, requestId: randomUUID() }],
      [createTeenPattiTable, { bootAmount: 10, requestId: randomUUID(), extra: true }],
      [createTeenPattiTable, { bootAmount: 5, requestId: randomUUID() }],
      [sitAtTable, { tableId: "../x", requestId: randomUUID() }],
      [sitAtTable, { tableId, requestId: "short" }],
      [teenPattiBet, { tableId, amount: 1.5, requestId: randomUUID() }],
      [teenPattiBet, { tableId, amount: "10", requestId: randomUUID() }],
      [teenPattiBet, { tableId, requestId: randomUUID() }],
      [teenPattiBet, null],
    ];
    for (const [fn, data] of bad) await expectHttpsError(callInProcess(fn, { user: a, data }), "invalid-argument");
    const first = await turnOf(tableId, players);
    await expectHttpsError(bet(first, tableId, 1_000), "invalid-argument");
    assert.deepEqual(await allPaths(), before);
  });
});
