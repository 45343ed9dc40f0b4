import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { getExplore, getHashtagPosts, recordPostView } from "../../src/feeds/callables.js";
import { type Engagement, recordEngagement } from "../../src/feeds/explore.js";
import { dayIncrement, dayOf, decayRate } from "../../src/feeds/trend-score.js";
import { onPostLikedTrend } from "../../src/feeds/triggers.js";
import { redis } from "../../src/kernel/redis.js";
import { deletePost, editPost } from "../../src/posts/callables.js";
import type { ListPostsResponse } from "../../src/posts/schema.js";
import { block, makeUser, makeUsers, publish, type SocialUser, useCleanPostsStack } from "../posts/support.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths } from "../support/firestore.js";
import { deliverDocumentCreated } from "../support/triggers.js";

const HOUR = 3_600_000;
const explore = (user: SocialUser, data: Record<string, unknown> = {}) => callInProcess(getExplore, { user, data }) as Promise<ListPostsResponse>;
const hashtag = (user: SocialUser, data: Record<string, unknown>) => callInProcess(getHashtagPosts, { user, data }) as Promise<ListPostsResponse>;
const ids = (page: ListPostsResponse) => page.items.map((item) => item.postId);

function engage(postId: string, actorUid: string, kind: Engagement["kind"], hoursAgo: number): Promise<boolean> {
  return recordEngagement({ eventId: randomUUID(), postId, kind, actorUid, atMs: Date.now() - hoursAgo * HOUR });
}

