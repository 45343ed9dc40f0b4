import assert from "node:assert/strict";
import { db } from "../../src/kernel/app.js";
import { listMyProgression, setBadgeShowcase } from "../../src/progression/callables.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser, type TestUser } from "../support/users.js";
import { profile } from "./support.js";

describe("progression: badge categories and the profile showcase", () => {
  useCleanStack();
  let user: TestUser;

  beforeEach(async () => {
    user = await createTestUser();
    await profile(user.uid);
    const badges = db().collection(`users/${user.uid}/badges`);
    await Promise.all([
      badges.doc("first-gift-sent").set({ awardedAt: new Date(Date.UTC(2026, 0, 1)), source: "ledger:t1" }),
      badges.doc("followers-100").set({ awardedAt: new Date(Date.UTC(2026, 0, 2)), source: "followers:e1" }),
      badges
        .doc("event-star-week")
        .set({ awardedAt: new Date(Date.UTC(2026, 0, 3)), source: "campaign:star-week:1", category: "event", rarity: "legendary" }),
    ]);
  });

  const set = (badgeIds: unknown, caller: TestUser = user) => callInProcess(setBadgeShowcase, { user: caller, data: { badgeIds } });

  it("lists each badge with its category and rarity", async () => {
    const { badges } = await callInProcess(listMyProgression, { user });
    assert.deepEqual(
      badges.map((b) => [b.id, b.category, b.rarity]),
      [
        ["first-gift-sent", "gifting", "common"],
        ["followers-100", "social", "common"],
        ["event-star-week", "event", "legendary"],
      ],
    );
  });

  it("shows up to three owned badges on the profile, in the chosen order; an empty list clears it", async () => {
    assert.deepEqual(await set(["event-star-week", "first-gift-sent"]), { badgeIds: ["event-star-week", "first-gift-sent"] });
    assert.deepEqual((await docData(`users/${user.uid}`))?.badgeShowcase, ["event-star-week", "first-gift-sent"]);
    await set([]);
    assert.deepEqual((await docData(`users/${user.uid}`))?.badgeShowcase, []);
  });

  it("refuses a badge the caller does not own (failed-precondition) and malformed lists (invalid-argument), writing nothing", async () => {
    await set(["followers-100"]);
    const before = await allPaths();
    const profileBefore = await docData(`users/${user.uid}`);
    const err = await expectHttpsError(set(["first-gift-sent", "generous-1000"]), "failed-precondition");
    assert.deepEqual(err.details, { reason: "badge-not-owned", badgeIds: ["generous-1000"] });
    // Another user's badge is not the caller's.
    const other = await createTestUser();
    await profile(other.uid);
    await expectHttpsError(set(["event-star-week"], other), "failed-precondition");
    for (const badgeIds of [
      ["first-gift-sent", "followers-100", "event-star-week", "generous-1000"],
      ["first-gift-sent", "first-gift-sent"],
      ["First Gift"],
      "first-gift-sent",
      [1],
    ]) {
      await expectHttpsError(set(badgeIds), "invalid-argument");
    }
    await expectHttpsError(callInProcess(setBadgeShowcase, { user, data: { badgeIds: [], extra: true } }), "invalid-argument");
    assert.deepEqual(await docData(`users/${user.uid}`), profileBefore);
    assert.deepEqual(
      (await allPaths()).filter((p) => !p.startsWith(`users/${other.uid}`)),
      before,
    );
  });
});
