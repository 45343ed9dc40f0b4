import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  getGreedyHouseDay,
  getGreedyOdds,
  listGreedyRounds,
  listMyGreedyBets,
  placeGreedyBet,
  startGreedy,
} from "../../../src/games/greedy/callables.js";
import { EXPOSURE_SHARDS } from "../../../src/games/greedy/config.js";
import { roundRef } from "../../../src/games/greedy/store.js";
import { getGameLimits, selfExcludeFromGames } from "../../../src/games/limits/limits.js";
import { db, rtdb } from "../../../src/kernel/app.js";
import { RoomPaths } from "../../../src/venues/paths.js";
import { userAccount } from "../../../src/wallet/accounts.js";
import { postLedgerTransaction, readBalances } from "../../../src/wallet/ledger.js";
import { callInProcess, expectHttpsError } from "../../support/callables.js";
import { reasonOf } from "../../support/rooms-world.js";
import { useCleanStack } from "../../support/stack.js";
import { createTestUser, type TestUser } from "../../support/users.js";
import { bet, ledgerTotals, makePlayer, makePlayers, setGreedyConfig, start } from "./support.js";

describe("games greedy: bets", function () {
  this.timeout(60_000);
  useCleanStack();

  const ROOM = "room-greedy";
  const callerOf = (user: TestUser) => ({ uid: user.uid, roles: [], claims: {} });

  it("a bet moves the chip from the player to the game escrow once, records the stake and the live total", async () => {
    const player = await makePlayer(ROOM, 5_000);
    const { roundId } = await start(player, ROOM);
    const requestId = randomUUID();
    const placed = await bet(player, { roomId: ROOM, roundId, itemId: "steak", chip: 100, requestId });
    const again = await bet(player, { roomId: ROOM, roundId, itemId: "steak", chip: 100, requestId });
    assert.equal(again.transactionId, placed.transactionId, "the replay returns the first bet");
    assert.deepEqual(placed.myStakes, { total: 100, byItem: { steak: 100 } });

    assert.equal((await readBalances(userAccount(player.uid))).coins, 4_900, "charged once");
    const bets = await ledgerTotals("game.bet");
    assert.equal(bets.count, 1);
    assert.equal(bets.of("system:game-escrow", "coins"), 100);
    const stake = (await roundRef(roundId).collection("greedyStakes").doc(player.uid).get()).data();
    assert.equal(stake?.total, 100);
    assert.equal((await rtdb().ref(RoomPaths.greedyTotal(ROOM, "steak")).get()).val(), 100);
    assert.equal((await roundRef(roundId).get()).get("totals"), null, "the round document is not written per bet");
  });

  it("a request id is the player's per game: another game's stake under the same key does not block the bet", async () => {
    const player = await makePlayer(ROOM, 5_000);
    const { roundId } = await start(player, ROOM);
    const requestId = `teenpatti:${randomUUID()}`;
    // A Teen Patti stake as that game keys it (its own requestId "teenpatti:"-prefixed by the game).
    await postLedgerTransaction({ type: "game.bet", owner: player.uid, key: requestId, payload: { tableId: "t1" } }, async () => ({
      entries: [
        { account: userAccount(player.uid), currency: "coins", amount: -10 },
        { account: "system:game-escrow", currency: "coins", amount: 10 },
      ],
      result: null,
    }));
    const placed = await bet(player, { roomId: ROOM, roundId, itemId: "corn", chip: 100, requestId });
    assert.equal(placed.myStakes.total, 100);
    assert.equal((await readBalances(userAccount(player.uid))).coins, 4_890);
  });

  it("a bet after the betting window closed by server time is refused with betting-closed, and nothing moves", async () => {
    const player = await makePlayer(ROOM, 5_000);
    const { roundId } = await start(player, ROOM);
    await roundRef(roundId).update({ bettingEndsAt: Date.now() - 1 });
    const error = await expectHttpsError(bet(player, { roomId: ROOM, roundId, itemId: "corn", chip: 100 }), "failed-precondition");
    assert.equal(reasonOf(error), "betting-closed");
    assert.equal((await ledgerTotals("game.bet")).count, 0);
    assert.equal((await readBalances(userAccount(player.uid))).coins, 5_000);
  });

  it("refuses players outside the room, chips off the table, unknown items and stakes over the per-round limit", async () => {
    await setGreedyConfig({ maxStakePerUser: 10_000 });
    const player = await makePlayer(ROOM, 50_000);
    const outsider = await makePlayer("another-room", 50_000);
    const { roundId } = await start(player, ROOM);

    assert.equal(
      reasonOf(await expectHttpsError(bet(outsider, { roomId: ROOM, roundId, itemId: "corn", chip: 100 }), "failed-precondition")),
      "not-in-room",
    );
    assert.equal(
      reasonOf(await expectHttpsError(bet(player, { roomId: ROOM, roundId, itemId: "corn", chip: 50 }), "invalid-argument")),
      "invalid-chip",
    );
    assert.equal(
      reasonOf(await expectHttpsError(bet(player, { roomId: ROOM, roundId, itemId: "caviar", chip: 100 }), "invalid-argument")),
      "unknown-item",
    );
    await bet(player, { roomId: ROOM, roundId, itemId: "corn", chip: 10_000 });
    const over = await expectHttpsError(bet(player, { roomId: ROOM, roundId, itemId: "fish", chip: 10 }), "failed-precondition");
    assert.equal(reasonOf(over), "user-round-limit");
    assert.equal((await ledgerTotals("game.bet")).count, 1);
  });

  it("refuses a bet the player's responsible limits do not allow (self-exclusion), and counts allowed stakes as today's loss", async () => {
    const [player, excluded] = await makePlayers(ROOM, 2, 5_000);
    const { roundId } = await start(player as TestUser, ROOM);
    await bet(player as TestUser, { roomId: ROOM, roundId, itemId: "corn", chip: 100 });
    assert.equal((await getGameLimits(callerOf(player as TestUser))).netLossToday, 100);
    await selfExcludeFromGames(callerOf(excluded as TestUser), { days: 1 });
    const refused = await expectHttpsError(bet(excluded as TestUser, { roomId: ROOM, roundId, itemId: "corn", chip: 100 }), "failed-precondition");
    assert.equal(reasonOf(refused), "self-excluded");
    assert.equal((await readBalances(userAccount((excluded as TestUser).uid))).coins, 5_000);
  });

  it("refuses a bet that would push an item's worst-case payout over the exposure cap, never over-reserving", async () => {
    // The smallest cap config allows with chips of 10 and 100: each shard holds exactly one 100 bet on ×45.
    const cap = EXPOSURE_SHARDS * 100 * 45;
    await setGreedyConfig({ chips: [10, 100], exposureCapPerItem: cap });
    const [player, other] = await makePlayers(ROOM, 2, 20_000);
    const { roundId } = await start(player as TestUser, ROOM);
    for (let n = 0; n < EXPOSURE_SHARDS; n++) await bet(player as TestUser, { roomId: ROOM, roundId, itemId: "steak", chip: 100 });

    const refused = await expectHttpsError(bet(other as TestUser, { roomId: ROOM, roundId, itemId: "steak", chip: 10 }), "failed-precondition");
    assert.equal(reasonOf(refused), "exposure-cap");
    await bet(other as TestUser, { roomId: ROOM, roundId, itemId: "corn", chip: 100 });

    const shards = await roundRef(roundId).collection("greedyExposure").where("itemId", "==", "steak").get();
    const reserved = shards.docs.reduce((sum, doc) => sum + (doc.get("reserved") as number), 0);
    assert.equal(reserved, cap, "the cap is reached exactly and not exceeded");
    assert.equal((await readBalances(userAccount((other as TestUser).uid))).coins, 19_900, "the refused bet took nothing");
  });

  it("30 players betting at once are each recorded once, with the right totals", async () => {
    await setGreedyConfig({ bettingSeconds: 60 });
    const players = await makePlayers(ROOM, 30, 10_000);
    const { roundId } = await start(players[0] as TestUser, ROOM);
    const items = ["carrot", "corn", "fish", "steak"];
    const started = Date.now();
    await Promise.all(
      players.flatMap((player, i) => [
        bet(player, { roomId: ROOM, roundId, itemId: items[i % items.length] as string, chip: 100 }),
        bet(player, { roomId: ROOM, roundId, itemId: "shrimp", chip: 10 }),
      ]),
    );
    console.log(`      60 concurrent bets in ${Date.now() - started} ms`);
    const bets = await ledgerTotals("game.bet");
    assert.equal(bets.count, 60);
    assert.equal(bets.of("system:game-escrow", "coins"), 30 * 110);
    const stakes = await roundRef(roundId).collection("greedyStakes").get();
    assert.equal(stakes.size, 30);
    for (const doc of stakes.docs) assert.equal(doc.get("total"), 110);
    const exposure = await roundRef(roundId).collection("greedyExposure").get();
    const byItem: Record<string, number> = {};
    for (const doc of exposure.docs) byItem[doc.get("itemId")] = (byItem[doc.get("itemId")] ?? 0) + (doc.get("stakes") as number);
    assert.deepEqual(byItem, { carrot: 800, corn: 800, fish: 700, steak: 700, shrimp: 300 });
    const live = (await rtdb().ref(RoomPaths.greedy(ROOM)).child("totals").get()).val();
    assert.deepEqual(live, byItem);
  });

  it("malformed input to every callable is invalid-argument and writes nothing", async () => {
    const player = await makePlayer(ROOM, 1_000);
    const staff = await createTestUser({ roles: ["admin"] });
    const ledgerBefore = (await db().collection("ledger").get()).size;
    const good = { roomId: ROOM, roundId: "gr_x", itemId: "corn", chip: 100, requestId: randomUUID() };
    const cases: [string, Parameters<typeof callInProcess>[0], unknown, typeof player][] = [
      ["bet: no payload", placeGreedyBet, null, player],
      ["bet: chip as text", placeGreedyBet, { ...good, chip: "100" }, player],
      ["bet: negative chip", placeGreedyBet, { ...good, chip: -100 }, player],
      ["bet: fractional chip", placeGreedyBet, { ...good, chip: 10.5 }, player],
      ["bet: room id with a slash", placeGreedyBet, { ...good, roomId: "a/b" }, player],
      ["bet: no request id", placeGreedyBet, { ...good, requestId: undefined }, player],
      ["bet: extra field", placeGreedyBet, { ...good, multiplier: 100 }, player],
      ["start: no room", startGreedy, {}, player],
      ["start: room id as number", startGreedy, { roomId: 7 }, player],
      ["odds: a field", getGreedyOdds, { rig: true }, player],
      ["rounds: limit 0", listGreedyRounds, { roomId: ROOM, limit: 0 }, player],
      ["rounds: forged cursor", listGreedyRounds, { roomId: ROOM, cursor: "not-a-cursor" }, player],
      ["my bets: limit as text", listMyGreedyBets, { limit: "5" }, player],
      ["my bets: forged cursor", listMyGreedyBets, { cursor: Buffer.from('{"v":1}').toString("base64url") }, player],
      ["house day: not a date", getGreedyHouseDay, { day: "yesterday" }, staff],
      ["house day: impossible date", getGreedyHouseDay, { day: "2026-13-45" }, staff],
    ];
    for (const [name, fn, data, user] of cases) {
      await expectHttpsError(callInProcess(fn, { user, data }), "invalid-argument").catch((err: Error) => assert.fail(`${name}: ${err.message}`));
    }
    assert.equal((await db().collection("ledger").get()).size, ledgerBefore, "no ledger transaction");
    assert.equal((await db().collection("gameRounds").get()).size, 0, "no round");
    assert.equal((await db().collection("greedyGames").get()).size, 0, "no game");
  });
});