describe("feeds: explore and hashtag pages", () => {
  useCleanPostsStack();

  it("ranks by decayed engagement: older engagement counts less; equal scores by post id", async () => {
    const [author, fan, viewer] = await makeUsers(3);
    const [old, recent, commented, tieA, tieB] = await Promise.all(
      ["old", "recent", "commented", "tie a", "tie b"].map((text) => publish(author, { text })),
    );
    const at = Date.now() - 2 * HOUR;
    // 3 likes 18 hours ago (three half-lives: 3/8) < 1 like an hour ago (~0.89) < 1 comment 6 hours ago (3/2).
    for (let i = 0; i < 3; i++) await engage(old.postId, fan.uid, "like", 18);
    await engage(recent.postId, fan.uid, "like", 1);
    await engage(commented.postId, fan.uid, "comment", 6);
    for (const post of [tieA, tieB])
      await recordEngagement({ eventId: randomUUID(), postId: post.postId, kind: "view", actorUid: fan.uid, atMs: at });

    const ties = [tieA.postId, tieB.postId].sort();
    assert.deepEqual(ids(await explore(viewer)), [commented.postId, recent.postId, old.postId, ...ties]);
    const first = await explore(viewer, { limit: 2 });
    assert.deepEqual(ids(first), [commented.postId, recent.postId]);
    assert.ok(first.nextCursor);
    const second = await explore(viewer, { limit: 2, cursor: first.nextCursor });
    assert.deepEqual(ids(second), [old.postId, ties[0]]);
  });

  it("counts an engagement event once, however often it is delivered", async () => {
    const [author, fan] = await makeUsers(2);
    const { postId } = await publish(author, { text: "liked" });
    const eventId = randomUUID();
    await deliverDocumentCreated(onPostLikedTrend, `posts/${postId}/likes/${fan.uid}`, { uid: fan.uid, postId, commentId: null }, eventId, {
      postId,
      uid: fan.uid,
    });
    await deliverDocumentCreated(onPostLikedTrend, `posts/${postId}/likes/${fan.uid}`, { uid: fan.uid, postId, commentId: null }, eventId, {
      postId,
      uid: fan.uid,
    });
    const score = Number(await redis()?.zscore(`trend:{global}:${dayOf(Date.now())}`, postId));
    const once = dayIncrement(1, Date.now(), decayRate(6));
    assert.ok(score > 0 && score <= once && score > once * 0.99, `${score} is one like (${once})`);
  });

  it("ranks per country of the engaging user, and globally", async () => {
    const author = await makeUser();
    const brazilian = await makeUser({ country: "BR" });
    const american = await makeUser({ country: "US" });
    const viewer = await makeUser();
    const [samba, jazz] = await Promise.all([publish(author, { text: "samba" }), publish(author, { text: "jazz" })]);
    await engage(samba.postId, brazilian.uid, "like", 0);
    await engage(jazz.postId, american.uid, "comment", 0);
    assert.deepEqual(ids(await explore(viewer, { country: "BR" })), [samba.postId]);
    assert.deepEqual(ids(await explore(viewer, { country: "US" })), [jazz.postId]);
    assert.deepEqual(ids(await explore(viewer, { country: "FR" })), []);
    assert.deepEqual(ids(await explore(viewer)), [jazz.postId, samba.postId]);
  });

  it("never shows private, followers-only, deleted posts or posts across a block, in explore or on hashtag pages", async () => {
    const [author, blocker, blockedAuthor, viewer, fan] = await makeUsers(5);
    const open = await publish(author, { text: "open #Beach" });
    const turnedPrivate = await publish(author, { text: "later private #beach" });
    const fansOnly = await publish(author, { text: "fans #beach", visibility: "followers" });
    const mine = await publish(author, { text: "mine #beach", visibility: "private" });
    const deleted = await publish(author, { text: "gone #beach" });
    const byBlocker = await publish(blocker, { text: "blocker #beach" });
    const byBlocked = await publish(blockedAuthor, { text: "blocked #beach" });
    for (const post of [open, turnedPrivate, fansOnly, mine, deleted, byBlocker, byBlocked]) await engage(post.postId, fan.uid, "share", 0);
    await callInProcess(editPost, { user: author, data: { postId: turnedPrivate.postId, visibility: "private" } });
    await callInProcess(deletePost, { user: author, data: { postId: deleted.postId } });
    await block(blocker, viewer.uid);
    await block(viewer, blockedAuthor.uid);

    assert.deepEqual(ids(await explore(viewer)), [open.postId]);
    assert.deepEqual(ids(await hashtag(viewer, { tag: "#BEACH" })), [open.postId]);
    assert.deepEqual(ids(await hashtag(fan, { tag: "beach" })), [byBlocked.postId, byBlocker.postId, open.postId]);
    assert.deepEqual(ids(await explore(fan)).sort(), [open.postId, byBlocker.postId, byBlocked.postId].sort());
  });

  it("pages a hashtag newest first with cursors", async () => {
    const [author, viewer] = await makeUsers(2);
    const published: string[] = [];
    for (let i = 0; i < 5; i++) published.push((await publish(author, { text: `day ${i} #sunset` })).postId);
    await publish(author, { text: "no tag" });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ListPostsResponse = await hashtag(viewer, { tag: "Sunset", limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, [...published].reverse());
  });

  it("records a view once per viewer and day, only of a post the viewer may see", async () => {
    const [author, viewer] = await makeUsers(2);
    const open = await publish(author, { text: "seen" });
    const hidden = await publish(author, { text: "hidden", visibility: "private" });
    assert.deepEqual(await callInProcess(recordPostView, { user: viewer, data: { postId: open.postId } }), { counted: true });
    assert.deepEqual(await callInProcess(recordPostView, { user: viewer, data: { postId: open.postId } }), { counted: false });
    const err = await expectHttpsError(callInProcess(recordPostView, { user: viewer, data: { postId: hidden.postId } }), "not-found");
    assert.equal((err.details as { reason?: string }).reason, "post-unavailable");
    assert.deepEqual(ids(await explore(viewer)), [open.postId]);
  });

  it("refuses malformed requests with invalid-argument and writes nothing", async () => {
    const viewer = await makeUser();
    const before = await allPaths();
    const keysBefore = await redis()?.keys("trend:*");
    const cases: [typeof getExplore | typeof getHashtagPosts | typeof recordPostView, Record<string, unknown>][] = [
      [getExplore, { country: "br" }],
      [getExplore, { country: "BRA" }],
      [getExplore, { limit: 0 }],
      [getExplore, { cursor: "not-a-cursor" }],
      [getExplore, { extra: 1 }],
      [getHashtagPosts, {}],
      [getHashtagPosts, { tag: "" }],
      [getHashtagPosts, { tag: "two words" }],
      [getHashtagPosts, { tag: "beach", limit: 51 }],
      [getHashtagPosts, { tag: "beach", cursor: "garbage" }],
      [recordPostView, {}],
      [recordPostView, { postId: "a/b" }],
    ];
    for (const [fn, data] of cases) await expectHttpsError(callInProcess(fn as typeof getExplore, { user: viewer, data }), "invalid-argument");
    assert.deepEqual(await allPaths(), before);
    assert.deepEqual(await redis()?.keys("trend:*"), keysBefore);
  });
});
