import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { sendGift } from "../../../src/gifts/send-gift.js";
import { auth, db } from "../../../src/kernel/app.js";
import { purchaseVip } from "../../../src/progression/vip/callables.js";
import { expireVipMembershipsJob } from "../../../src/progression/vip/jobs.js";
import { expireVipMemberships } from "../../../src/progression/vip/memberships.js";
import { callInProcess, expectHttpsError } from "../../support/callables.js";
import { seedCatalog } from "../../support/economy-world.js";
import { allPaths, docData } from "../../support/firestore.js";
import { useCleanStack } from "../../support/stack.js";
import type { TestUser } from "../../support/users.js";
import { DAY_MS, millisOf, seedVipConfig, vipAt, vipMember } from "../../support/vip-world.js";

const runJob = (scheduleTime = new Date()) =>
  (expireVipMembershipsJob as unknown as { run(e: unknown): Promise<unknown> }).run({ scheduleTime: scheduleTime.toISOString(), jobName: "test" });

describe("progression: VIP expiry job", () => {
  useCleanStack();

  it("expires exactly the lapsed memberships (field, claim, notification) and a re-run changes nothing", async () => {
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
      const notes = await db().collection(`users/${user.uid}/notifications`).get();
      assert.equal(notes.size, 1);
      const note = notes.docs[0]?.data();
      assert.equal(note?.type, "vip-expired");
      assert.equal(note?.tier, tier);
      assert.ok(millisOf(note?.at) <= now);
    }
    assert.equal(((await docData(`users/${active.uid}`))?.vip as Record<string, unknown> | undefined)?.tier, 2);
    assert.equal((await auth().getUser(active.uid)).customClaims?.vip, 2);
    assert.equal((await db().collection(`users/${active.uid}/notifications`).get()).size, 0);
    assert.equal((await docData(`users/${never.uid}`))?.vip, undefined);

    const paths = await allPaths();
    const rerun = await expireVipMemberships(new Date(now));
    assert.deepEqual(rerun, { expired: 0, scanned: 0 });
    await runJob(new Date(now));
    assert.deepEqual(await allPaths(), paths, "a re-run writes nothing new");
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
