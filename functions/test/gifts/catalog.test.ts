import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import { listGiftCatalog, sendGift } from "../../src/gifts/callables.js";
import { db, rtdb } from "../../src/kernel/app.js";
import { clearConfigCaches } from "../../src/kernel/config-document.js";
import { userAccount } from "../../src/wallet/accounts.js";
import { readBalances } from "../../src/wallet/ledger.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { createProfile, GIFTS, grantCoins, seedCatalog } from "../support/economy-world.js";
import { allPaths, docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser, type TestUser } from "../support/users.js";

const HOUR = 3_600_000;
const ROOM = { type: "room", id: "lounge" } as const;
const vipAt = (tier: number) => ({ vip: { tier, expiresAt: Timestamp.fromMillis(Date.now() + 24 * HOUR) } });

/** The catalog beyond the shared seed: categories, rarity, VIP tiers, a campaign's gift. */
async function seedExtendedCatalog(): Promise<void> {
  await seedCatalog();
  const batch = db().batch();
  batch.set(db().doc("gifts/crown"), { ...GIFTS.star, name: "Crown", priceCoins: 300, category: "royal", rarity: "epic", vipMinTier: 3 });
  batch.set(db().doc("gifts/snowflake"), {
    ...GIFTS.star,
    name: "Snowflake",
    priceCoins: 10,
    category: "winter",
    rarity: "rare",
    campaignId: "snow-fest",
  });
  batch.set(db().doc("gifts/pumpkin"), { ...GIFTS.star, name: "Pumpkin", priceCoins: 10, category: "autumn", campaignId: "harvest" });
  batch.set(db().doc("campaigns/snow-fest"), {
    title: "Snow fest",
    startsAt: Timestamp.fromMillis(Date.now() - HOUR),
    endsAt: Timestamp.fromMillis(Date.now() + HOUR),
  });
  batch.set(db().doc("campaigns/harvest"), {
    title: "Harvest",
    startsAt: Timestamp.fromMillis(Date.now() - 3 * HOUR),
    endsAt: Timestamp.fromMillis(Date.now() - HOUR),
  });
  await batch.commit();
}

describe("gifts: catalog availability, exclusivity and listing", () => {
  useCleanStack();
  let sender: TestUser;
  let host: TestUser;

  beforeEach(async () => {
    [sender, host] = await Promise.all([createTestUser(), createTestUser({ roles: ["host"] })]);
    await seedExtendedCatalog();
    await Promise.all([createProfile(sender.uid), createProfile(host.uid)]);
    await grantCoins(sender.uid, 2000);
  });

  const send = (user: TestUser, giftId: string) =>
    callInProcess(sendGift, { user, data: { giftId, recipientUid: host.uid, count: 1, context: ROOM, requestId: randomUUID() } });

  async function expectRefusedWith(giftId: string, code: Parameters<typeof expectHttpsError>[1], reason: string) {
    const before = await allPaths();
    const [coinsBefore, feedBefore] = await Promise.all([readBalances(userAccount(sender.uid)), rtdb().ref("giftEvents/room_lounge").get()]);
    const err = await expectHttpsError(send(sender, giftId), code);
    assert.deepEqual(err.details, { reason, giftId });
    assert.deepEqual(await allPaths(), before, "no document written");
    assert.deepEqual(await readBalances(userAccount(sender.uid)), coinsBefore);
    assert.deepEqual((await rtdb().ref("giftEvents/room_lounge").get()).val(), feedBefore.val());
  }

  it("refuses gifts outside their window with a typed reason and writes nothing", async () => {
    await expectRefusedWith("future", "failed-precondition", "gift-not-yet-available");
    await expectRefusedWith("expired", "failed-precondition", "gift-expired");
    await expectRefusedWith("retired", "failed-precondition", "gift-unavailable");
  });

  it("refuses a VIP-tier gift below the tier (permission-denied), sends it from the tier up", async () => {
    await expectRefusedWith("crown", "permission-denied", "vip-tier-required");
    await db().doc(`users/${sender.uid}`).update(vipAt(2));
    await expectRefusedWith("crown", "permission-denied", "vip-tier-required");
    assert.equal((await send(sender, "dragon")).coins, 1500, "tier 2 may send a vipOnly gift");
  });

  it("sends a vipOnly gift from tier 1, and a tier-3 gift from tier 3", async () => {
    await db().doc(`users/${sender.uid}`).update(vipAt(3));
    assert.equal((await send(sender, "dragon")).coins, 1500);
    assert.equal((await send(sender, "crown")).coins, 1200);
  });

  it("sends a campaign's gift only while the campaign runs", async () => {
    assert.equal((await send(sender, "snowflake")).coins, 1990);
    await expectRefusedWith("pumpkin", "failed-precondition", "campaign-not-running");
    await db().doc("campaigns/snow-fest").update({ cancelled: true });
    await expectRefusedWith("snowflake", "failed-precondition", "campaign-not-running");
  });

  it("lists what is available now, with category, rarity and what the caller may send", async () => {
    const listed = await callInProcess(listGiftCatalog, { user: sender, data: null });
    assert.deepEqual(
      listed.gifts.map((g) => [g.id, g.category, g.rarity, g.vipMinTier, g.sendable, g.lockedReason]),
      [
        ["seasonal", "general", "common", 0, true, null],
        ["star", "general", "common", 0, true, null],
        ["dragon", "general", "common", 1, false, "vip-tier-required"],
        ["crown", "royal", "epic", 3, false, "vip-tier-required"],
        ["snowflake", "winter", "rare", 0, true, null],
      ],
      "retired, future, expired and the ended campaign's gift are left out; by category, then price",
    );
    const seasonal = listed.gifts.find((g) => g.id === "seasonal");
    assert.ok(seasonal?.availableUntil && Date.parse(seasonal.availableUntil) > Date.now());
    assert.equal(listed.gifts.find((g) => g.id === "snowflake")?.campaignId, "snow-fest");

    await db().doc(`users/${sender.uid}`).update(vipAt(3));
    const royal = await callInProcess(listGiftCatalog, { user: sender, data: { category: "royal" } });
    assert.deepEqual(
      royal.gifts.map((g) => [g.id, g.sendable]),
      [["crown", true]],
    );
  });

  it("refuses a malformed listing request with invalid-argument", async () => {
    await expectHttpsError(callInProcess(listGiftCatalog, { user: sender, data: { category: "a/b" } }), "invalid-argument");
    await expectHttpsError(callInProcess(listGiftCatalog, { user: sender, data: { other: 1 } }), "invalid-argument");
    await expectHttpsError(callInProcess(listGiftCatalog, { data: null }), "unauthenticated");
  });
});

