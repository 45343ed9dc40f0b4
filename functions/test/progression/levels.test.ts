import assert from "node:assert/strict";
import { db } from "../../src/kernel/app.js";
import { listMyProgression } from "../../src/progression/callables.js";
import { userAccount } from "../../src/wallet/accounts.js";
import { readBalances } from "../../src/wallet/ledger.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { queuedFor } from "../support/notifications.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser } from "../support/users.js";
import { deliverLedger, fundCoins, giftPosting, type Posted, post, profile, progressOf, setProgressionConfig, spend } from "./support.js";

const coinsOf = async (uid: string) => (await readBalances(userAccount(uid))).coins;

async function rewardLedgerDocs(): Promise<Posted[]> {
  const snapshot = await db().collection("ledger").where("type", "==", "reward").where("owner", "==", "progression").get();
  return snapshot.docs.map((d) => ({ id: d.id, data: d.data() }));
}

describe("progression: levels from the ledger", () => {
  useCleanStack();

  beforeEach(async () => {
    await setProgressionConfig();
    await Promise.all([profile("alice"), profile("bob")]);
  });

  it("counts coins spent (gift, VIP, room entry) and diamonds received, with exact levels mirrored on the profile", async () => {
    const funding = await fundCoins("alice", 5000);
    await deliverLedger(funding);
    assert.equal(await progressOf("alice"), undefined, "a grant is not spending");

    await deliverLedger(await giftPosting("alice", "bob", 150));
    assert.deepEqual(await progressOf("alice"), { coinsSpent: 150, diamondsReceived: 0, wealthLevel: 1, charmLevel: 0 });
    assert.ok((await docData("progression/alice"))?.updatedAt);
    const bob = await progressOf("bob");
    assert.equal(bob?.coinsSpent, 0);
    assert.equal(bob?.diamondsReceived, 75, "the shard credit counts");
    assert.equal(bob?.charmLevel, 1);
    assert.equal(bob?.wealthLevel, 0);

    await deliverLedger(await spend("vip.purchase", "alice", 700));
    await deliverLedger(await spend("room.entry", "alice", 150, userAccount("bob")));
    const alice = await progressOf("alice");
    assert.equal(alice?.coinsSpent, 1000);
    assert.equal(alice?.wealthLevel, 2);
    assert.equal((await progressOf("bob"))?.diamondsReceived, 75, "coins received for a room entry are not charm");

    const aliceProfile = await docData("users/alice");
    assert.equal(aliceProfile?.wealthLevel, 2);
    assert.equal(aliceProfile?.charmLevel, 0);
    assert.equal((await docData("users/bob"))?.charmLevel, 1);
  });

  it("a redelivered event counts once; another event for another transaction counts", async () => {
    await fundCoins("alice", 1000);
    const gift = await giftPosting("alice", "bob", 40);
    await Promise.all([deliverLedger(gift, "evt-1"), deliverLedger(gift, "evt-1"), deliverLedger(gift, "evt-1")]);
    await deliverLedger(gift, "evt-1");
    assert.equal((await progressOf("alice"))?.coinsSpent, 40);
    assert.equal((await progressOf("bob"))?.diamondsReceived, 20);
    await deliverLedger(await giftPosting("alice", "bob", 40), "evt-2");
    assert.equal((await progressOf("alice"))?.coinsSpent, 80);
  });

  it("a level-up notifies and grants the configured reward once, for every level crossed", async () => {
    await fundCoins("alice", 5000);
    const gift = await giftPosting("alice", "bob", 150);
    await deliverLedger(gift, "evt-gift");
    assert.equal(await coinsOf("alice"), 5000 - 150 + 10);
    assert.equal(await coinsOf("bob"), 5, "charm level 1 reward");
    const [note] = await queuedFor("alice", "level-up");
    assert.deepEqual(note?.data, { track: "wealth", level: 1, from: 0 });
    assert.equal(note?.status, "pending");
    assert.deepEqual(
      (await queuedFor("bob", "level-up")).map((n) => n.data),
      [{ track: "charm", level: 1, from: 0 }],
    );
    assert.equal((await db().collection("users/alice/notifications").get()).size, 0, "the inbox is the pipeline's to write");

    // The same event again, and the same level-up reached through a replay: nothing more.
    await deliverLedger(gift, "evt-gift");
    assert.equal(await coinsOf("alice"), 5000 - 150 + 10);
    assert.equal((await rewardLedgerDocs()).length, 2);
    assert.equal((await queuedFor("alice", "level-up")).length, 1);

    // Jumping from level 1 to 3 grants level 2's reward (level 3 has none) and notifies level 3.
    await deliverLedger(await spend("vip.purchase", "alice", 4850));
    const progress = await progressOf("alice");
    assert.equal(progress?.coinsSpent, 5000);
    assert.equal(progress?.wealthLevel, 3);
    assert.equal(await coinsOf("alice"), 5000 - 150 + 10 - 4850 + 100);
    assert.deepEqual(
      (await queuedFor("alice", "level-up")).map((n) => n.data),
      [
        { track: "wealth", level: 1, from: 0 },
        { track: "wealth", level: 3, from: 1 },
      ],
      "one notice for the jump, at the level reached",
    );
    assert.equal((await rewardLedgerDocs()).length, 3);
  });

  it("a level-up whose notice was never queued (a crash after the level was set) is notified by the next settle, once", async () => {
    await fundCoins("alice", 5000);
    const gift = await giftPosting("alice", "bob", 150);
    await deliverLedger(gift, "evt-gift");
    // As if the trigger had stopped right after the level transaction: level 1 set, nothing notified or paid.
    await Promise.all((await db().collection("notificationOutbox").where("recipient", "==", "alice").get()).docs.map((d) => d.ref.delete()));
    await db()
      .doc("progression/alice")
      .set({ rewarded: { wealth: 0 } }, { merge: true });

    await deliverLedger(gift, "evt-gift");
    assert.deepEqual(
      (await queuedFor("alice", "level-up")).map((n) => n.data),
      [{ track: "wealth", level: 1, from: 0 }],
    );
    assert.equal(await coinsOf("alice"), 5000 - 150 + 10, "the reward is still paid once");
    await deliverLedger(gift, "evt-gift");
    assert.equal((await queuedFor("alice", "level-up")).length, 1);
  });

  it("the reward's own ledger document does not count (no feedback loop)", async () => {
    await fundCoins("alice", 1000);
    await deliverLedger(await giftPosting("alice", "bob", 150));
    const before = await progressOf("alice");
    const rewards = await rewardLedgerDocs();
    assert.equal(rewards.length, 2);
    const pathsBefore = await allPaths();
    for (const reward of rewards) await deliverLedger(reward);
    assert.deepEqual(await progressOf("alice"), before);
    assert.deepEqual(await allPaths(), pathsBefore, "nothing written: no idempotency record, no progression, no ledger");
  });

  it("never creates a profile stub for a user without one; a malformed ledger document is ignored", async () => {
    await fundCoins("carol", 500);
    await deliverLedger(await spend("room.entry", "carol", 200));
    assert.equal((await progressOf("carol"))?.wealthLevel, 1);
    assert.equal(await docData("users/carol"), undefined);
    const pathsBefore = await allPaths();
    await deliverLedger({ id: "bogus", data: { type: "gift", entries: "nonsense" } });
    await deliverLedger({ id: "bogus2", data: { type: "gift", entries: [{ account: "user:x", currency: "coins", amount: 1.5 }] } });
    assert.deepEqual(await allPaths(), pathsBefore);
  });

  it("listMyProgression returns levels, points, next thresholds and badges; refuses bad input", async () => {
    const user = await createTestUser({ uid: "dora" });
    await profile("dora");
    await fundCoins("dora", 2000);
    await deliverLedger(await giftPosting("dora", "bob", 1200));
    const mine = await callInProcess(listMyProgression, { user });
    assert.deepEqual(mine.wealth, { level: 2, points: 1200, nextLevelAt: 5000 });
    assert.deepEqual(mine.charm, { level: 0, points: 0, nextLevelAt: 50 });
    assert.deepEqual(
      mine.badges.map((b) => b.id),
      ["first-gift-sent", "generous-1000"],
    );
    assert.match(mine.badges[0]?.awardedAt ?? "", /^\d{4}-\d\d-\d\dT/);

    const fresh = await createTestUser();
    assert.deepEqual(await callInProcess(listMyProgression, { user: fresh, data: {} }), {
      wealth: { level: 0, points: 0, nextLevelAt: 100 },
      charm: { level: 0, points: 0, nextLevelAt: 50 },
      badges: [],
    });

    const pathsBefore = await allPaths();
    await expectHttpsError(callInProcess(listMyProgression, { user, data: { uid: "bob" } }), "invalid-argument");
    await expectHttpsError(callInProcess(listMyProgression, { user, data: "all" }), "invalid-argument");
    await expectHttpsError(callInProcess(listMyProgression, {}), "unauthenticated");
    assert.deepEqual(await allPaths(), pathsBefore);
  });

  it("an invalid config/progression is refused loudly; a missing one means the defaults", async () => {
    await setProgressionConfig({ wealthThresholds: [5, 1] });
    const user = await createTestUser();
    await expectHttpsError(callInProcess(listMyProgression, { user }), "failed-precondition");
    await db().doc("config/progression").delete();
    await setProgressionConfig({});
    const mine = await callInProcess(listMyProgression, { user });
    assert.equal(mine.wealth.nextLevelAt, 100);
  });
});

