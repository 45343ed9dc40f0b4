import assert from "node:assert/strict";
import { onUserFollowersChanged } from "../../src/progression/triggers.js";
import { allPaths, docData } from "../support/firestore.js";
import { queuedFor } from "../support/notifications.js";
import { useCleanStack } from "../support/stack.js";
import { deliverDocumentUpdated } from "../support/triggers.js";
import { deliverLedger, fundCoins, giftPosting, profile, setProgressionConfig, spend } from "./support.js";

const badge = (uid: string, id: string) => docData(`users/${uid}/badges/${id}`);

describe("progression: badges", () => {
  useCleanStack();

  beforeEach(async () => {
    await setProgressionConfig();
    await Promise.all([profile("alice"), profile("bob")]);
    await fundCoins("alice", 3000);
  });

  it("first gift sent / received are awarded once, from the first gift's ledger transaction", async () => {
    const first = await giftPosting("alice", "bob", 10);
    await deliverLedger(first);
    const sent = await badge("alice", "first-gift-sent");
    const received = await badge("bob", "first-gift-received");
    assert.equal(sent?.source, `ledger:${first.id}`);
    assert.equal(received?.source, `ledger:${first.id}`);
    assert.ok(sent?.awardedAt);
    assert.equal(await badge("alice", "first-gift-received"), undefined);
    assert.equal(await badge("bob", "first-gift-sent"), undefined);

    // Later gifts (and a redelivery) leave the awards exactly as they were.
    await deliverLedger(first);
    await deliverLedger(await giftPosting("alice", "bob", 10));
    assert.deepEqual(await badge("alice", "first-gift-sent"), sent);
    assert.deepEqual(await badge("bob", "first-gift-received"), received);
    assert.deepEqual(
      (await queuedFor("alice", "badge-earned")).map((n) => n.data),
      [{ badgeId: "first-gift-sent", badgeName: "First Gift Sent" }],
    );
    assert.deepEqual(
      (await queuedFor("bob", "badge-earned")).map((n) => n.data),
      [{ badgeId: "first-gift-received", badgeName: "First Gift Received" }],
    );
  });

  it("generous-1000 when coinsSpent reaches 1000, whatever the spending; not before", async () => {
    await deliverLedger(await spend("vip.purchase", "alice", 999));
    assert.equal(await badge("alice", "generous-1000"), undefined);
    assert.equal(await badge("alice", "first-gift-sent"), undefined, "a VIP purchase is not a gift");
    const crossing = await spend("room.entry", "alice", 1);
    await deliverLedger(crossing);
    const generous = await badge("alice", "generous-1000");
    assert.equal(generous?.source, `ledger:${crossing.id}`);
    await deliverLedger(await spend("room.entry", "alice", 5));
    assert.deepEqual(await badge("alice", "generous-1000"), generous);
  });

  it("followers-100 when followersCount crosses 100, once per event and once ever", async () => {
    const deliver = (before: number, after: number, eventId: string) =>
      deliverDocumentUpdated(
        onUserFollowersChanged,
        "users/bob",
        { uid: "bob", followersCount: before },
        { uid: "bob", followersCount: after },
        eventId,
        { uid: "bob" },
      );

    const pathsBefore = await allPaths();
    await deliver(50, 99, "evt-f1");
    await deliver(100, 101, "evt-f2");
    assert.deepEqual(await allPaths(), pathsBefore, "updates that do not cross 100 write nothing");

    await Promise.all([deliver(99, 100, "evt-f3"), deliver(99, 100, "evt-f3")]);
    const awarded = await badge("bob", "followers-100");
    assert.equal(awarded?.source, "followers:evt-f3");
    assert.ok(awarded?.awardedAt);
    assert.deepEqual(
      (await queuedFor("bob", "badge-earned")).map((n) => n.data),
      [{ badgeId: "followers-100", badgeName: "100 Followers" }],
    );

    // Falling below and crossing again (another event) keeps the first award.
    await deliver(100, 99, "evt-f4");
    await deliver(99, 120, "evt-f5");
    assert.deepEqual(await badge("bob", "followers-100"), awarded);
    assert.equal((await queuedFor("bob", "badge-earned")).length, 1);
  });
});
