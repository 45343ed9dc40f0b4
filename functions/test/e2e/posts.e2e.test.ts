/**
 * End to end over HTTP, as the mobile app calls them: a post with a like and a comment, its deletion
 * cascaded by the Cloud Tasks emulator through the deployed task function, and a story with its viewers.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { PostView } from "../../src/posts/schema.js";
import type { ListStoryViewersResponse } from "../../src/posts/stories/schema.js";
import { callOverHttp } from "../support/callables.js";
import { callOk, signUp, useStackAdmin } from "../support/e2e.js";
import { waitUntil } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";

describe("e2e: posts and stories over HTTP", function () {
  this.timeout(240_000);
  useCleanStack();
  const stack = useStackAdmin();

  it("publishes, likes, comments, reads, then deletes a post, the task cascading its comments and likes", async () => {
    const [ana, ben] = await Promise.all([signUp(stack, "ana"), signUp(stack, "ben")]);
    const { postId } = await callOk<{ postId: string }>(
      "createPost",
      { text: "first post #Hello", visibility: "public", requestId: randomUUID() },
      ana,
    );
    assert.deepEqual(await callOk("likePost", { postId, liked: true }, ben), { liked: true, changed: true });
    const { commentId } = await callOk<{ commentId: string }>("commentOnPost", { postId, text: "welcome!", requestId: randomUUID() }, ben);
    const view = await callOk<PostView>("getPost", { postId }, ben);
    assert.deepEqual(view.hashtags, ["hello"]);
    assert.deepEqual(view.counts, { likes: 1, comments: 1, reposts: 0 });
    assert.equal(view.likedByMe, true);

    const malformed = await callOverHttp("createPost", { text: "x", visibility: "everyone", requestId: randomUUID() }, ana.idToken);
    assert.equal(malformed.error?.status, "INVALID_ARGUMENT", JSON.stringify(malformed));

    assert.deepEqual(await callOk("deletePost", { postId }, ana), { deleted: true });
    const gone = await callOverHttp("getPost", { postId }, ben.idToken);
    assert.equal(gone.error?.status, "NOT_FOUND", JSON.stringify(gone));
    await waitUntil("the cascade task deleting the post", async () => !(await stack.firestore.doc(`posts/${postId}`).get()).exists, 150_000);
    assert.equal((await stack.firestore.doc(`posts/${postId}/comments/${commentId}`).get()).exists, false);
    assert.equal((await stack.firestore.doc(`posts/${postId}/likes/${ben.localId}`).get()).exists, false);
  });

  it("a story, viewed once per viewer, its viewers listed to the author", async () => {
    const [ana, ben] = await Promise.all([signUp(stack, "ana"), signUp(stack, "ben")]);
    const { storyId } = await callOk<{ storyId: string }>("createStory", { text: "hello", visibility: "public", requestId: randomUUID() }, ana);
    assert.equal((await callOk<{ recorded: boolean }>("viewStory", { storyId }, ben)).recorded, true);
    assert.equal((await callOk<{ recorded: boolean }>("viewStory", { storyId }, ben)).recorded, false);
    const viewers = await callOk<ListStoryViewersResponse>("listStoryViewers", { storyId }, ana);
    assert.equal(viewers.viewCount, 1);
    assert.deepEqual(
      viewers.items.map((v) => v.uid),
      [ben.localId],
    );
  });
});
