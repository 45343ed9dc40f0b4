import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { sendGift } from "../../../src/gifts/send-gift.js";
import { auth, db } from "../../../src/kernel/app.js";
import { purchaseVip } from "../../../src/progression/vip/callables.js";
import { expireVipMembershipsJob, remindExpiringVipMembershipsJob } from "../../../src/progression/vip/jobs.js";
import { expireVipMemberships, remindExpiringVipMemberships } from "../../../src/progression/vip/memberships.js";
import { callInProcess, expectHttpsError } from "../../support/callables.js";
import { createProfile, seedCatalog } from "../../support/economy-world.js";
import { allPaths, docData } from "../../support/firestore.js";
import { queuedFor } from "../../support/notifications.js";
import { useCleanStack } from "../../support/stack.js";
import type { TestUser } from "../../support/users.js";
import { DAY_MS, seedVipConfig, TIERS, vipAt, vipMember } from "../../support/vip-world.js";

const runJob = (scheduleTime = new Date()) =>
  (expireVipMembershipsJob as unknown as { run(e: unknown): Promise<unknown> }).run({ scheduleTime: scheduleTime.toISOString(), jobName: "test" });

describe("progression: VIP expiry job", () => {
  useCleanStack();

  it("expires exactly the lapsed memberships (field, claim, notification) and a re-run changes nothing", async () => {
    await seedVipConfig();
    const now = Date.now();
    const lapsedA = await vipMember(0, vipAt(1, now - 1000));
    const lapsedB = await vipMember(0, vipAt(3, now - 2 * DAY_MS));
    const active = await vipMember(0, vipAt(2, now + DAY_MS));
    const never = await vipMember(0);
    for (const [user, tier] of [
      [lapsedA, 1],
      [lapsedB, 3],
      [active, 2],
    ] as const) {
      await auth().setCustomUserClaims(user.uid, { roles: ["host"], vip: tier });
    }

    await runJob(new Date(now));

    for (const [user, tier] of [
      [lapsedA, 1],
      [lapsedB, 3],
    ] as const) {
      const profile = await docData(`users/${user.uid}`);
      assert.equal(profile?.vip, undefined, "vip field removed");
      assert.deepEqual((await auth().getUser(user.uid)).customClaims, { roles: ["host"] });
      const notes = await queuedFor(user.uid, "vip-expired");
      assert.equal(notes.length, 1);
      assert.equal(notes[0]?.data.tier, tier);
      assert.equal(notes[0]?.data.tierName, TIERS[String(tier) as keyof typeof TIERS].name);
      assert.ok(Date.parse(String(notes[0]?.data.expiredAt)) <= now);
      assert.equal((await db().collection(`users/${user.uid}/notifications`).get()).size, 0, "the inbox is the pipeline's to write");
    }
    assert.equal(((await docData(`users/${active.uid}`))?.vip as Record<string, unknown> | undefined)?.tier, 2);
    assert.equal((await auth().getUser(active.uid)).customClaims?.vip, 2);
    assert.deepEqual(await queuedFor(active.uid, "vip-expired"), []);
    assert.equal((await docData(`users/${never.uid}`))?.vip, undefined);

    const paths = await allPaths();
    const rerun = await expireVipMemberships(new Date(now));
    assert.deepEqual(rerun, { expired: 0, scanned: 0 });
    await runJob(new Date(now));
    assert.deepEqual(await allPaths(), paths, "a re-run writes nothing new");
  });
});

const runReminderJob = (scheduleTime: Date) =>
  (remindExpiringVipMembershipsJob as unknown as { run(e: unknown): Promise<unknown> }).run({
    scheduleTime: scheduleTime.toISOString(),
    jobName: "test",
  });

describe("progression: VIP expiring-soon reminders", () => {
  useCleanStack();

  it("reminds memberships ending within 3 days, once per membership period, and again after a renewal", async () => {
    await seedVipConfig();
    const now = Date.now();
    const soon = await vipMember(0, vipAt(2, now + 2 * DAY_MS));
    const almost = await vipMember(0, vipAt(1, now + 3 * DAY_MS - 60_000));
    const later = await vipMember(0, vipAt(1, now + 4 * DAY_MS));
    const lapsed = await vipMember(0, vipAt(1, now - 1000));

    await runReminderJob(new Date(now));
    const [note] = await queuedFor(soon.uid, "vip-expiring");
    assert.equal(note?.recipient, soon.uid);
    assert.equal(note?.data.tier, 2);
    assert.equal(note?.data.tierName, "Gold");
    assert.equal(note?.data.expiresAt, new Date(now + 2 * DAY_MS).toISOString());
    assert.equal(note?.data.expiresOn, new Date(now + 2 * DAY_MS).toISOString().slice(0, 10));
    assert.equal(note?.data.hoursLeft, 48);
    assert.equal((await queuedFor(almost.uid, "vip-expiring")).length, 1);
    assert.deepEqual(await queuedFor(later.uid, "vip-expiring"), []);
    assert.deepEqual(await queuedFor(lapsed.uid, "vip-expiring"), []);

    // The next day's run: the same periods are not reminded twice; the later one now is.
    assert.deepEqual(await remindExpiringVipMemberships(new Date(now + DAY_MS)), { scanned: 3, queued: 1 });
    assert.equal((await queuedFor(soon.uid, "vip-expiring")).length, 1);
    assert.equal((await queuedFor(later.uid, "vip-expiring")).length, 1);

    // A renewal is a new period, reminded when its own end nears.
    await db()
      .doc(`users/${soon.uid}`)
      .update(vipAt(2, now + 32 * DAY_MS));
    await remindExpiringVipMemberships(new Date(now + 30 * DAY_MS));
    assert.equal((await queuedFor(soon.uid, "vip-expiring")).length, 2);
  });

  it("pages through more members than one query page", async function () {
    this.timeout(60_000);
    const now = Date.now();
    const uids = Array.from({ length: 205 }, (_, i) => `vip-page-${i}`);
    await Promise.all(uids.map((uid, i) => createProfile(uid, vipAt(1, now + DAY_MS + i * 1000))));
    assert.deepEqual(await remindExpiringVipMemberships(new Date(now)), { scanned: 205, queued: 205 });
    for (const uid of [uids[0], uids[204]]) assert.equal((await queuedFor(uid ?? "", "vip-expiring")).length, 1);
  });
});

describe("progression: VIP-only gifts follow the membership", () => {
  useCleanStack();
  let member: TestUser;
  let host: TestUser;

  beforeEach(async () => {
    await Promise.all([seedCatalog(), seedVipConfig()]);
    member = await vipMember(2000);
    host = await vipMember(0);
  });

  const dragon = () =>
    sendGift(
      member.uid,
      { giftId: "dragon", recipientUid: host.uid, count: 1, context: { type: "room", id: "room-1" }, requestId: randomUUID() },
      { publish: async () => {} },
    );

  it("sends a vipOnly gift while VIP and refuses it after the membership expires", async () => {
    await expectHttpsError(dragon(), "permission-denied");
    await callInProcess(purchaseVip, { user: member, data: { tier: 1, requestId: randomUUID() } });
    const sent = await dragon();
    assert.equal(sent.gift.id, "dragon");
    assert.equal(sent.coins, 2000 - 100 - 500);

    // Time passes: the stored expiry is moved into the past, then the job runs.
    await db()
      .doc(`users/${member.uid}`)
      .update(vipAt(1, Date.now() - 1000));
    await runJob();
    assert.equal((await docData(`users/${member.uid}`))?.vip, undefined);
    await expectHttpsError(dragon(), "permission-denied");
  });
});
