import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { commentOnPost, deleteComment, getPost, listComments } from "../../src/posts/callables.js";
import type { ListCommentsResponse, PostView } from "../../src/posts/schema.js";
import { reportContent } from "../../src/social/callables.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { block, comment, like, makeUsers, outbox, publish, type SocialUser, shardTotals, useCleanPostsStack } from "./support.js";

const comments = (user: SocialUser, postId: string, extra: Record<string, unknown> = {}) =>
  callInProcess(listComments, { user, data: { postId, ...extra } }) as Promise<ListCommentsResponse>;
const remove = (user: SocialUser, postId: string, commentId: string) => callInProcess(deleteComment, { user, data: { postId, commentId } });
const read = (user: SocialUser, postId: string) => callInProcess(getPost, { user, data: { postId } }) as Promise<PostView>;

async function reasonOf(promise: Promise<unknown>, code: Parameters<typeof expectHttpsError>[1]): Promise<unknown> {
  return ((await expectHttpsError(promise, code)).details as { reason?: string } | undefined)?.reason;
}

describe("posts: comments and replies", () => {
  useCleanPostsStack();

  it("adds comments and one level of replies with exact counts, and notifies the post's and the parent's authors", async () => {
    const [author, alice, bob] = await makeUsers(3);
    const { postId } = await publish(author, { text: "hi" });
    const first = await comment(alice, postId, "first!");
    const reply = await comment(bob, postId, "welcome", first.commentId);
    await comment(author, postId, "thanks", first.commentId);
    assert.equal(await reasonOf(comment(bob, postId, "deeper", reply.commentId), "failed-precondition"), "reply-depth");

    assert.equal((await read(bob, postId)).counts.comments, 3);
    assert.deepEqual(await shardTotals(`posts/${postId}/comments/${first.commentId}`), { likes: 0, replies: 2 });
    const top = await comments(bob, postId);
    assert.deepEqual(
      top.items.map((c) => [c.commentId, c.text, c.counts.replies]),
      [[first.commentId, "first!", 2]],
    );
    const replies = await comments(bob, postId, { parentId: first.commentId });
    assert.deepEqual(
      replies.items.map((c) => [c.authorUid, c.text, c.parentId]),
      [
        [bob.uid, "welcome", first.commentId],
        [author.uid, "thanks", first.commentId],
      ],
    );

    assert.deepEqual(
      (await outbox(author.uid, "post-comment")).map((r) => r.data.commenterName),
      [`User ${alice.uid}`, `User ${bob.uid}`],
    );
    assert.deepEqual(
      (await outbox(alice.uid, "comment-reply")).map((r) => r.data.commenterName),
      [`User ${bob.uid}`, `User ${author.uid}`],
    );
    assert.deepEqual(await outbox(author.uid, "comment-reply"), []);
    assert.deepEqual(await outbox(bob.uid, "post-comment"), []);
  });

  it("masks banned words and refuses a comment that is nothing but abuse, writing nothing", async () => {
    const [author, rude] = await makeUsers(2);
    const { postId } = await publish(author, { text: "hi" });
    const masked = await comment(rude, postId, "what a fucking great view");
    const stored = await docData(`posts/${postId}/comments/${masked.commentId}`);
    assert.notEqual(stored?.text, "what a fucking great view");
    assert.match(String(stored?.text), /^what a \*+\w* great view$/);
    assert.equal(stored?.moderation, "masked");
    const before = await allPaths();
    assert.equal(await reasonOf(comment(rude, postId, "fuck"), "invalid-argument"), "text-not-allowed");
    assert.deepEqual(await allPaths(), before);
  });

  it("blocks: no comments across a block, and a blocked user's comments are hidden from the blocker", async () => {
    const [author, fan, troll] = await makeUsers(3);
    const { postId } = await publish(author, { text: "hi" });
    const fanComment = await comment(fan, postId, "hello");
    const trollComment = await comment(troll, postId, "hmm");
    await block(fan, troll.uid);
    assert.deepEqual(
      (await comments(fan, postId)).items.map((c) => c.commentId),
      [fanComment.commentId],
    );
    assert.deepEqual(
      (await comments(author, postId)).items.map((c) => c.commentId),
      [fanComment.commentId, trollComment.commentId],
    );
    assert.equal(await reasonOf(comment(troll, postId, "reply", fanComment.commentId), "permission-denied"), "blocked");
    await block(author, troll.uid);
    assert.equal(await reasonOf(comment(troll, postId, "again"), "permission-denied"), "blocked");
    assert.equal(await reasonOf(comments(troll, postId), "not-found"), "post-unavailable");
  });

  it("deletes: the author their own comment, the post's author any comment (replies with it); counts follow", async () => {
    const [author, alice, bob, carol] = await makeUsers(4);
    const { postId } = await publish(author, { text: "hi" });
    const top = await comment(alice, postId, "top");
    const replyByBob = await comment(bob, postId, "reply 1", top.commentId);
    await comment(carol, postId, "reply 2", top.commentId);
    const other = await comment(bob, postId, "other");
    await like(carol, postId, true, replyByBob.commentId);
    assert.equal((await read(alice, postId)).counts.comments, 4);

    assert.equal(await reasonOf(remove(carol, postId, other.commentId), "permission-denied"), "not-author");
    assert.deepEqual(await remove(bob, postId, replyByBob.commentId), { deleted: true });
    assert.deepEqual(await remove(bob, postId, replyByBob.commentId), { deleted: false });
    assert.equal((await read(alice, postId)).counts.comments, 3);
    assert.deepEqual(await shardTotals(`posts/${postId}/comments/${top.commentId}`), { likes: 0, replies: 1 });
    assert.equal(await docData(`posts/${postId}/comments/${replyByBob.commentId}/likes/${carol.uid}`), undefined);

    // The post's author removes alice's comment: its remaining reply goes with it.
    assert.deepEqual(await remove(author, postId, top.commentId), { deleted: true });
    assert.equal((await read(alice, postId)).counts.comments, 1);
    assert.deepEqual(
      (await comments(alice, postId)).items.map((c) => c.commentId),
      [other.commentId],
    );
    const left = (await allPaths()).filter((p) => p.startsWith(`posts/${postId}/comments/`));
    assert.ok(left.every((p) => p.startsWith(`posts/${postId}/comments/${other.commentId}`)));
  });

  it("comments are reported to the moderation queue like any content", async () => {
    const [author, reporter] = await makeUsers(2);
    const { postId } = await publish(author, { text: "hi" });
    const { commentId } = await comment(author, postId, "spam spam");
    const data = { targetType: "comment", targetId: `${postId}/${commentId}`, reason: "spam", requestId: randomUUID() };
    const { reportId } = (await callInProcess(reportContent, { user: reporter, data })) as { reportId: string };
    assert.equal((await docData(`reports/${reportId}`))?.targetType, "comment");
    await expectHttpsError(
      callInProcess(commentOnPost, { user: reporter, data: { postId, text: "x", requestId: randomUUID(), parentId: "a b" } }),
      "invalid-argument",
    );
  });
});
