import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { db } from "../../src/kernel/app.js";
import { cleanUpMedia } from "../../src/media/uploads/cleanup.js";
import { createStory, deleteStory, listStories, listStoryViewers, replyToStory, viewStory } from "../../src/posts/stories/callables.js";
import type {
  CreateStoryResponse,
  ListStoriesResponse,
  ListStoryViewersResponse,
  ReplyToStoryResponse,
  ViewStoryResponse,
} from "../../src/posts/stories/schema.js";
import { cleanupExpiredStories } from "../../src/posts/stories/stories.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { block, follow, makeMedia, makeUsers, outbox, type SocialUser, useCleanPostsStack } from "./support.js";

const post = (user: SocialUser, data: Record<string, unknown>) =>
  callInProcess(createStory, { user, data: { visibility: "public", requestId: randomUUID(), ...data } }) as Promise<CreateStoryResponse>;
const stories = (user: SocialUser, uid: string) => callInProcess(listStories, { user, data: { uid } }) as Promise<ListStoriesResponse>;
const view = (user: SocialUser, storyId: string) => callInProcess(viewStory, { user, data: { storyId } }) as Promise<ViewStoryResponse>;
const viewers = (user: SocialUser, storyId: string, extra: Record<string, unknown> = {}) =>
  callInProcess(listStoryViewers, { user, data: { storyId, ...extra } }) as Promise<ListStoryViewersResponse>;
const reply = (user: SocialUser, storyId: string, text: string) =>
  callInProcess(replyToStory, { user, data: { storyId, text, requestId: randomUUID() } }) as Promise<ReplyToStoryResponse>;

async function reasonOf(promise: Promise<unknown>, code: Parameters<typeof expectHttpsError>[1]): Promise<unknown> {
  return ((await expectHttpsError(promise, code)).details as { reason?: string } | undefined)?.reason;
}

/** Moves a story's expiry into the past, as if its 24 hours were over and TTL had not deleted it yet. */
const expire = (storyId: string) =>
  db()
    .doc(`stories/${storyId}`)
    .update({ expiresAt: new Date(Date.now() - 1000) });

