import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import { sendGift } from "../../src/gifts/callables.js";
import type { SendGiftResponse } from "../../src/gifts/schema.js";
import { db, rtdb } from "../../src/kernel/app.js";
import { agencyAccount, SYSTEM_ACCOUNTS, userAccount } from "../../src/wallet/accounts.js";
import { ledgerTransactionId, readBalances } from "../../src/wallet/ledger.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { assertConservation, createAgency, createProfile, grantCoins, ledgerTotals, seedCatalog } from "../support/economy-world.js";
import { allPaths, docData, waitUntil } from "../support/firestore.js";
import { queuedFor } from "../support/notifications.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser, type TestUser } from "../support/users.js";

const STREAM = { type: "stream", id: "live-42" } as const;

async function feedEvents(path = "giftEvents/stream_live-42"): Promise<Record<string, Record<string, unknown>>> {
  return ((await rtdb().ref(path).get()).val() ?? {}) as Record<string, Record<string, unknown>>;
}

describe("gifts: sendGift", () => {
  useCleanStack();
  let sender: TestUser;
  let host: TestUser;

  beforeEach(async () => {
    [sender, host] = await Promise.all([createTestUser(), createTestUser({ roles: ["host"] })]);
    await seedCatalog();
    await createAgency("stars", "agency-owner");
    await Promise.all([createProfile(sender.uid), createProfile(host.uid, { agencyId: "stars" })]);
    await grantCoins(sender.uid, 1000);
  });

  const request = (overrides: Record<string, unknown> = {}) => ({
    giftId: "star",
    recipientUid: host.uid,
    count: 3,
    context: STREAM,
    requestId: randomUUID(),
    ...overrides,
  });

  it("moves coins to burn and diamonds to host, agency and platform in one balanced ledger transaction", async () => {
    const data = request();
    const result = await callInProcess(sendGift, { user: sender, data });
    const transactionId = ledgerTransactionId("gift", sender.uid, data.requestId);
    assert.deepEqual(result, {
      coins: 700,
      transactionId,
      gift: { id: "star", name: "Star", priceCoins: 100, count: 3, totalCoins: 300, animationAssetId: "anim/star.json", streak: 1 },
    });

    const ledger = await docData(`ledger/${transactionId}`);
    assert.equal(ledger?.type, "gift");
    assert.equal(ledger?.owner, sender.uid);
    assert.deepEqual(ledger?.entries, [
      { account: userAccount(sender.uid), currency: "coins", amount: -300 },
      { account: SYSTEM_ACCOUNTS.burn, currency: "coins", amount: 300 },
      { account: SYSTEM_ACCOUNTS.mint, currency: "diamonds", amount: -300 },
      { account: userAccount(host.uid), currency: "diamonds", amount: 150 },
      { account: agencyAccount("stars"), currency: "diamonds", amount: 30 },
      { account: SYSTEM_ACCOUNTS.platform, currency: "diamonds", amount: 120 },
    ]);
    assert.deepEqual(ledger?.meta, {
      giftId: "star",
      count: 3,
      recipientUid: host.uid,
      agencyId: "stars",
      context: STREAM,
      totalCoins: 300,
      hostShare: 150,
      agencyShare: 30,
      platformShare: 120,
      streak: 1,
    });

    assert.equal((await docData(`wallets/${sender.uid}`))?.coins, 700);
    // Hot credits land on shards, not on the wallet documents; shown balances include them.
    assert.equal((await docData(`wallets/${host.uid}`))?.diamonds ?? 0, 0);
    assert.equal((await readBalances(userAccount(host.uid))).diamonds, 150);
    assert.equal((await readBalances(agencyAccount("stars"))).diamonds, 30);
    await assertConservation([userAccount(sender.uid), userAccount(host.uid), agencyAccount("stars")]);
  });

  it("gives the agency share to the platform when the host has no agency", async () => {
    const soloHost = await createTestUser();
    await createProfile(soloHost.uid);
    const data = request({ recipientUid: soloHost.uid, count: 1 });
    const result = await callInProcess(sendGift, { user: sender, data });
    const ledger = await docData(`ledger/${result.transactionId}`);
    assert.deepEqual(ledger?.entries, [
      { account: userAccount(sender.uid), currency: "coins", amount: -100 },
      { account: SYSTEM_ACCOUNTS.burn, currency: "coins", amount: 100 },
      { account: SYSTEM_ACCOUNTS.mint, currency: "diamonds", amount: -100 },
      { account: userAccount(soloHost.uid), currency: "diamonds", amount: 50 },
      { account: SYSTEM_ACCOUNTS.platform, currency: "diamonds", amount: 50 },
    ]);
    assert.equal((await readBalances(userAccount(soloHost.uid))).diamonds, 50);
  });

  it("publishes one compact event to the stream's RTDB feed, and none on a replay", async () => {
    const data = request({ count: 2 });
    const first = await callInProcess(sendGift, { user: sender, data });
    const events = Object.values(await feedEvents());
    assert.equal(events.length, 1);
    const event = events[0] as Record<string, unknown>;
    assert.deepEqual({ ...event, t: undefined }, { g: "star", n: 2, f: sender.uid, r: host.uid, v: 200, k: 1, t: undefined });
    assert.equal(typeof event.t, "number");
    assert.ok(Math.abs((event.t as number) - Date.now()) < 60_000, "t is the server time");

    const replay = await callInProcess(sendGift, { user: sender, data });
    assert.deepEqual(replay, first);
    assert.equal(Object.keys(await feedEvents()).length, 1);

    // A room's feed is separate.
    await callInProcess(sendGift, { user: sender, data: request({ count: 1, context: { type: "room", id: "lounge" } }) });
    assert.equal(Object.keys(await feedEvents("giftEvents/room_lounge")).length, 1);
    assert.equal(Object.keys(await feedEvents()).length, 1);
  });

  it("notifies the receiver of each gift once (replays and concurrent copies queue nothing more), never the sender", async () => {
    const data = request({ count: 2 });
    const results = await Promise.all(Array.from({ length: 3 }, () => callInProcess(sendGift, { user: sender, data })));
    await callInProcess(sendGift, { user: sender, data });
    const notes = await queuedFor(host.uid, "gift-received");
    assert.equal(notes.length, 1);
    assert.equal(notes[0]?.actorUid, sender.uid);
    assert.equal(notes[0]?.dedupeKey, results[0]?.transactionId);
    assert.deepEqual(notes[0]?.data, {
      senderUid: sender.uid,
      senderName: sender.uid,
      giftId: "star",
      giftName: "Star",
      count: 2,
      diamonds: 100,
      venueType: "stream",
      venueId: "live-42",
      transactionId: results[0]?.transactionId,
    });
    await callInProcess(sendGift, { user: sender, data: request({ count: 1 }) });
    assert.equal((await queuedFor(host.uid, "gift-received")).length, 2, "another gift is another notice");
    assert.deepEqual(await queuedFor(sender.uid, "gift-received"), []);
  });

  it("a notice that cannot be queued does not fail the gift", async () => {
    // A name no notice accepts (stored data is not validated by the outbox's writer): notify() throws.
    await createProfile(sender.uid, { displayName: "x".repeat(600) });
    const result = await callInProcess(sendGift, { user: sender, data: request() });
    assert.equal(result.coins, 700);
    assert.equal((await readBalances(userAccount(host.uid))).diamonds, 150);
    assert.deepEqual(await queuedFor(host.uid, "gift-received"), []);
  });

  it("moves value once for 5 concurrent copies of one request, and returns the same result to all", async () => {
    const data = request({ count: 4 });
    const results = await Promise.all(Array.from({ length: 5 }, () => callInProcess(sendGift, { user: sender, data })));
    for (const result of results) assert.deepEqual(result, results[0]);
    assert.equal((results[0] as SendGiftResponse).coins, 600);
    const gifts = await ledgerTotals("gift");
    assert.equal(gifts.count, 1);
    assert.equal(gifts.of(userAccount(sender.uid), "coins"), -400);
    assert.equal((await readBalances(userAccount(sender.uid))).coins, 600);
    assert.equal((await readBalances(userAccount(host.uid))).diamonds, 200);
    await waitUntil("the feed event", async () => Object.keys(await feedEvents()).length === 1);
    assert.equal(Object.keys(await feedEvents()).length, 1);
    await assertConservation([userAccount(sender.uid), userAccount(host.uid), agencyAccount("stars")]);
  });

  it("refuses a reused requestId with a different gift", async () => {
    const data = request();
    await callInProcess(sendGift, { user: sender, data });
    await expectHttpsError(callInProcess(sendGift, { user: sender, data: { ...data, count: 5 } }), "failed-precondition");
    assert.equal((await readBalances(userAccount(sender.uid))).coins, 700);
  });

  it("accepts a VIP-only gift from a current VIP and a gift inside its time window", async () => {
    await db()
      .doc(`users/${sender.uid}`)
      .update({ vip: { tier: 2, expiresAt: Timestamp.fromMillis(Date.now() + 86_400_000) } });
    const vip = await callInProcess(sendGift, { user: sender, data: request({ giftId: "dragon", count: 1 }) });
    assert.equal(vip.coins, 500);
    const seasonal = await callInProcess(sendGift, { user: sender, data: request({ giftId: "seasonal", count: 1 }) });
    assert.equal(seasonal.coins, 400);
  });

  describe("refusals move nothing", () => {
    async function expectRefused(user: TestUser, data: unknown, code: Parameters<typeof expectHttpsError>[1]) {
      const before = await allPaths();
      const balancesBefore = await readBalances(userAccount(user.uid));
      const err = await expectHttpsError(callInProcess(sendGift, { user, data }), code);
      assert.deepEqual(await allPaths(), before, "no document written");
      assert.deepEqual(await readBalances(userAccount(user.uid)), balancesBefore);
      assert.deepEqual(await readBalances(userAccount(host.uid)), { coins: 0, diamonds: 0, inDebt: false, frozen: false });
      assert.deepEqual(await feedEvents(), {});
      return err;
    }

    it("a gift to oneself", async () => {
      await expectRefused(sender, request({ recipientUid: sender.uid }), "failed-precondition");
    });

    it("a missing recipient or gift", async () => {
      await expectRefused(sender, request({ recipientUid: "no-such-user" }), "not-found");
      await expectRefused(sender, request({ giftId: "no-such-gift" }), "not-found");
    });

    it("a recipient whose account was deleted (GDPR stub)", async () => {
      await createProfile("deleted-host", { deleted: true, displayName: "deleted-user" });
      await expectRefused(sender, request({ recipientUid: "deleted-host" }), "not-found");
    });

    it("an inactive or out-of-window gift", async () => {
      for (const giftId of ["retired", "future", "expired"]) await expectRefused(sender, request({ giftId }), "failed-precondition");
    });

    it("a VIP-only gift from a non-VIP (never VIP, tier 0, expired)", async () => {
      await expectRefused(sender, request({ giftId: "dragon", count: 1 }), "permission-denied");
      await db()
        .doc(`users/${sender.uid}`)
        .update({ vip: { tier: 0, expiresAt: Timestamp.fromMillis(Date.now() + 86_400_000) } });
      await expectRefused(sender, request({ giftId: "dragon", count: 1 }), "permission-denied");
      await db()
        .doc(`users/${sender.uid}`)
        .update({ vip: { tier: 3, expiresAt: Timestamp.fromMillis(Date.now() - 1000) } });
      await expectRefused(sender, request({ giftId: "dragon", count: 1 }), "permission-denied");
    });

    it("a block in either direction", async () => {
      await db().doc(`blocks/${host.uid}__${sender.uid}`).set({ at: Timestamp.now() });
      await expectRefused(sender, request(), "permission-denied");
      await db().doc(`blocks/${host.uid}__${sender.uid}`).delete();
      await db().doc(`blocks/${sender.uid}__${host.uid}`).set({ at: Timestamp.now() });
      await expectRefused(sender, request(), "permission-denied");
    });

    it("insufficient coins", async () => {
      const err = await expectRefused(sender, request({ count: 11 }), "failed-precondition");
      assert.match(err.message, /Insufficient coins/);
    });

    it("a locked wallet (frozen for review)", async () => {
      await db().doc(`wallets/${sender.uid}`).update({ frozen: true });
      const err = await expectRefused(sender, request({ count: 1 }), "failed-precondition");
      assert.match(err.message, /locked/);
    });

    it("a sender without any wallet", async () => {
      const stranger = await createTestUser();
      await createProfile(stranger.uid);
      await expectRefused(stranger, request({ count: 1 }), "failed-precondition");
    });

    it("malformed input, with invalid-argument", async () => {
      const bad: unknown[] = [
        null,
        {},
        request({ count: 0 }),
        request({ count: 1000 }),
        request({ count: 1.5 }),
        request({ count: "3" }),
        request({ giftId: "" }),
        request({ giftId: "a/b" }),
        request({ recipientUid: "" }),
        request({ recipientUid: "x/y" }),
        // Characters other uid fields refuse (RTDB keys and wallet ids): one uid schema everywhere.
        request({ recipientUid: "a.b" }),
        request({ recipientUid: "a$b" }),
        request({ recipientUid: "a#b" }),
        request({ recipientUid: "a[0]" }),
        request({ recipientUid: "agency:x" }),
        request({ context: undefined }),
        request({ context: { type: "party", id: "x" } }),
        request({ context: { type: "stream", id: "a.b" } }),
        request({ context: { type: "stream", id: "" } }),
        request({ context: { type: "stream", id: "x", extra: 1 } }),
        request({ requestId: "x" }),
        request({ requestId: undefined }),
        request({ extra: "field" }),
      ];
      const before = await allPaths();
      for (const data of bad) await expectHttpsError(callInProcess(sendGift, { user: sender, data }), "invalid-argument");
      assert.deepEqual(await allPaths(), before, "no document written");
      assert.equal((await readBalances(userAccount(sender.uid))).coins, 1000);
      assert.deepEqual(await feedEvents(), {});
    });

    it("an unauthenticated call", async () => {
      const before = await allPaths();
      await expectHttpsError(callInProcess(sendGift, { data: request() }), "unauthenticated");
      assert.deepEqual(await allPaths(), before);
    });
  });
});
