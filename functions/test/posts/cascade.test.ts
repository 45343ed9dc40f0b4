import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { db } from "../../src/kernel/app.js";
import { cleanUpMedia } from "../../src/media/uploads/cleanup.js";
import { deletePost, editPost, getPost, removePostContent, repostPost } from "../../src/posts/callables.js";
import { cascadePostDeletion, sweepDeletedPosts } from "../../src/posts/cascade.js";
import type { CreatePostResponse, PostView } from "../../src/posts/schema.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { createTestUser } from "../support/users.js";
import { comment, like, makeMedia, makeUsers, outbox, publish, type SocialUser, shardTotals, useCleanPostsStack } from "./support.js";

const erase = (user: SocialUser, postId: string) => callInProcess(deletePost, { user, data: { postId } });
const read = (user: SocialUser, postId: string) => callInProcess(getPost, { user, data: { postId } }) as Promise<PostView>;
const share = (user: SocialUser, postId: string) =>
  callInProcess(repostPost, { user, data: { postId, visibility: "public", requestId: randomUUID() } }) as Promise<CreatePostResponse>;

describe("posts: deletion cascade and removal by staff", () => {
  useCleanPostsStack();

  it("a deleted post disappears at once; the cascade removes comments, likes, counters and revisions, detaches reposts and marks media", async () => {
    const [author, alice, bob] = await makeUsers(3);
    const media = await makeMedia(author.uid);
    const { postId } = await publish(author, { text: "bye", mediaIds: [media] });
    await callInProcess(editPost, { user: author, data: { postId, text: "bye!" } });
    const top = await comment(alice, postId, "noo");
    const reply = await comment(bob, postId, "why", top.commentId);
    await Promise.all([
      like(alice, postId),
      like(bob, postId),
      like(author, postId, true, top.commentId),
      like(alice, postId, true, reply.commentId),
    ]);
    const repost = await share(bob, postId);
    const unrelated = await publish(alice, { text: "still here" });
    await like(bob, unrelated.postId);

    assert.deepEqual(await erase(bob, postId).catch((err) => err.details), { reason: "not-author" });
    assert.deepEqual(await erase(author, postId), { deleted: true });
    assert.deepEqual(await erase(author, postId), { deleted: false });
    await expectHttpsError(read(alice, postId), "not-found");
    await expectHttpsError(like(alice, postId, true), "not-found");
    await expectHttpsError(comment(alice, postId, "late"), "not-found");

    assert.equal(await cascadePostDeletion(postId), "done");
    const left = (await allPaths()).filter((path) => path.startsWith(`posts/${postId}`));
    assert.deepEqual(left, []);
    assert.equal(((await docData(`posts/${repost.postId}`))?.repostOf as { available?: boolean } | undefined)?.available, false);
    const marked = await docData(`media/${media}`);
    assert.ok(marked?.deleteRequestedAt);
    assert.equal(marked?.deleteReason, "post-deleted");
    // The media domain's cleanup removes what the cascade marked.
    assert.deepEqual(await cleanUpMedia(Date.now() + 1000), { markedDeleted: 1, abandonedDeleted: 0 });
    assert.equal(await docData(`media/${media}`), undefined);
    // Nothing else was touched, and a second run finds nothing to do.
    assert.equal((await read(alice, unrelated.postId)).counts.likes, 1);
    const after = await allPaths();
    assert.equal(await cascadePostDeletion(postId), "done");
    assert.deepEqual(await allPaths(), after);
  });

  it("deleting a repost gives the original its count back; the sweep cascades deletions whose task was lost", async () => {
    const [author, sharer] = await makeUsers(2);
    const original = await publish(author, { text: "original" });
    const repost = await share(sharer, original.postId);
    assert.deepEqual(await shardTotals(`posts/${original.postId}`), { likes: 0, comments: 0, reposts: 1 });
    await erase(sharer, repost.postId);
    assert.deepEqual(await shardTotals(`posts/${original.postId}`), { likes: 0, comments: 0, reposts: 0 });

    await db()
      .doc(`posts/${repost.postId}`)
      .update({ deletedAt: new Date(Date.now() - 20 * 60_000) });
    assert.equal(await sweepDeletedPosts(), 1);
    assert.equal(await docData(`posts/${repost.postId}`), undefined);
    assert.equal(await sweepDeletedPosts(), 0);
    // An active post is never cascaded.
    assert.equal(await cascadePostDeletion(original.postId), "not-deleted");
  });

  it("moderators remove a post or a comment: hidden, audited, counted out, and the author notified; others are refused", async () => {
    const moderator = await createTestUser({ roles: ["moderator"] });
    const [author, commenter] = await makeUsers(2);
    const { postId } = await publish(author, { text: "borderline" });
    const { commentId } = await comment(commenter, postId, "rude remark");
    const remove = (data: Record<string, unknown>) =>
      callInProcess(removePostContent, { user: moderator, data: { postId, reason: "community guidelines", requestId: randomUUID(), ...data } });

    await expectHttpsError(
      callInProcess(removePostContent, { user: author, data: { postId, reason: "mine", requestId: randomUUID() } }),
      "permission-denied",
    );
    const before = await allPaths();
    const requestId = randomUUID();
    for (const data of [
      null,
      { postId, reason: "spam" },
      { postId, reason: "", requestId },
      { postId, reason: "x".repeat(501), requestId },
      { postId: "a/b", reason: "spam", requestId },
      { postId, commentId: "", reason: "spam", requestId },
      { postId, reason: "spam", requestId, notify: false },
    ]) {
      await expectHttpsError(callInProcess(removePostContent, { user: moderator, data }), "invalid-argument");
    }
    assert.deepEqual(await allPaths(), before);
    assert.deepEqual(await remove({ commentId }), { removed: true });
    assert.deepEqual(await shardTotals(`posts/${postId}`), { likes: 0, comments: 0, reposts: 0 });
    assert.deepEqual(
      (await outbox(commenter.uid, "content-removed")).map((r) => r.data),
      [{ contentType: "comment", postId, commentId, reason: "community guidelines" }],
    );

    assert.deepEqual(await remove({}), { removed: true });
    assert.deepEqual(await remove({}), { removed: false });
    await expectHttpsError(read(commenter, postId), "not-found");
    await expectHttpsError(read(author, postId), "not-found");
    assert.equal((await docData(`posts/${postId}`))?.status, "removed");
    assert.deepEqual(
      (await outbox(author.uid, "content-removed")).map((r) => r.data),
      [{ contentType: "post", postId, reason: "community guidelines" }],
    );
    const audit = await db().collection("auditLog").where("actorUid", "==", moderator.uid).get();
    assert.deepEqual(audit.docs.map((d) => [d.get("action"), d.get("targetUid"), d.get("reason")]).sort(), [
      ["posts.comment.remove", commenter.uid, "community guidelines"],
      ["posts.post.remove", author.uid, "community guidelines"],
    ]);
    // A removed post is kept for the record: the cascade leaves it.
    assert.equal(await cascadePostDeletion(postId), "not-deleted");
    await expectHttpsError(remove({ postId: "no-such-post" }), "not-found");
  });
});
