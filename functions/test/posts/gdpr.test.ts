import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { runAccountDeletion } from "../../src/gdpr/deletion.js";
import { buildExport } from "../../src/gdpr/export.js";
import { db } from "../../src/kernel/app.js";
import { createStory, replyToStory, viewStory } from "../../src/posts/stories/callables.js";
import type { CreateStoryResponse } from "../../src/posts/stories/schema.js";
import { callInProcess } from "../support/callables.js";
import { allPaths } from "../support/firestore.js";
import { comment, like, makeUsers, publish, type SocialUser, shardTotals, useCleanPostsStack } from "./support.js";

const story = (user: SocialUser, text: string) =>
  callInProcess(createStory, { user, data: { text, visibility: "public", requestId: randomUUID() } }) as Promise<CreateStoryResponse>;

describe("posts: GDPR export and account deletion", () => {
  useCleanPostsStack();

  it("exports the user's posts, comments, likes, stories and story replies (direct messages); deletion removes or anonymises them and gives the counts back", async function () {
    this.timeout(60_000);
    const [subject, other, third] = await makeUsers(3);
    const own = await publish(subject, { text: "my post" });
    await comment(other, own.postId, "nice post");
    await like(other, own.postId);
    const theirs = await publish(other, { text: "their post" });
    const kept = await comment(third, theirs.postId, "kept");
    const mine = await comment(subject, theirs.postId, "my comment");
    await comment(third, theirs.postId, "a reply to the subject", mine.commentId);
    await like(subject, theirs.postId);
    await like(third, theirs.postId);
    await like(subject, theirs.postId, true, kept.commentId);
    const ownStory = await story(subject, "my story");
    await callInProcess(viewStory, { user: other, data: { storyId: ownStory.storyId } });
    const theirStory = await story(other, "their story");
    await callInProcess(viewStory, { user: subject, data: { storyId: theirStory.storyId } });
    await callInProcess(viewStory, { user: third, data: { storyId: theirStory.storyId } });
    await callInProcess(replyToStory, { user: subject, data: { storyId: theirStory.storyId, text: "my reply", requestId: randomUUID() } });

    const bundle = await buildExport(subject.uid);
    assert.deepEqual(
      bundle.posts.map((p) => p.text),
      ["my post"],
    );
    assert.deepEqual(
      bundle.comments.map((c) => c.text),
      ["my comment"],
    );
    assert.deepEqual(bundle.likes.map((l) => [l.postId, l.commentId]).sort(), [
      [theirs.postId, null],
      [theirs.postId, kept.commentId],
    ]);
    assert.deepEqual(
      bundle.stories.map((s) => s.text),
      ["my story"],
    );
    assert.deepEqual(
      bundle.directMessages.sent.map((r) => [r.text, r.storyId]),
      [["my reply", theirStory.storyId]],
    );

    const result = await runAccountDeletion(subject.uid);
    assert.equal(result.status, "done");
    const paths = await allPaths();
    assert.deepEqual(
      paths.filter((p) => p.startsWith(`posts/${own.postId}`) || p.startsWith(`stories/${ownStory.storyId}`)),
      [],
    );
    assert.ok(!paths.some((p) => p.endsWith(`/likes/${subject.uid}`) || p.endsWith(`/viewers/${subject.uid}`)));
    // Their post keeps the third user's comment and like only; the subject's comment went with its reply.
    assert.deepEqual(await shardTotals(`posts/${theirs.postId}`), { likes: 1, comments: 1, reposts: 0 });
    assert.deepEqual(await shardTotals(`posts/${theirs.postId}/comments/${kept.commentId}`), { likes: 0, replies: 0 });
    assert.deepEqual(await shardTotals(`stories/${theirStory.storyId}`), { views: 1 });
    assert.equal((await db().collection(`posts/${theirs.postId}/comments`).get()).size, 1);
    const after = await buildExport(subject.uid);
    for (const part of [after.posts, after.comments, after.likes, after.stories, after.directMessages.sent]) assert.deepEqual(part, []);
  });

  it("exports likes beyond one page of a collection-group query", async function () {
    this.timeout(60_000);
    const [subject] = await makeUsers(1);
    const batch = db().batch();
    for (let n = 0; n < 501; n++) {
      batch.set(db().doc(`posts/p${String(n).padStart(3, "0")}/likes/${subject.uid}`), { uid: subject.uid, postId: `p${n}`, commentId: null });
    }
    await batch.commit();
    assert.equal((await buildExport(subject.uid)).likes.length, 501);
  });
});