// Posting helper kept honest: a plain purchase is not counted either.
describe("progression: uncounted ledger types", () => {
  useCleanStack();
  it("purchases, exchanges and grants earn no points", async () => {
    await setProgressionConfig();
    await deliverLedger(await fundCoins("erin", 300));
    await deliverLedger(
      await post("exchange", [
        { account: userAccount("erin"), currency: "coins", amount: -100 },
        { account: "system:platform", currency: "coins", amount: 100 },
      ]),
    );
    assert.equal(await progressOf("erin"), undefined);
  });
});

describe("progression: a popular host", () => {
  useCleanStack();

  it("40 concurrent gifts to one host: every point counted once over several shards, one level-up and its reward once", async () => {
    await setProgressionConfig({ charmThresholds: [0, 100, 100_000], wealthThresholds: [0, 1_000_000], levelRewards: { charm: { "1": 7 } } });
    await profile("host");
    const senders = Array.from({ length: 40 }, (_, i) => `fan${i}`);
    await Promise.all(senders.map((uid) => fundCoins(uid, 100)));
    const gifts = await Promise.all(senders.map((uid) => giftPosting(uid, "host", 10)));
    await Promise.all(gifts.map((gift) => deliverLedger(gift)));
    // And every event delivered a second time, concurrently, as at-least-once delivery may.
    await Promise.all(gifts.map((gift) => deliverLedger(gift)));

    const host = await progressOf("host");
    assert.equal(host?.diamondsReceived, 40 * 5, "half of each 10-coin gift reaches the host");
    assert.equal(host?.charmLevel, 1);
    assert.equal(await coinsOf("host"), 7, "the level reward once");
    const shards = await db().collection("progression/host/points").get();
    assert.ok(shards.size > 1, "points spread over several shards");
    const badge = await docData("users/host/badges/first-gift-received");
    assert.ok(badge?.source, "first gift received awarded once");
    assert.equal((await queuedFor("host", "level-up")).length, 1, "one level-up notice");
    assert.equal((await queuedFor("host", "badge-earned")).length, 1, "one badge notice");
  });
});
