import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { adminGiftRevenueReport, myGiftAnalytics, sendGift, topGifters } from "../../src/gifts/callables.js";
import { db } from "../../src/kernel/app.js";
import { calendarPeriodAt } from "../../src/kernel/periods.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { createAgency, createProfile, grantCoins, seedCatalog } from "../support/economy-world.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser, type TestUser } from "../support/users.js";

const ROOM = { type: "room", id: "lounge" } as const;
const STREAM = { type: "stream", id: "live-1" } as const;

describe("gifts: analytics from the ledger", () => {
  useCleanStack();
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let host: TestUser;
  let soloHost: TestUser;

  beforeEach(async () => {
    [admin, alice, bob, host, soloHost] = await Promise.all([
      createTestUser({ roles: ["admin"] }),
      createTestUser(),
      createTestUser(),
      createTestUser({ roles: ["host"] }),
      createTestUser({ roles: ["host"] }),
    ]);
    await seedCatalog();
    await createAgency("stars", "agency-owner");
    await Promise.all([
      createProfile(alice.uid),
      createProfile(bob.uid),
      createProfile(host.uid, { agencyId: "stars" }),
      createProfile(soloHost.uid),
    ]);
    await Promise.all([grantCoins(alice.uid, 5000), grantCoins(bob.uid, 5000)]);
    const send = (user: TestUser, giftId: string, count: number, recipientUid: string, context: typeof ROOM | typeof STREAM) =>
      callInProcess(sendGift, { user, data: { giftId, recipientUid, count, context, requestId: randomUUID() } });
    // star = 100 coins, seasonal = 100 coins (host 50 %, agency 10 % when the host has one).
    await send(alice, "star", 3, host.uid, ROOM);
    await send(alice, "seasonal", 1, host.uid, STREAM);
    await send(bob, "star", 4, host.uid, ROOM);
    await send(alice, "star", 2, soloHost.uid, ROOM);
    await send(bob, "star", 1, alice.uid, STREAM);
  });

  const today = () => ({ period: "day" as const, key: calendarPeriodAt("day", Date.now()).key });

  /** Sums over every gift transaction in the ledger, as an auditor would compute them. */
  async function ledgerSums(): Promise<Record<string, number>> {
    const sums: Record<string, number> = { transactions: 0, totalCoins: 0, hostShare: 0, agencyShare: 0, platformShare: 0 };
    for (const doc of (await db().collection("ledger").where("type", "==", "gift").get()).docs) {
      const meta = doc.get("meta") as Record<string, number>;
      sums.transactions = (sums.transactions ?? 0) + 1;
      for (const field of ["totalCoins", "hostShare", "agencyShare", "platformShare"]) sums[field] = (sums[field] ?? 0) + (meta[field] ?? 0);
    }
    return sums;
  }

  it("personal: sent and received by gift, equal to the caller's ledger transactions", async () => {
    const mine = await callInProcess(myGiftAnalytics, { user: alice, data: today() });
    assert.deepEqual(mine.sent, {
      byGift: [
        { giftId: "star", gifts: 5, coins: 500 },
        { giftId: "seasonal", gifts: 1, coins: 100 },
      ],
      gifts: 6,
      coins: 600,
    });
    assert.deepEqual(mine.received, { byGift: [{ giftId: "star", gifts: 1, coins: 100 }], gifts: 1, coins: 100, diamonds: 50 });
    assert.equal(mine.truncated, false);

    const hosted = await callInProcess(myGiftAnalytics, { user: host, data: { period: "month" } });
    assert.equal(hosted.key, calendarPeriodAt("month", Date.now()).key);
    assert.deepEqual(hosted.received, {
      byGift: [
        { giftId: "star", gifts: 7, coins: 700 },
        { giftId: "seasonal", gifts: 1, coins: 100 },
      ],
      gifts: 8,
      coins: 800,
      diamonds: 400,
    });
    assert.deepEqual(hosted.sent, { byGift: [], gifts: 0, coins: 0 });

    // Another period holds nothing.
    const lastYear = await callInProcess(myGiftAnalytics, { user: alice, data: { period: "month", key: "2020-01" } });
    assert.deepEqual(lastYear.sent, { byGift: [], gifts: 0, coins: 0 });
  });

  it("top gifters per host and per room, ties broken by uid", async () => {
    const ofHost = await callInProcess(topGifters, { user: bob, data: { target: { type: "host", uid: host.uid }, ...today() } });
    const [first, second] = [alice.uid, bob.uid].sort();
    assert.deepEqual(ofHost.gifters, [
      { rank: 1, uid: first, coins: 400, gifts: 4 },
      { rank: 2, uid: second, coins: 400, gifts: 4 },
    ]);
    const ofRoom = await callInProcess(topGifters, { user: bob, data: { target: { type: "room", id: "lounge" }, ...today(), limit: 1 } });
    assert.deepEqual(ofRoom.gifters, [{ rank: 1, uid: alice.uid, coins: 500, gifts: 5 }]);
  });

  it("the revenue split per period equals the ledger's sums, and is the same on every run (admin only)", async () => {
    const first = await callInProcess(adminGiftRevenueReport, { user: admin, data: today() });
    const expected = await ledgerSums();
    assert.deepEqual(
      {
        transactions: first.transactions,
        totalCoins: first.totalCoins,
        hostShare: first.hostShare,
        agencyShare: first.agencyShare,
        platformShare: first.platformShare,
      },
      expected,
    );
    // 11 gifts of 100 coins; 7 + 1 to the agency's host.
    assert.deepEqual(expected, { transactions: 5, totalCoins: 1100, hostShare: 550, agencyShare: 80, platformShare: 470 });
    assert.equal(first.hostShare + first.agencyShare + first.platformShare, first.totalCoins);
    assert.deepEqual(await callInProcess(adminGiftRevenueReport, { user: admin, data: today() }), first);
    await expectHttpsError(callInProcess(adminGiftRevenueReport, { user: alice, data: today() }), "permission-denied");
  });

  it("refuses malformed periods and targets with invalid-argument", async () => {
    for (const data of [
      { period: "year" },
      { period: "month", key: "2026-13" },
      { period: "week", key: "2025-W53" },
      { period: "day", key: "2026-12-05", extra: 1 },
      null,
    ]) {
      await expectHttpsError(callInProcess(myGiftAnalytics, { user: alice, data }), "invalid-argument");
    }
    await expectHttpsError(
      callInProcess(topGifters, { user: alice, data: { target: { type: "agency", id: "stars" }, period: "day" } }),
      "invalid-argument",
    );
    await expectHttpsError(
      callInProcess(topGifters, { user: alice, data: { target: { type: "room", id: "lounge" }, period: "day", limit: 101 } }),
      "invalid-argument",
    );
  });
});
