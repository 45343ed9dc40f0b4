import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { db, rtdb } from "../../src/kernel/app.js";
import { redis } from "../../src/kernel/redis.js";
import { getLeaderboard, getLeaderboardSnapshot, getMyRank, rebuildLeaderboards } from "../../src/rankings/callables.js";
import { closeDuePeriods } from "../../src/rankings/close.js";
import { periodAt, previousPeriod } from "../../src/rankings/periods.js";
import type { LeaderboardResponse, MyRankResponse } from "../../src/rankings/schema.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../../src/wallet/accounts.js";
import { type EntryInput, postLedgerTransaction, readBalances } from "../../src/wallet/ledger.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { createAgency, createProfile, grantCoins, seedCatalog } from "../support/economy-world.js";
import { queuedFor } from "../support/notifications.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser, type TestUser } from "../support/users.js";
import { boardsPicture, committedAt, deliverRanked, follows, gift, type LedgerDoc, setRankingsConfig } from "./support.js";

const STREAM = { type: "stream", id: "s1" } as const;
const ROOM = { type: "room", id: "r1" } as const;

/** An Auth account with a profile (country, agency) and coins to give. */
async function person(uid: string, fields: Record<string, unknown> = {}, coins = 10_000): Promise<TestUser> {
  const user = await createTestUser({ uid, displayName: uid });
  await createProfile(uid, fields);
  if (coins) await grantCoins(uid, coins);
  return user;
}

function board(user: TestUser, data: Record<string, unknown>): Promise<LeaderboardResponse> {
  return callInProcess<LeaderboardResponse>(getLeaderboard, { user, data: { period: "daily", ...data } });
}

function myRank(user: TestUser, data: Record<string, unknown>): Promise<MyRankResponse> {
  return callInProcess<MyRankResponse>(getMyRank, { user, data: { period: "daily", ...data } });
}

const pairs = (response: LeaderboardResponse) => response.entries.map((e) => [e.member, e.score]);

/** A game round as the games post it: the stake to escrow, then the payout from it. */
async function gameRound(uid: string, stake: number, payout: number): Promise<LedgerDoc[]> {
  const bet = await postLedgerTransaction({ type: "game.bet", owner: uid, key: randomUUID() }, async () => ({
    entries: [
      { account: userAccount(uid), currency: "coins", amount: -stake },
      { account: SYSTEM_ACCOUNTS.gameEscrow, currency: "coins", amount: stake },
    ],
    result: null,
  }));
  const entries: EntryInput[] = [{ account: SYSTEM_ACCOUNTS.gameEscrow, currency: "coins", amount: -stake }];
  if (payout) entries.push({ account: userAccount(uid), currency: "coins", amount: payout });
  if (stake - payout) entries.push({ account: SYSTEM_ACCOUNTS.house, currency: "coins", amount: stake - payout });
  const paid = await postLedgerTransaction({ type: "game.payout", owner: "system:test-game", key: randomUUID() }, async () => ({
    entries,
    result: null,
  }));
  return Promise.all(
    [bet.transactionId, paid.transactionId].map(async (id) => ({
      id,
      data: (await db().doc(`ledger/${id}`).get()).data() as Record<string, unknown>,
    })),
  );
}

