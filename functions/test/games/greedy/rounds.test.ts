import assert from "node:assert/strict";
import { combineClientSeeds, commitmentOf, OutcomeStream } from "../../../src/games/fairness/fairness.js";
import { greedyOutcome } from "../../../src/games/fairness/outcomes.js";
import { houseDay } from "../../../src/games/greedy/history.js";
import { advanceGreedyRound, sweepDueGreedyRounds } from "../../../src/games/greedy/rounds.js";
import type { GreedyMirror, GreedyRound } from "../../../src/games/greedy/schema.js";
import { settleGreedyRound } from "../../../src/games/greedy/settlement.js";
import { gameRef, readRound, roundRef, seedRef } from "../../../src/games/greedy/store.js";
import { rtdb } from "../../../src/kernel/app.js";
import { RoomPaths } from "../../../src/venues/paths.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../../../src/wallet/accounts.js";
import { readBalances } from "../../../src/wallet/ledger.js";
import { expectHttpsError } from "../../support/callables.js";
import { assertConservation } from "../../support/economy-world.js";
import { reasonOf } from "../../support/rooms-world.js";
import { useCleanStack } from "../../support/stack.js";
import type { TestUser } from "../../support/users.js";
import { bet, enterRoom, escrowOfRound, leaveRoom, ledgerTotals, makePlayers, start } from "./support.js";

const ROOM = "room-wheel";
const ITEMS = ["carrot", "corn", "tomato", "cabbage", "fish", "shrimp", "chicken", "steak"];

async function roundOf(roundId: string): Promise<GreedyRound> {
  return readRound(await roundRef(roundId).get()) as GreedyRound;
}

const mirror = async () => (await rtdb().ref(RoomPaths.greedy(ROOM)).get()).val() as GreedyMirror | null;

/** Every item gets a bet from someone, so every round has a winner among the players. */
async function betOnEveryItem(players: TestUser[], roundId: string): Promise<void> {
  await Promise.all(ITEMS.map((itemId, i) => bet(players[i % players.length] as TestUser, { roomId: ROOM, roundId, itemId, chip: 100 })));
}

/** Betting closed and the result drawn, unsettled. */
async function decide(roundId: string): Promise<GreedyRound> {
  const round = await roundOf(roundId);
  assert.equal((await advanceGreedyRound(roundId, round.bettingEndsAt)).round?.phase, "spinning");
  const spinning = await roundOf(roundId);
  assert.equal((await advanceGreedyRound(roundId, spinning.spinEndsAt)).round?.phase, "result");
  return roundOf(roundId);
}

