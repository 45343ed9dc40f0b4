import assert from "node:assert/strict";
import { exportMyData } from "../../src/gdpr/callables.js";
import { runAccountDeletion } from "../../src/gdpr/deletion.js";
import { db } from "../../src/kernel/app.js";
import { callInProcess } from "../support/callables.js";
import { allPaths } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser } from "../support/users.js";

describe("gdpr: levels, badges, avatar frames and the VIP history", () => {
  useCleanStack();

  it("the export carries them; deletion removes the user's and leaves others'", async () => {
    const [subject, other] = await Promise.all([createTestUser(), createTestUser()]);
    const [s, o] = [subject.uid, other.uid];
    const batch = db().batch();
    for (const uid of [s, o]) {
      batch.set(db().doc(`users/${uid}`), { uid, displayName: uid === s ? "Subject" : "Other" });
      batch.set(db().doc(`users/${uid}/badges/first-gift`), { badgeId: "first-gift" });
      batch.set(db().doc(`users/${uid}/frames/gold-week`), { frameId: "gold-week", source: "ranking-reward" });
      batch.set(db().doc(`users/${uid}/vipHistory/v1`), { kind: "grant", tier: 2, at: new Date("2026-12-01T00:00:00Z") });
      batch.set(db().doc(`progression/${uid}`), { userLevel: 7 });
      batch.set(db().doc(`progression/${uid}/points/3`), { userPoints: 120 });
    }
    await batch.commit();

    const { bundle } = await callInProcess(exportMyData, { user: subject });
    assert.equal(bundle.progression.levels?.userLevel, 7);
    assert.deepEqual(
      bundle.progression.badges.map((b) => b.id),
      ["first-gift"],
    );
    assert.deepEqual(
      bundle.progression.frames.map((f) => f.id),
      ["gold-week"],
    );
    assert.deepEqual(
      bundle.progression.vipHistory.map((v) => v.id),
      ["v1"],
    );

    assert.equal((await runAccountDeletion(s)).status, "done");
    const left = (await allPaths()).filter((p) => /^(progression\/|users\/[^/]+\/(badges|frames|vipHistory)\/)/.test(p));
    assert.deepEqual(
      left.sort(),
      [
        `progression/${o}`,
        `progression/${o}/points/3`,
        `users/${o}/badges/first-gift`,
        `users/${o}/frames/gold-week`,
        `users/${o}/vipHistory/v1`,
      ].sort(),
    );
  });
});
