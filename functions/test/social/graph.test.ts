import assert from "node:assert/strict";
import { db } from "../../src/kernel/app.js";
import { blockUser, followUser, unblockUser, unfollowUser } from "../../src/social/callables.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { queuedFor } from "../support/notifications.js";
import { useCleanStack } from "../support/stack.js";
import { counts, edgeCount, makeUser, makeUsers, type SocialUser } from "./support.js";

const follow = (user: SocialUser, uid: string) => callInProcess(followUser, { user, data: { uid } });
const unfollow = (user: SocialUser, uid: string) => callInProcess(unfollowUser, { user, data: { uid } });

describe("social: follow graph", () => {
  useCleanStack();

  it("keeps counts exact under 30 concurrent follows, then 10 concurrent unfollows", async function () {
    this.timeout(60_000);
    const host = await makeUser();
    const fans = await makeUsers(30);
    const results = await Promise.all(fans.map((f) => follow(f, host.uid)));
    assert.ok(results.every((r) => r.changed));
    assert.deepEqual(await counts(host.uid), { followers: 30, following: 0 });
    assert.equal(await edgeCount(host.uid, "followers"), 30);
    for (const f of fans) assert.equal((await counts(f.uid)).following, 1);

    await Promise.all(fans.slice(0, 10).map((f) => unfollow(f, host.uid)));
    assert.deepEqual(await counts(host.uid), { followers: 20, following: 0 });
    assert.equal(await edgeCount(host.uid, "followers"), 20);
    assert.equal((await counts(fans[0].uid)).following, 0);
    assert.equal((await counts(fans[29].uid)).following, 1);
  });

  it("duplicate follows and unfollows (even concurrent) change nothing", async () => {
    const [a, b] = await makeUsers(2);
    const first = await Promise.all(Array.from({ length: 3 }, () => follow(a, b.uid)));
    assert.equal(first.filter((r) => r.changed).length, 1);
    assert.deepEqual(await counts(b.uid), { followers: 1, following: 0 });
    assert.deepEqual(await counts(a.uid), { followers: 0, following: 1 });
    assert.deepEqual(await follow(a, b.uid), { changed: false });

    const undone = await Promise.all(Array.from({ length: 3 }, () => unfollow(a, b.uid)));
    assert.equal(undone.filter((r) => r.changed).length, 1);
    assert.deepEqual(await counts(b.uid), { followers: 0, following: 0 });
    assert.deepEqual(await counts(a.uid), { followers: 0, following: 0 });
    const before = await allPaths();
    assert.deepEqual(await unfollow(a, b.uid), { changed: false });
    assert.deepEqual(await allPaths(), before);
  });

  it("a follow notifies the followed user, once per follower per day however often they re-follow", async () => {
    const [fan, host] = await makeUsers(2);
    await Promise.all([follow(fan, host.uid), follow(fan, host.uid)]);
    const notes = await queuedFor(host.uid, "follow");
    assert.equal(notes.length, 1);
    assert.equal(notes[0]?.actorUid, fan.uid);
    assert.deepEqual(notes[0]?.data, { followerUid: fan.uid, followerName: `User ${fan.uid}` });
    for (let i = 0; i < 3; i++) {
      await unfollow(fan, host.uid);
      await follow(fan, host.uid);
    }
    assert.equal((await queuedFor(host.uid, "follow")).length, 1);
    assert.deepEqual(await queuedFor(fan.uid, "follow"), []);
  });

  it("a notice that cannot be queued does not undo or fail the follow", async () => {
    // A name no notice accepts (stored data is not validated by the outbox's writer): notify() throws.
    const fan = await makeUser({ displayName: "x".repeat(600) });
    const host = await makeUser();
    assert.deepEqual(await follow(fan, host.uid), { changed: true });
    assert.deepEqual(await counts(host.uid), { followers: 1, following: 0 });
    assert.deepEqual(await queuedFor(host.uid, "follow"), []);
  });

  it("refuses following oneself or a missing user, and malformed input, writing nothing", async () => {
    const a = await makeUser();
    const before = await allPaths();
    await expectHttpsError(follow(a, a.uid), "failed-precondition");
    await expectHttpsError(follow(a, "nobody-here"), "not-found");
    for (const data of [null, {}, { uid: "" }, { uid: 7 }, { uid: "a/b" }, { uid: "x", extra: 1 }]) {
      await expectHttpsError(callInProcess(followUser, { user: a, data }), "invalid-argument");
    }
    await expectHttpsError(callInProcess(followUser, { data: { uid: a.uid } }), "unauthenticated");
    assert.deepEqual(await allPaths(), before);
  });

  it("block removes edges both ways with exact counts and prevents follows in both directions", async () => {
    const [a, b, c] = await makeUsers(3);
    await follow(a, b.uid);
    await follow(b, a.uid);
    await follow(c, b.uid);
    assert.deepEqual(await counts(b.uid), { followers: 2, following: 1 });

    assert.deepEqual(await callInProcess(blockUser, { user: a, data: { uid: b.uid } }), { changed: true });
    assert.deepEqual(await counts(a.uid), { followers: 0, following: 0 });
    assert.deepEqual(await counts(b.uid), { followers: 1, following: 0 });
    assert.equal(await docData(`users/${a.uid}/following/${b.uid}`), undefined);
    assert.equal(await docData(`users/${b.uid}/followers/${a.uid}`), undefined);
    assert.equal(await docData(`users/${b.uid}/following/${a.uid}`), undefined);
    assert.equal((await docData(`blocks/${a.uid}__${b.uid}`))?.blockerUid, a.uid);

    // A second block changes nothing (counts are not decremented twice).
    assert.deepEqual(await callInProcess(blockUser, { user: a, data: { uid: b.uid } }), { changed: false });
    assert.deepEqual(await counts(b.uid), { followers: 1, following: 0 });

    await expectHttpsError(follow(a, b.uid), "permission-denied");
    await expectHttpsError(follow(b, a.uid), "permission-denied");
    await expectHttpsError(callInProcess(blockUser, { user: a, data: { uid: a.uid } }), "failed-precondition");

    // Only the blocker lifts the block; afterwards following works again (edges are not restored).
    assert.deepEqual(await callInProcess(unblockUser, { user: b, data: { uid: a.uid } }), { changed: false });
    await expectHttpsError(follow(b, a.uid), "permission-denied");
    assert.deepEqual(await callInProcess(unblockUser, { user: a, data: { uid: b.uid } }), { changed: true });
    assert.equal((await db().collection("blocks").get()).size, 0);
    assert.deepEqual(await follow(b, a.uid), { changed: true });
    assert.deepEqual(await counts(a.uid), { followers: 1, following: 0 });
  });

  it("a block racing with follows leaves counts equal to the edges", async function () {
    this.timeout(30_000);
    const [a, b] = await makeUsers(2);
    await Promise.allSettled([follow(a, b.uid), follow(b, a.uid), callInProcess(blockUser, { user: a, data: { uid: b.uid } }), follow(a, b.uid)]);
    for (const u of [a, b]) {
      const c = await counts(u.uid);
      assert.equal(c.followers, await edgeCount(u.uid, "followers"));
      assert.equal(c.following, await edgeCount(u.uid, "following"));
    }
    assert.equal(await edgeCount(a.uid, "following"), 0);
    assert.equal(await edgeCount(b.uid, "following"), 0);
  });
});