describe("games greedy: rounds and settlement", function () {
  this.timeout(90_000);
  useCleanStack();

  it("runs betting → spinning → result → finished by server time; the revealed seed proves the committed result", async () => {
    const players = await makePlayers(ROOM, 3, 100_000);
    const started = await start(players[0] as TestUser, ROOM);
    const opened = await roundOf(started.roundId);
    assert.equal(opened.phase, "betting");
    assert.equal(opened.fairness.serverSeed, null, "the seed stays secret while betting is open");
    assert.equal((await mirror())?.commitment, opened.fairness.commitment, "the commitment is published when betting opens");
    assert.equal((await advanceGreedyRound(started.roundId, opened.bettingEndsAt - 1)).outcome, "not-due");

    await betOnEveryItem(players, started.roundId);
    await bet(players[1] as TestUser, { roomId: ROOM, roundId: started.roundId, itemId: "steak", chip: 1_000 });
    const decided = await decide(started.roundId);

    const uids = players.map((player) => player.uid);
    assert.equal(decided.fairness.clientSeed, combineClientSeeds(uids), "the client seed comes from the participants");
    assert.equal(decided.participants, 3);
    assert.equal(decided.totals?.steak, 1_100);
    const serverSeed = (await seedRef(started.roundId).get()).get("serverSeed");
    assert.equal(decided.fairness.serverSeed, serverSeed, "revealed with the result");
    assert.equal(commitmentOf(decided.fairness.serverSeed as string), opened.fairness.commitment);
    const recomputed = greedyOutcome(new OutcomeStream(serverSeed, decided.fairness.clientSeed as string, decided.fairness.nonce), decided.weights);
    assert.equal(decided.winningIndex, recomputed);
    assert.equal(decided.winningItemId, ITEMS[recomputed]);
    assert.equal((await mirror())?.winningItemId, decided.winningItemId);

    const late = await expectHttpsError(
      bet(players[0] as TestUser, { roomId: ROOM, roundId: started.roundId, itemId: "corn", chip: 100 }),
      "failed-precondition",
    );
    assert.equal(reasonOf(late), "betting-closed");

    const before = await Promise.all(players.map((player) => readBalances(userAccount(player.uid))));
    const settled = await settleGreedyRound(started.roundId);
    assert.equal(settled.status, "settled");
    const winner = decided.items[decided.winningIndex as number];
    const expected = before.map((balance, i) => {
      const onWinner = (ITEMS.indexOf(winner?.id as string) % players.length === i ? 100 : 0) + (i === 1 && winner?.id === "steak" ? 1_000 : 0);
      return balance.coins + onWinner * (winner?.multiplier ?? 0);
    });
    const after = await Promise.all(players.map((player) => readBalances(userAccount(player.uid))));
    assert.deepEqual(
      after.map((balance) => balance.coins),
      expected,
    );
    assert.equal(await escrowOfRound(started.roundId), 0, "the round's escrow entries sum to zero");
    assert.equal((await ledgerTotals()).of(SYSTEM_ACCOUNTS.house, "coins"), settled.settlement?.house);
    await assertConservation(players.map((player) => userAccount(player.uid)));
    const today = await houseDay({ day: new Date().toISOString().slice(0, 10) });
    assert.equal(today.net, settled.settlement?.house, "the house's day from the ledger");

    const finished = await advanceGreedyRound(started.roundId, decided.resultEndsAt);
    assert.equal(finished.round?.phase, "finished");
    assert.ok(finished.next, "the room is not empty: the next round opens");
    assert.equal(finished.next?.seq, 2);
    assert.equal((await gameRef(ROOM).get()).get("currentRoundId"), finished.next?.id);
    assert.equal((await mirror())?.roundId, finished.next?.id);
  });

  it("stops when nobody is in the room, and a bet starts it again", async () => {
    const [player] = await makePlayers(ROOM, 1, 10_000);
    const { roundId } = await start(player as TestUser, ROOM);
    await leaveRoom(ROOM, (player as TestUser).uid);
    const decided = await decide(roundId);
    const finished = await advanceGreedyRound(roundId, decided.resultEndsAt);
    assert.equal(finished.next, null);
    assert.equal((await gameRef(ROOM).get()).get("running"), false);
    assert.equal((await mirror())?.stopped, true);

    await enterRoom(ROOM, (player as TestUser).uid);
    const refused = await expectHttpsError(bet(player as TestUser, { roomId: ROOM, roundId, itemId: "corn", chip: 100 }), "failed-precondition");
    assert.equal(reasonOf(refused), "betting-closed");
    const currentRoundId = (refused.details as { currentRoundId: string }).currentRoundId;
    assert.notEqual(currentRoundId, roundId);
    assert.equal((await roundOf(currentRoundId)).phase, "betting");
    await bet(player as TestUser, { roomId: ROOM, roundId: currentRoundId, itemId: "corn", chip: 100 });
  });

  it("repeated and concurrent settlement pays once", async () => {
    const players = await makePlayers(ROOM, 4, 10_000);
    const { roundId } = await start(players[0] as TestUser, ROOM);
    await betOnEveryItem(players, roundId);
    await decide(roundId);

    const outcomes = await Promise.all(Array.from({ length: 6 }, () => settleGreedyRound(roundId)));
    outcomes.push(await settleGreedyRound(roundId));
    assert.equal(outcomes.filter((outcome) => outcome.status === "settled").length, 1, JSON.stringify(outcomes));
    const payouts = await ledgerTotals("game.payout");
    const round = await roundOf(roundId);
    assert.equal(payouts.count, (round.settlement?.batches ?? 0) + (round.settlement?.house ? 1 : 0));
    assert.equal(await escrowOfRound(roundId), 0);
    await assertConservation(players.map((player) => userAccount(player.uid)));
  });

  it("the sweep advances and settles rounds whose timers were lost", async () => {
    const players = await makePlayers(ROOM, 2, 10_000);
    const { roundId } = await start(players[0] as TestUser, ROOM);
    await betOnEveryItem(players, roundId);
    const late = (await roundOf(roundId)).resultEndsAt + 60_000;
    for (let sweep = 0; sweep < 3; sweep++) await sweepDueGreedyRounds(late + sweep * 60_000);
    const round = await roundOf(roundId);
    assert.equal(round.phase, "finished");
    assert.ok(round.settlement, "settled");
    assert.equal(await escrowOfRound(roundId), 0);
  });
});
