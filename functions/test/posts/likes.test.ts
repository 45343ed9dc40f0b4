import assert from "node:assert/strict";
import { db } from "../../src/kernel/app.js";
import { getPost } from "../../src/posts/callables.js";
import type { PostView } from "../../src/posts/schema.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { block, comment, follow, like, makeUser, makeUsers, outbox, publish, type SocialUser, shardTotals, useCleanPostsStack } from "./support.js";

const read = (user: SocialUser, postId: string) => callInProcess(getPost, { user, data: { postId } }) as Promise<PostView>;

describe("posts: likes", () => {
  useCleanPostsStack();

  it("keeps the like count exact under 100 concurrent likes, then concurrent unlikes, relikes and repeats", async function () {
    this.timeout(180_000);
    const author = await makeUser();
    const { postId } = await publish(author, { text: "going viral" });
    const fans = await Promise.all(Array.from({ length: 100 }, () => makeUser()));
    const postBefore = await docData(`posts/${postId}`);

    const liked = await Promise.all(fans.map((fan) => like(fan, postId)));
    assert.ok(liked.every((r) => r.liked && r.changed));
    assert.equal((await read(author, postId)).counts.likes, 100);
    assert.equal((await db().collection(`posts/${postId}/likes`).count().get()).data().count, 100);
    // The post document never took a write: the counts are on (at most config.counterShards) shards.
    assert.deepEqual(await docData(`posts/${postId}`), postBefore);
    assert.ok((await db().collection(`posts/${postId}/shards`).get()).size <= 10);

    // Half take their like back while the other half like again (a no-op), all at once.
    const [leaving, staying] = [fans.slice(0, 50), fans.slice(50)];
    const mixed = await Promise.all([...leaving.map((fan) => like(fan, postId, false)), ...staying.map((fan) => like(fan, postId))]);
    assert.equal(mixed.filter((r) => r.changed).length, 50);
    assert.equal((await read(author, postId)).counts.likes, 50);

    // The leavers like again, each twice at once: only one of each pair counts.
    const relikes = await Promise.all(leaving.flatMap((fan) => [like(fan, postId), like(fan, postId)]));
    assert.equal(relikes.filter((r) => r.changed).length, 50);
    assert.equal((await read(author, postId)).counts.likes, 100);
    assert.deepEqual(await shardTotals(`posts/${postId}`), { likes: 100, comments: 0, reposts: 0 });
    assert.equal((await read(fans[0] as SocialUser, postId)).likedByMe, true);
  });

  it("notifies the author once per liker, however often they unlike and like again, and never for their own like", async () => {
    const [author, fan] = await makeUsers(2);
    const { postId } = await publish(author, { text: "hi" });
    await like(fan, postId);
    await like(fan, postId, false);
    await like(fan, postId);
    await like(author, postId);
    const records = await outbox(author.uid, "post-like");
    assert.equal(records.length, 1);
    assert.deepEqual(records[0]?.data, { postId, likerName: `User ${fan.uid}` });
    assert.equal(records[0]?.actorUid, fan.uid);
  });

  it("keeps a like whose notice cannot be queued (the liker's name is too long for a notice)", async () => {
    const author = await makeUser();
    const fan = await makeUser({ displayName: "x".repeat(600) });
    const { postId } = await publish(author, { text: "hi" });
    assert.deepEqual(await like(fan, postId), { liked: true, changed: true });
    assert.equal((await read(author, postId)).counts.likes, 1);
    assert.deepEqual(await outbox(author.uid, "post-like"), []);
  });

  it("likes comments on their own counter, notifying the comment's author", async () => {
    const [author, commenter, fan] = await makeUsers(3);
    const { postId } = await publish(author, { text: "hi" });
    const { commentId } = await comment(commenter, postId, "nice");
    await Promise.all([like(fan, postId, true, commentId), like(fan, postId, true, commentId), like(author, postId, true, commentId)]);
    assert.deepEqual(await shardTotals(`posts/${postId}/comments/${commentId}`), { likes: 2, replies: 0 });
    assert.deepEqual(await shardTotals(`posts/${postId}`), { likes: 0, comments: 1, reposts: 0 });
    assert.deepEqual(
      (await outbox(commenter.uid, "post-like")).map((r) => r.data).sort((a, b) => String(a.likerName).localeCompare(String(b.likerName))),
      [
        { postId, commentId, likerName: `User ${fan.uid}` },
        { postId, commentId, likerName: `User ${author.uid}` },
      ].sort((a, b) => a.likerName.localeCompare(b.likerName)),
    );
    await like(fan, postId, false, commentId);
    assert.deepEqual(await shardTotals(`posts/${postId}/comments/${commentId}`), { likes: 1, replies: 0 });
    await expectHttpsError(like(fan, postId, true, "no-such-comment"), "not-found");
  });

  it("refuses likes across a block and on posts the caller may not see; taking a like back always works", async () => {
    const [author, fan, stranger] = await makeUsers(3);
    const { postId } = await publish(author, { text: "hi" });
    const fans = await publish(author, { text: "followers", visibility: "followers" });
    await like(fan, postId);
    await block(author, fan.uid);
    const before = await allPaths();
    const blocked = await expectHttpsError(like(fan, postId), "permission-denied");
    assert.equal((blocked.details as { reason?: string }).reason, "blocked");
    await expectHttpsError(like(stranger, fans.postId), "not-found");
    await expectHttpsError(like(stranger, "no-such-post"), "not-found");
    assert.deepEqual(await allPaths(), before);

    assert.deepEqual(await like(fan, postId, false), { liked: false, changed: true });
    assert.deepEqual(await shardTotals(`posts/${postId}`), { likes: 0, comments: 0, reposts: 0 });
    await follow(stranger, author.uid);
    assert.deepEqual(await like(stranger, fans.postId), { liked: true, changed: true });
  });
});
