import assert from "node:assert/strict";
import { db } from "../../src/kernel/app.js";
import { blockUser, followUser, getFollowSuggestions, listFollowers, listFollowing } from "../../src/social/callables.js";
import type { ListEdgesResponse, SuggestionsResponse } from "../../src/social/schema.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { useCleanStack } from "../support/stack.js";
import { makeUser, makeUsers, type SocialUser } from "./support.js";

const follow = (user: SocialUser, uid: string) => callInProcess(followUser, { user, data: { uid } });
const followers = (user: SocialUser, data: Record<string, unknown>) => callInProcess(listFollowers, { user, data }) as Promise<ListEdgesResponse>;

async function allPages(user: SocialUser, uid: string, limit: number, fn = listFollowers): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const page: ListEdgesResponse = await callInProcess(fn, { user, data: { uid, limit, cursor } });
    pages.push(page.items.map((i) => i.uid));
    cursor = page.nextCursor;
  } while (cursor && pages.length < 50);
  return pages;
}

describe("social: follower/following lists", () => {
  useCleanStack();

  it("paginates newest first without duplicates or gaps, with the mutual flag", async () => {
    const owner = await makeUser();
    const fans = await makeUsers(7);
    for (const f of fans) await follow(f, owner.uid); // sequential: distinct createdAt order
    await follow(owner, fans[2].uid);

    const pages = await allPages(owner, owner.uid, 3);
    assert.deepEqual(
      pages.map((p) => p.length),
      [3, 3, 1],
    );
    assert.deepEqual(pages.flat(), fans.map((f) => f.uid).reverse());

    const first = await followers(owner, { uid: owner.uid, limit: 10 });
    assert.equal(first.nextCursor, null);
    for (const item of first.items) assert.equal(item.mutual, item.uid === fans[2].uid, item.uid);
    assert.ok(first.items[0]?.followedAt);
    assert.equal(first.items[0]?.displayName, `User ${fans[6].uid}`);

    const following: ListEdgesResponse = await callInProcess(listFollowing, { user: fans[0], data: { uid: owner.uid, limit: 5 } });
    assert.deepEqual(
      following.items.map((i) => [i.uid, i.mutual]),
      [[fans[2].uid, true]],
    );
  });

  it("honours privacy.followers: nobody → owner only; friends → mutual followers only", async () => {
    const owner = await makeUser({ privacy: { followers: "nobody" } });
    const [friend, fan, stranger] = await makeUsers(3);
    await follow(friend, owner.uid);
    await follow(owner, friend.uid);
    await follow(fan, owner.uid);

    assert.equal((await followers(owner, { uid: owner.uid })).items.length, 2);
    for (const viewer of [friend, fan, stranger]) {
      await expectHttpsError(followers(viewer, { uid: owner.uid }), "permission-denied");
      await expectHttpsError(callInProcess(listFollowing, { user: viewer, data: { uid: owner.uid } }), "permission-denied");
    }

    await db().doc(`users/${owner.uid}`).update({ "privacy.followers": "friends" });
    assert.equal((await followers(friend, { uid: owner.uid })).items.length, 2);
    await expectHttpsError(followers(fan, { uid: owner.uid }), "permission-denied");
    await expectHttpsError(followers(stranger, { uid: owner.uid }), "permission-denied");

    await db().doc(`users/${owner.uid}`).update({ "privacy.followers": "everyone" });
    assert.equal((await followers(stranger, { uid: owner.uid })).items.length, 2);
  });

  it("hides users in a block with the viewer, and refuses the lists of a blocked pair", async () => {
    const owner = await makeUser();
    const [viewer, blockedByViewer, blockerOfViewer, other] = await makeUsers(4);
    for (const u of [blockedByViewer, blockerOfViewer, other]) await follow(u, owner.uid);
    await callInProcess(blockUser, { user: viewer, data: { uid: blockedByViewer.uid } });
    await callInProcess(blockUser, { user: blockerOfViewer, data: { uid: viewer.uid } });

    const seen = (await followers(viewer, { uid: owner.uid, limit: 10 })).items.map((i) => i.uid);
    assert.deepEqual(seen, [other.uid]);
    assert.equal((await followers(owner, { uid: owner.uid, limit: 10 })).items.length, 3);
    await expectHttpsError(followers(viewer, { uid: blockerOfViewer.uid }), "permission-denied");
  });

  it("rejects malformed requests and unknown users", async () => {
    const user = await makeUser();
    for (const data of [
      {},
      { uid: user.uid, limit: 0 },
      { uid: user.uid, limit: 101 },
      { uid: user.uid, extra: true },
      { uid: user.uid, cursor: "" },
    ]) {
      await expectHttpsError(followers(user, data), "invalid-argument");
    }
    await expectHttpsError(followers(user, { uid: user.uid, cursor: "not-a-cursor" }), "invalid-argument");
    await expectHttpsError(followers(user, { uid: "ghost" }), "not-found");
  });
});

describe("social: suggestions", () => {
  useCleanStack();

  it("suggests friends of friends, then popular hosts in my country, excluding me, followed and blocked users", async () => {
    const me = await makeUser({ country: "BR" });
    const [f1, f2, fof1, fof2, blocked] = await makeUsers(5);
    const hostBig = await makeUser({ country: "BR", followersCount: 500 }, ["host"]);
    const hostSmall = await makeUser({ country: "BR", followersCount: 5 }, ["host"]);
    await makeUser({ country: "US", followersCount: 9000 }, ["host"]);
    const followedHost = await makeUser({ country: "BR", followersCount: 100 }, ["host"]);

    await follow(me, f1.uid);
    await follow(me, f2.uid);
    await follow(me, followedHost.uid);
    await follow(f1, fof1.uid);
    await follow(f2, fof1.uid);
    await follow(f1, fof2.uid);
    await follow(f1, me.uid); // me: excluded
    await follow(f2, f1.uid); // already followed: excluded
    await follow(f1, blocked.uid);
    await callInProcess(blockUser, { user: blocked, data: { uid: me.uid } });

    const result: SuggestionsResponse = await callInProcess(getFollowSuggestions, { user: me, data: { limit: 10 } });
    assert.deepEqual(
      result.items.map((s) => [s.uid, s.reason, s.mutualCount]),
      [
        [fof1.uid, "friends-of-friends", 2],
        [fof2.uid, "friends-of-friends", 1],
        [hostBig.uid, "popular-host", 0],
        [hostSmall.uid, "popular-host", 0],
      ],
    );
    const limited: SuggestionsResponse = await callInProcess(getFollowSuggestions, { user: me, data: { limit: 1 } });
    assert.deepEqual(
      limited.items.map((s) => s.uid),
      [fof1.uid],
    );
    const none: SuggestionsResponse = await callInProcess(getFollowSuggestions, { user: await makeUser(), data: null });
    assert.deepEqual(none.items, []);
    // No argument at all (what `getFollowSuggestions()` sends) means the default limit, like null.
    assert.equal((await callInProcess(getFollowSuggestions, { user: me, data: undefined })).items.length, 4);
    await expectHttpsError(callInProcess(getFollowSuggestions, { user: me, data: { limit: 500 } }), "invalid-argument");
  });
});