describe("gifts: streaks", () => {
  useCleanStack();
  let sender: TestUser;
  let host: TestUser;

  beforeEach(async () => {
    [sender, host] = await Promise.all([createTestUser(), createTestUser({ roles: ["host"] })]);
    await seedCatalog();
    await db().doc("config/gifts").set({ streakWindowSeconds: 60 });
    clearConfigCaches();
    await Promise.all([createProfile(sender.uid), createProfile(host.uid)]);
    await grantCoins(sender.uid, 5000);
  });

  const request = (overrides: Record<string, unknown> = {}) => ({
    giftId: "star",
    recipientUid: host.uid,
    count: 1,
    context: ROOM,
    requestId: randomUUID(),
    ...overrides,
  });
  const streakPath = (giftId = "star") => `giftStreaks/${sender.uid}__${host.uid}__${giftId}`;
  const feedStreaks = async () =>
    Object.values(((await rtdb().ref("giftEvents/room_lounge").get()).val() ?? {}) as Record<string, { g: string; k: number }>).map((e) => [
      e.g,
      e.k,
    ]);

  it("counts consecutive sends once per ledger transaction: replays and concurrent copies count once", async () => {
    const first = request();
    assert.equal((await callInProcess(sendGift, { user: sender, data: first })).gift.streak, 1);
    // The same request again (a client retry) and three concurrent copies of another.
    assert.equal((await callInProcess(sendGift, { user: sender, data: first })).gift.streak, 1);
    const second = request();
    const copies = await Promise.all([1, 2, 3].map(() => callInProcess(sendGift, { user: sender, data: second })));
    assert.deepEqual(
      copies.map((r) => r.gift.streak),
      [2, 2, 2],
    );
    const third = await callInProcess(sendGift, { user: sender, data: request() });
    assert.equal(third.gift.streak, 3);

    const stored = await docData(streakPath());
    assert.equal(stored?.count, 3);
    assert.equal(stored?.best, 3);
    assert.equal(stored?.lastTransactionId, third.transactionId);
    const ledgerMeta = (await docData(`ledger/${third.transactionId}`))?.meta as Record<string, unknown> | undefined;
    assert.equal(ledgerMeta?.streak, 3, "the ledger records the streak, for rankings");
    assert.deepEqual(
      await feedStreaks(),
      [
        ["star", 1],
        ["star", 2],
        ["star", 3],
      ],
      "one feed event per transaction, carrying its streak",
    );
  });

  it("keeps a streak per gift and per recipient", async () => {
    const other = await createTestUser();
    await createProfile(other.uid);
    await callInProcess(sendGift, { user: sender, data: request() });
    assert.equal((await callInProcess(sendGift, { user: sender, data: request({ giftId: "seasonal" }) })).gift.streak, 1);
    assert.equal((await callInProcess(sendGift, { user: sender, data: request({ recipientUid: other.uid }) })).gift.streak, 1);
    assert.equal((await callInProcess(sendGift, { user: sender, data: request() })).gift.streak, 2);
  });

  it("restarts after the window expires, keeping the best streak", async () => {
    await callInProcess(sendGift, { user: sender, data: request() });
    await callInProcess(sendGift, { user: sender, data: request() });
    // The last send was 61 s ago: outside the 60 s window.
    await db()
      .doc(streakPath())
      .update({ lastAtMs: Date.now() - 61_000 });
    const after = await callInProcess(sendGift, { user: sender, data: request() });
    assert.equal(after.gift.streak, 1);
    const stored = await docData(streakPath());
    assert.equal(stored?.count, 1);
    assert.equal(stored?.best, 2);
  });
});