describe("rankings: leaderboards from the ledger", () => {
  useCleanStack();
  let mia: TestUser;

  beforeEach(async () => {
    await seedCatalog();
    await setRankingsConfig({});
    await createAgency("ag1", "owner");
    [mia] = await Promise.all([person("mia", { country: "BR" }), person("luna", { country: "IN", agencyId: "ag1" }, 0)]);
  });

  it("counts a transaction once however often, and however concurrently, its event is delivered", async () => {
    const sent = await gift("mia", "luna", 2, STREAM);
    await Promise.all([deliverRanked(sent), deliverRanked(sent), deliverRanked(sent), deliverRanked(sent, "another-event-id")]);
    await deliverRanked(sent);

    assert.deepEqual(pairs(await board(mia, { board: "wealth" })), [["mia", 200]]);
    assert.deepEqual(pairs(await board(mia, { board: "charm" })), [["luna", 100]], "the host's half of 200 coins");
    assert.deepEqual(pairs(await board(mia, { board: "hosts", period: "alltime" })), [["luna", 100]]);
    assert.deepEqual(pairs(await board(mia, { board: "agencies", period: "monthly" })), [["ag1", 100]]);
    assert.deepEqual(pairs(await board(mia, { board: "wealth", period: "weekly", scope: "country" })), [["mia", 200]], "mia's own country: BR");
    assert.deepEqual(pairs(await board(mia, { board: "charm", scope: "agency", scopeId: "ag1" })), [["luna", 100]]);
    assert.deepEqual(pairs(await board(mia, { board: "charm", scope: "country", scopeId: "BR" })), []);

    const second = await gift("mia", "luna", 1, ROOM);
    await deliverRanked(second);
    assert.deepEqual(pairs(await board(mia, { board: "wealth" })), [["mia", 300]]);
    assert.deepEqual(pairs(await board(mia, { board: "rooms" })), [["r1", 100]]);
    assert.deepEqual(pairs(await board(mia, { board: "hosts" })), [["luna", 100]], "a room gift is not a live host's");
    const entry = (await board(mia, { board: "charm" })).entries[0];
    assert.equal(entry?.name, "luna");
    assert.equal(entry?.rank, 1);
  });

  it("orders equal scores by member id, in pages and in the caller's own rank", async () => {
    const givers = await Promise.all(["t-c", "t-a", "t-b", "t-d"].map((uid) => person(uid)));
    for (const uid of ["t-c", "t-a", "t-b"]) await deliverRanked(await gift(uid, "luna", 1, STREAM));
    await deliverRanked(await gift("t-d", "luna", 2, STREAM));

    assert.deepEqual(pairs(await board(mia, { board: "wealth" })), [
      ["t-d", 200],
      ["t-a", 100],
      ["t-b", 100],
      ["t-c", 100],
    ]);
    const first = await board(mia, { board: "wealth", limit: 2 });
    assert.deepEqual(
      first.entries.map((e) => [e.rank, e.member]),
      [
        [1, "t-d"],
        [2, "t-a"],
      ],
    );
    assert.ok(first.nextCursor);
    const second = await board(mia, { board: "wealth", limit: 2, cursor: first.nextCursor });
    assert.deepEqual(
      second.entries.map((e) => [e.rank, e.member]),
      [
        [3, "t-b"],
        [4, "t-c"],
      ],
    );
    assert.equal(second.nextCursor, null);
    const tc = givers[0] as TestUser;
    assert.deepEqual(await myRank(tc, { board: "wealth" }).then((r) => [r.rank, r.score]), [4, 100]);
    assert.deepEqual(await myRank(mia, { board: "wealth" }).then((r) => [r.rank, r.score]), [null, null], "no score: no rank");
  });

  it("the friends scope ranks the caller and their mutual follows only, from the global board", async () => {
    const [x, y, z] = await Promise.all(["f-x", "f-y", "f-z"].map((uid) => person(uid)));
    await Promise.all([follows("mia", "f-x"), follows("f-x", "mia"), follows("mia", "f-y"), follows("f-z", "mia")]);
    for (const [uid, stars] of [
      ["mia", 1],
      ["f-x", 3],
      ["f-y", 5],
      ["f-z", 7],
    ] as const) {
      await deliverRanked(await gift(uid, "luna", stars, STREAM));
    }

    assert.deepEqual(pairs(await board(mia, { board: "wealth", scope: "friends" })), [
      ["f-x", 300],
      ["mia", 100],
    ]);
    assert.deepEqual(await myRank(mia, { board: "wealth", scope: "friends" }).then((r) => [r.rank, r.score]), [2, 100]);
    assert.deepEqual(pairs(await board(x as TestUser, { board: "wealth", scope: "friends" })), [
      ["f-x", 300],
      ["mia", 100],
    ]);
    assert.deepEqual(pairs(await board(y as TestUser, { board: "wealth", scope: "friends" })), [["f-y", 500]], "a follow not returned is no friend");
    assert.deepEqual(await myRank(z as TestUser, { board: "charm", scope: "friends" }).then((r) => r.rank), null);
  });

  it("refuses malformed requests with invalid-argument, and non-admins the rebuild, writing nothing", async () => {
    await deliverRanked(await gift("mia", "luna", 1, STREAM));
    const before = await boardsPicture();
    const admin = await createTestUser({ roles: ["admin"] });
    for (const data of [
      { board: "wealth", period: "daily", limit: 101 },
      { board: "nope", period: "daily" },
      { board: "wealth", period: "hourly" },
      { board: "wealth", period: "daily", cursor: "garbage" },
      { board: "wealth", period: "daily", periodKey: "2026-W49" },
      { board: "wealth", period: "daily", scope: "global", scopeId: "BR" },
      { board: "wealth", period: "daily", scope: "country", scopeId: "Brazil" },
      { board: "wealth", period: "daily", extra: true },
    ]) {
      await expectHttpsError(callInProcess(getLeaderboard, { user: mia, data }), "invalid-argument");
    }
    const refusal = await expectHttpsError(
      callInProcess(getLeaderboard, { user: mia, data: { board: "rooms", period: "daily", scope: "friends" } }),
      "invalid-argument",
    );
    assert.equal((refusal.details as { reason?: string }).reason, "scope-not-supported");
    await expectHttpsError(callInProcess(getMyRank, { user: mia, data: { board: "rooms", period: "daily" } }), "invalid-argument");
    await expectHttpsError(
      callInProcess(getLeaderboardSnapshot, { user: mia, data: { board: "wealth", period: "weekly", periodKey: "2026-12-05" } }),
      "invalid-argument",
    );
    await expectHttpsError(callInProcess(rebuildLeaderboards, { user: admin, data: { includeAllTime: "yes" } }), "invalid-argument");
    await expectHttpsError(callInProcess(rebuildLeaderboards, { user: mia, data: {} }), "permission-denied");
    const noAgency = await expectHttpsError(
      callInProcess(getLeaderboard, { user: mia, data: { board: "wealth", period: "daily", scope: "agency" } }),
      "failed-precondition",
    );
    assert.equal((noAgency.details as { reason?: string }).reason, "no-scope");
    assert.deepEqual(await boardsPicture(), before);
  });

  it("a rebuild after Redis was flushed restores the same boards the trigger built", async function () {
    // Dozens of ledger transactions and snapshot commits: slow on a loaded machine.
    this.timeout(60_000);
    const [host2] = await Promise.all([person("host2", { country: "BR", agencyId: "ag1" }, 0), person("kai", { country: "IN" })]);
    const docs: LedgerDoc[] = [
      await gift("mia", "luna", 2, STREAM),
      await gift("kai", "luna", 1, ROOM),
      await gift("kai", "host2", 3, STREAM),
      await gift("mia", "host2", 1, { type: "room", id: "r2" }),
      ...(await gameRound("mia", 50, 120)),
      ...(await gameRound("kai", 80, 0)),
    ];
    for (const doc of docs) await deliverRanked(doc);
    const live = await boardsPicture();
    const liveBoard = await board(mia, { board: "charm", period: "alltime" });
    assert.ok(Object.keys(live).length > 20, "boards of every period, scope and board were written");
    assert.deepEqual(pairs(await board(mia, { board: "games" })), [
      ["mia", 70],
      ["kai", -80],
    ]);

    await redis()?.flushall();
    assert.deepEqual(await boardsPicture(), {});
    const admin = await createTestUser({ roles: ["admin"] });
    const rebuilt = await callInProcess<{ transactionsCounted: number; periodKeys: string[] }>(rebuildLeaderboards, { user: admin, data: {} });
    assert.equal(rebuilt.transactionsCounted, docs.length - 1, "kai's lost round pays no player: it counts nowhere");
    assert.deepEqual(
      rebuilt.periodKeys,
      ["daily", "weekly", "monthly", "alltime"].map((p) => periodAt(p as "daily", Date.now()).key),
    );
    assert.deepEqual(await boardsPicture(), live);
    assert.deepEqual(await board(mia, { board: "charm", period: "alltime" }), liveBoard);

    // The trigger delivering a transaction the rebuild counted changes nothing.
    await deliverRanked(docs[0] as LedgerDoc, "late-redelivery");
    assert.deepEqual(await boardsPicture(), live);
    assert.ok(host2);
  });

  it("a period Redis lost before its close is rebuilt from the ledger, then closed", async () => {
    await setRankingsConfig({ closeDelayMinutes: 0 });
    const yesterday = previousPeriod("daily", Date.now());
    // Ledger documents committed yesterday that no trigger counted (as after a flush).
    for (const [uid, stars] of [
      ["mia", 2],
      ["kai", 3],
    ] as const) {
      if (uid === "kai") await person("kai");
      const sent = committedAt(await gift(uid, "luna", stars, ROOM), yesterday.startMs + 3_600_000, `past-${uid}`);
      await db().doc(`ledger/${sent.id}`).set(sent.data);
    }
    assert.deepEqual(await boardsPicture(), {});

    await closeDuePeriods();

    const entries = await db().collection(`leaderboardSnapshots/wealth_${yesterday.key}_global/entries`).orderBy("rank").get();
    assert.deepEqual(
      entries.docs.map((d) => [d.get("member"), d.get("score")]),
      [
        ["kai", 300],
        ["mia", 200],
      ],
    );
    const rooms = await db().doc(`leaderboardSnapshots/rooms_${yesterday.key}_global/entries/001`).get();
    assert.deepEqual([rooms.get("member"), rooms.get("score")], ["r1", 500]);
    // The room that closed first is told so in its own feed, once however often the period is closed.
    await closeDuePeriods();
    const feed = (await rtdb().ref("recognitions/room_r1").get()).val() as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(feed), [`rank_rooms_${yesterday.key}_global`]);
    assert.deepEqual(
      Object.values(feed).map(({ k, b, r, p, pk }) => ({ k, b, r, p, pk })),
      [{ k: "rank", b: "rooms", r: 1, p: "daily", pk: yesterday.key }],
    );
  });

  it("closing a period snapshots it and pays each winner once, under two concurrent closes and a later one", async function () {
    // Dozens of ledger transactions and snapshot commits: slow on a loaded machine.
    this.timeout(60_000);
    await setRankingsConfig({
      closeDelayMinutes: 0,
      rewards: [
        {
          board: "wealth",
          period: "daily",
          fromRank: 1,
          toRank: 1,
          coins: 1000,
          badges: ["daily-wealth-1"],
          frames: [{ frameId: "gold", days: 7 }],
          vip: { tier: 1, days: 3 },
        },
        { board: "wealth", period: "daily", fromRank: 1, toRank: 3, coins: 100 },
        { board: "charm", period: "daily", fromRank: 1, toRank: 1, badges: ["daily-charm-1"] },
      ],
    });
    const [a, b, c] = await Promise.all(["w-a", "w-b", "w-c"].map((uid) => person(uid, {}, 1_000)));
    const yesterday = previousPeriod("daily", Date.now());
    const noon = yesterday.startMs + 12 * 3_600_000;
    for (const [uid, stars] of [
      ["w-a", 3],
      ["w-b", 2],
      ["w-c", 1],
      ["mia", 1],
    ] as const) {
      // Committed yesterday: only yesterday's (and this week's, month's, all-time) boards see them.
      await deliverRanked(committedAt(await gift(uid, "luna", stars, STREAM), noon));
    }
    const coinsBefore = await Promise.all(["w-a", "w-b", "w-c", "mia"].map(async (uid) => (await readBalances(userAccount(uid))).coins));

    await Promise.all([closeDuePeriods(), closeDuePeriods()]);
    await closeDuePeriods();

    const coinsAfter = await Promise.all(["w-a", "w-b", "w-c", "mia"].map(async (uid) => (await readBalances(userAccount(uid))).coins));
    assert.deepEqual(
      coinsAfter.map((coins, i) => coins - (coinsBefore[i] as number)),
      [1100, 100, 0, 100],
      "w-c and mia tie at 100: mia's smaller id takes rank 3",
    );
    const rewards = await db().collection("ledger").where("type", "==", "reward").where("owner", "==", "rankings").get();
    assert.equal(rewards.size, 3);

    const id = `wealth_${yesterday.key}_global`;
    const header = await db().doc(`leaderboardSnapshots/${id}`).get();
    assert.equal(header.get("status"), "paid");
    assert.equal(header.get("entries"), 4);
    assert.equal((await db().collection(`leaderboardSnapshots/${id}/rewards`).get()).size, 3);
    assert.ok((await db().doc("users/w-a/badges/daily-wealth-1").get()).exists);
    assert.ok((await db().doc("users/luna/badges/daily-charm-1").get()).exists, "a reward without coins is paid too");
    const frame = await db().doc("users/w-a/frames/gold").get();
    assert.ok(frame.get("expiresAt").toMillis() > Date.now() + 6 * 86_400_000);
    assert.equal((await db().doc("users/w-a").get()).get("vip.tier"), 1);
    assert.equal((await queuedFor("w-a", "ranking-reward")).length, 1);
    assert.deepEqual((await queuedFor("w-b", "ranking-reward"))[0]?.data, {
      board: "wealth",
      period: "daily",
      periodKey: yesterday.key,
      scope: "global",
      rank: 2,
      coins: 100,
      snapshotId: id,
    });
    assert.equal((await queuedFor("w-c", "ranking-reward")).length, 0, "rank 4 wins nothing");

    const history = await callInProcess<{ entries: { rank: number; member: string; score: number }[]; closed: boolean }>(getLeaderboardSnapshot, {
      user: a,
      data: { board: "wealth", period: "daily", periodKey: yesterday.key },
    });
    assert.equal(history.closed, true);
    assert.deepEqual(
      history.entries.map((e) => [e.rank, e.member, e.score]),
      [
        [1, "w-a", 300],
        [2, "w-b", 200],
        [3, "mia", 100],
        [4, "w-c", 100],
      ],
    );
    assert.ok(b && c);
  });
});