describe("posts: stories", () => {
  useCleanPostsStack();

  it("publishes text and media stories for 24 hours; an expired story is gone from every read before TTL deletes it", async () => {
    const [author, viewer] = await makeUsers(2);
    const image = await makeMedia(author.uid);
    const text = await post(author, { text: "good morning" });
    const photo = await post(author, { mediaId: image, text: "caption" });
    const hours = (Date.parse(text.expiresAt) - Date.now()) / 3_600_000;
    assert.ok(hours > 23.9 && hours <= 24, `expires in ${hours} h`);
    assert.deepEqual(
      (await stories(viewer, author.uid)).items.map((s) => [s.storyId, s.kind]),
      [
        [text.storyId, "text"],
        [photo.storyId, "image"],
      ],
    );
    assert.equal((await docData(`media/${image}`))?.attachedTo, `stories/${photo.storyId}`);

    await expire(text.storyId);
    assert.ok(await docData(`stories/${text.storyId}`), "the document is still there (TTL is lazy)");
    assert.deepEqual(
      (await stories(viewer, author.uid)).items.map((s) => s.storyId),
      [photo.storyId],
    );
    assert.deepEqual(
      (await stories(author, author.uid)).items.map((s) => s.storyId),
      [photo.storyId],
    );
    assert.equal(await reasonOf(view(viewer, text.storyId), "not-found"), "story-unavailable");
    assert.equal(await reasonOf(reply(viewer, text.storyId, "hi"), "not-found"), "story-unavailable");
  });

  it("records one view per viewer, never the author's; only the author lists the viewers", async () => {
    const [author, a, b] = await makeUsers(3);
    const { storyId } = await post(author, { text: "hello" });
    const results = await Promise.all([view(a, storyId), view(a, storyId), view(b, storyId), view(author, storyId)]);
    assert.equal(results.filter((r) => r.recorded).length, 2);
    assert.equal(results[0]?.story.text, "hello");
    const page = await viewers(author, storyId, { limit: 1 });
    assert.equal(page.viewCount, 2);
    assert.equal(page.items.length, 1);
    const rest = await viewers(author, storyId, { limit: 1, cursor: page.nextCursor });
    assert.deepEqual([...page.items, ...rest.items].map((v) => v.uid).sort(), [a.uid, b.uid].sort());
    assert.equal((await stories(author, author.uid)).items[0]?.viewCount, 2);
    assert.equal((await stories(a, author.uid)).items[0]?.viewCount, null);
    assert.equal(await reasonOf(viewers(a, storyId), "permission-denied"), "not-author");
  });

  it("followers-only stories reach followers only; a block hides stories both ways and refuses replies", async () => {
    const [author, follower, stranger, blocked] = await makeUsers(4);
    await follow(follower, author.uid);
    await follow(blocked, author.uid);
    const { storyId } = await post(author, { text: "friends", visibility: "followers" });
    assert.equal((await stories(follower, author.uid)).items.length, 1);
    assert.equal((await stories(stranger, author.uid)).items.length, 0);
    assert.equal(await reasonOf(view(stranger, storyId), "not-found"), "story-unavailable");
    await block(blocked, author.uid);
    assert.equal((await stories(blocked, author.uid)).items.length, 0);
    assert.equal(await reasonOf(view(blocked, storyId), "not-found"), "story-unavailable");
    assert.equal(await reasonOf(reply(blocked, storyId, "hey"), "permission-denied"), "blocked");
  });

  it("a reply goes to the author as a direct message naming the story, filtered, and notified", async () => {
    const [author, fan] = await makeUsers(2);
    const { storyId } = await post(author, { text: "hello" });
    const { replyId, conversationId } = await reply(fan, storyId, "so fucking cool");
    assert.equal(conversationId, [author.uid, fan.uid].sort().join("__"));
    const stored = await docData(`conversations/${conversationId}/messages/${replyId}`);
    assert.equal(stored?.senderUid, fan.uid);
    assert.equal(stored?.storyId, storyId);
    assert.match(String(stored?.text), /^so \*+\w* cool$/);
    assert.equal((await docData(`messageInboxes/${author.uid}/threads/${conversationId}`))?.unread, 1);
    assert.deepEqual(
      (await outbox(author.uid, "story-reply")).map((r) => r.data),
      [{ storyId, replyId, replierName: `User ${fan.uid}` }],
    );
    assert.equal(await reasonOf(reply(fan, storyId, "fuck"), "invalid-argument"), "text-not-allowed");
    assert.equal(await reasonOf(reply(author, storyId, "me"), "failed-precondition"), "own-story");
  });

  it("the cleanup deletes expired stories with their viewers and marks their media; deleteStory does the same for its author", async () => {
    const [author, viewer] = await makeUsers(2);
    const video = await makeMedia(author.uid, { kind: "video", durationMs: 8_000 });
    const old = await post(author, { mediaId: video });
    const fresh = await post(author, { text: "fresh" });
    await view(viewer, old.storyId);
    await expire(old.storyId);
    assert.equal(await cleanupExpiredStories(Date.now()), 1);
    assert.deepEqual(
      (await allPaths()).filter((p) => p.startsWith(`stories/${old.storyId}`)),
      [],
    );
    assert.equal((await docData(`media/${video}`))?.deleteReason, "story-expired");
    // The media cleanup job removes what the story cleanup marked.
    assert.deepEqual(await cleanUpMedia(Date.now() + 1000), { markedDeleted: 1, abandonedDeleted: 0 });
    assert.equal(await docData(`media/${video}`), undefined);
    assert.ok(await docData(`stories/${fresh.storyId}`));
    assert.equal(await cleanupExpiredStories(Date.now()), 0);

    assert.equal(await reasonOf(callInProcess(deleteStory, { user: viewer, data: { storyId: fresh.storyId } }), "permission-denied"), "not-author");
    assert.deepEqual(await callInProcess(deleteStory, { user: author, data: { storyId: fresh.storyId } }), { deleted: true });
    assert.equal(await docData(`stories/${fresh.storyId}`), undefined);
  });

  it("refuses malformed input with invalid-argument, writing nothing", async () => {
    const [author] = await makeUsers(1);
    const { storyId } = await post(author, { text: "x" });
    const before = await allPaths();
    const requestId = randomUUID();
    const cases: [Parameters<typeof callInProcess>[0], unknown[]][] = [
      [
        createStory,
        [
          null,
          { text: "hi", requestId },
          { text: "hi", visibility: "private", requestId },
          { text: "", visibility: "public", requestId },
          { mediaId: "a/b", visibility: "public", requestId },
          { text: "hi", visibility: "public", requestId, expiresAt: 1 },
        ],
      ],
      [listStories, [null, {}, { uid: "" }]],
      [viewStory, [null, { storyId: "../x" }]],
      [
        listStoryViewers,
        [
          { storyId, limit: 0 },
          { storyId, cursor: "" },
        ],
      ],
      [
        replyToStory,
        [
          { storyId, text: "", requestId },
          { storyId, text: "hi" },
          { storyId, text: "x".repeat(1001), requestId },
        ],
      ],
      [deleteStory, [null, { storyId: 5 }]],
    ];
    for (const [fn, inputs] of cases) {
      for (const data of inputs) await expectHttpsError(callInProcess(fn, { user: author, data }), "invalid-argument");
    }
    assert.deepEqual(await allPaths(), before);
  });
});
