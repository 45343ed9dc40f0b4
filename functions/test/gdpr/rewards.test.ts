import assert from "node:assert/strict";
import { exportMyData } from "../../src/gdpr/callables.js";
import { runAccountDeletion } from "../../src/gdpr/deletion.js";
import { db } from "../../src/kernel/app.js";
import { callInProcess } from "../support/callables.js";
import { allPaths } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser } from "../support/users.js";

describe("gdpr: campaign claims and progress, gift streaks", () => {
  useCleanStack();

  it("the export carries the user's claims and streaks; deletion removes them and the progress, leaving others'", async () => {
    const [subject, other] = await Promise.all([createTestUser(), createTestUser()]);
    const [s, o] = [subject.uid, other.uid];
    await db().doc(`users/${s}`).set({ uid: s, displayName: "Subject" });
    const batch = db().batch();
    batch.set(db().doc("campaigns/star-week"), { title: "Star week" });
    batch.set(db().doc(`campaignClaims/star-week__${s}__0`), { uid: s, campaignId: "star-week", tier: 0 });
    batch.set(db().doc(`campaignClaims/star-week__${o}__0`), { uid: o, campaignId: "star-week", tier: 0 });
    batch.set(db().doc(`campaignProgress/star-week__${s}/shards/3`), { progress: 7 });
    batch.set(db().doc(`campaignProgress/star-week__${o}/shards/1`), { progress: 2 });
    batch.set(db().doc(`giftStreaks/${s}__${o}__star`), { senderUid: s, recipientUid: o, giftId: "star", count: 2 });
    batch.set(db().doc(`giftStreaks/${o}__${s}__rose`), { senderUid: o, recipientUid: s, giftId: "rose", count: 1 });
    await batch.commit();

    const { bundle } = await callInProcess(exportMyData, { user: subject });
    assert.deepEqual(
      bundle.rewards.campaignClaims.map((c) => c.id),
      [`star-week__${s}__0`],
    );
    assert.deepEqual(bundle.rewards.giftStreaks.map((g) => g.id).sort(), [`${s}__${o}__star`, `${o}__${s}__rose`].sort());

    assert.equal((await runAccountDeletion(s)).status, "done");
    const left = (await allPaths()).filter((p) => /^(campaignClaims|campaignProgress|giftStreaks)\//.test(p));
    assert.deepEqual(left.sort(), [`campaignClaims/star-week__${o}__0`, `campaignProgress/star-week__${o}/shards/1`].sort());
  });
});
