/**
 * The social layer end to end over HTTP, as two phones use it: accounts made through the Auth emulator,
 * every call through the functions emulator, the feed fan-out and the notification delivery done by the
 * deployed triggers. Then every callable of posts, stories, feeds, messages and media uploads is sent
 * malformed payloads over HTTP: each is refused as invalid-argument, and nothing is written.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { ListConversationsResponse, ListMessagesResponse } from "../../src/messages/schema.js";
import type { ListNotificationsResponse } from "../../src/notifications/schema.js";
import type { ListPostsResponse } from "../../src/posts/schema.js";
import { callOk, type SignedUp, signUp, useStackAdmin } from "../support/e2e.js";
import { waitUntil } from "../support/firestore.js";
import { type CallableCase, expectMalformedRefused } from "../support/malformed.js";
import { resetStack, useCleanStack, withoutFirestoreTriggers } from "../support/stack.js";

describe("e2e: the social layer over HTTP", function () {
  this.timeout(240_000);
  useCleanStack();
  const stack = useStackAdmin();

  const feedOf = async (user: SignedUp) => (await callOk<ListPostsResponse>("getFollowingFeed", {}, user)).items.map((item) => item.postId);
  const feedEntries = async (user: SignedUp) => (await stack.firestore.collection(`users/${user.localId}/feed`).get()).docs.map((doc) => doc.id);
  const noticesOf = async (user: SignedUp) => (await callOk<ListNotificationsResponse>("listNotifications", {}, user)).items;

  it("follow, post, feed, like, comment, notices, unfollow; then a DM request accepted, unread counts and a read receipt", async () => {
    const [ana, ben] = await Promise.all([signUp(stack, "ana"), signUp(stack, "ben")]);
    await callOk("updateProfile", { privacy: { messages: "followers" } }, ben);

    // Ana follows Ben; Ben posts for his followers: the deployed trigger fans it out to Ana's feed.
    await callOk("followUser", { uid: ben.localId }, ana);
    const { postId } = await callOk<{ postId: string }>(
      "createPost",
      { text: "followers first #sneakpeek", visibility: "followers", requestId: randomUUID() },
      ben,
    );
    await waitUntil("the post fanned out to Ana's feed", async () => (await feedEntries(ana)).includes(postId), 60_000);
    assert.deepEqual(await feedOf(ana), [postId]);

    // Ana likes and comments; Ben's inbox gets both notices from the delivery trigger.
    assert.deepEqual(await callOk("likePost", { postId, liked: true }, ana), { liked: true, changed: true });
    const { commentId } = await callOk<{ commentId: string }>("commentOnPost", { postId, text: "can't wait", requestId: randomUUID() }, ana);
    const notices = await waitUntil(
      "the like and the comment notices in Ben's inbox",
      async () => {
        const items = await noticesOf(ben);
        return items.some((n) => n.type === "post-like") && items.some((n) => n.type === "post-comment") ? items : null;
      },
      60_000,
    );
    const like = notices.find((n) => n.type === "post-like");
    const comment = notices.find((n) => n.type === "post-comment");
    assert.deepEqual([like?.actorUid, like?.data.postId], [ana.localId, postId]);
    assert.deepEqual([comment?.actorUid, comment?.data.postId, comment?.data.commentId], [ana.localId, postId, commentId]);
    const view = await callOk<{ counts: Record<string, number> }>("getPost", { postId }, ben);
    assert.deepEqual(view.counts, { likes: 1, comments: 1, reposts: 0 });

    // Ana unfollows: the post leaves her feed at once, and the trigger removes its entry.
    await callOk("unfollowUser", { uid: ben.localId }, ana);
    assert.deepEqual(await feedOf(ana), []);
    await waitUntil("the unfollow trigger removed Ana's feed entry", async () => (await feedEntries(ana)).length === 0, 60_000);

    // Ana writes to Ben, who admits only his followers: a message request.
    const first = await callOk<{ conversationId: string; state: string }>(
      "sendMessage",
      { toUid: ben.localId, text: "hi Ben!", requestId: randomUUID() },
      ana,
    );
    assert.equal(first.state, "request");
    const { conversationId } = first;
    const requests = await callOk<ListConversationsResponse>("listConversations", { folder: "requests" }, ben);
    assert.deepEqual(
      requests.items.map((c) => [c.conversationId, c.otherUid, c.unread]),
      [[conversationId, ana.localId, 1]],
    );
    assert.deepEqual((await callOk<ListConversationsResponse>("listConversations", {}, ben)).items, []);

    assert.deepEqual(await callOk("acceptMessageRequest", { conversationId }, ben), { changed: true });
    const second = await callOk<{ state: string }>("sendMessage", { toUid: ben.localId, text: "thanks for accepting", requestId: randomUUID() }, ana);
    assert.equal(second.state, "open");
    const primary = await callOk<ListConversationsResponse>("listConversations", {}, ben);
    assert.deepEqual(
      primary.items.map((c) => [c.conversationId, c.otherUid, c.unread, c.preview.text]),
      [[conversationId, ana.localId, 2, "thanks for accepting"]],
    );
    assert.equal(primary.unreadTotal, 2);
    assert.deepEqual((await callOk<ListConversationsResponse>("listConversations", { folder: "requests" }, ben)).items, []);
    assert.equal((await callOk<ListConversationsResponse>("listConversations", {}, ana)).unreadTotal, 0);

    // Ben reads: his counts clear, and Ana sees the receipt after her last message.
    assert.deepEqual(await callOk("markConversationRead", { conversationId }, ben), { cleared: 2 });
    const afterRead = await callOk<ListConversationsResponse>("listConversations", {}, ben);
    assert.deepEqual([afterRead.items[0]?.unread, afterRead.unreadTotal], [0, 0]);
    const seenByAna = await callOk<ListMessagesResponse>("listMessages", { conversationId }, ana);
    assert.deepEqual(
      seenByAna.items.map((m) => [m.senderUid, m.text]),
      [
        [ana.localId, "thanks for accepting"],
        [ana.localId, "hi Ben!"],
      ],
    );
    const receipt = seenByAna.lastReadAt[ben.localId];
    assert.ok(receipt && Date.parse(receipt) >= Date.parse(seenByAna.items[0]?.createdAt as string), `receipt ${receipt}`);
  });

  /**
   * Each callable with a well-formed payload (`base`) and the fields it may go without; the test derives
   * the malformed ones: not an object, an unknown field, each required field missing, each field of the
   * wrong type, each text field far too long, plus `more` written by hand.
   */
  const id = "abc123";
  const requestId = "6f1c1a52-6c3b-4f0e-9d7e-1f1a2b3c4d5e";
  const CASES: CallableCase[] = [
    // posts
    {
      name: "createPost",
      base: { text: "hi", mediaIds: [id], visibility: "public", requestId },
      optional: ["text", "mediaIds"],
      more: [
        { visibility: "public", requestId, mediaIds: [id, id] },
        { visibility: "everyone", requestId, text: "x" },
      ],
    },
    { name: "editPost", base: { postId: id, text: "hi", visibility: "public" }, optional: ["text", "visibility"], more: [{ postId: id }] },
    { name: "deletePost", base: { postId: id }, more: [{ postId: "a/b" }, { postId: "" }] },
    { name: "repostPost", base: { postId: id, text: "", visibility: "public", requestId }, optional: ["text"] },
    { name: "getPost", base: { postId: id }, more: [{ postId: "../x" }] },
    {
      name: "listUserPosts",
      base: { uid: id, limit: 10, cursor: null },
      optional: ["limit", "cursor"],
      more: [
        { uid: id, limit: 0 },
        { uid: id, limit: 51 },
        { uid: id, cursor: "not-a-cursor" },
      ],
    },
    { name: "likePost", base: { postId: id, commentId: id, liked: true }, optional: ["commentId"] },
    {
      name: "commentOnPost",
      base: { postId: id, parentId: id, text: "nice", requestId },
      optional: ["parentId"],
      more: [{ postId: id, text: "   ", requestId }],
    },
    { name: "deleteComment", base: { postId: id, commentId: id } },
    {
      name: "listComments",
      base: { postId: id, parentId: id, limit: 10, cursor: null },
      optional: ["parentId", "limit", "cursor"],
      more: [{ postId: id, limit: 100 }],
    },
    {
      name: "removePostContent",
      base: { postId: id, commentId: id, reason: "spam links", requestId },
      optional: ["commentId"],
      more: [{ postId: id, reason: "x", requestId }],
    },
    // stories
    {
      name: "createStory",
      base: { text: "hi", mediaId: id, visibility: "public", requestId },
      optional: ["text", "mediaId"],
      more: [{ text: "hi", visibility: "private", requestId }],
    },
    { name: "listStories", base: { uid: id } },
    { name: "viewStory", base: { storyId: id } },
    { name: "listStoryViewers", base: { storyId: id, limit: 10, cursor: null }, optional: ["limit", "cursor"], more: [{ storyId: id, limit: 101 }] },
    { name: "replyToStory", base: { storyId: id, text: "wow", requestId }, more: [{ storyId: id, text: "", requestId }] },
    { name: "deleteStory", base: { storyId: id } },
    // feeds
    { name: "getFollowingFeed", base: { limit: 10, cursor: null }, optional: ["limit", "cursor"], more: [{ cursor: "not-a-cursor" }] },
    {
      name: "getExplore",
      base: { country: "BR", limit: 10, cursor: null },
      optional: ["country", "limit", "cursor"],
      more: [{ country: "br" }, { cursor: "not-a-cursor" }],
    },
    {
      name: "getHashtagPosts",
      base: { tag: "music", limit: 10, cursor: null },
      optional: ["limit", "cursor"],
      more: [{ tag: "two words" }, { tag: "#" }],
    },
    { name: "recordPostView", base: { postId: id } },
    // direct messages
    { name: "sendMessage", base: { toUid: id, text: "hi", mediaId: id, requestId }, optional: ["text", "mediaId"] },
    {
      name: "listConversations",
      base: { folder: "primary", limit: 10, cursor: null },
      optional: ["folder", "limit", "cursor"],
      more: [{ folder: "archive" }],
    },
    {
      name: "listMessages",
      base: { conversationId: id, limit: 10, cursor: null },
      optional: ["limit", "cursor"],
      more: [{ conversationId: id, limit: 101 }],
    },
    { name: "markConversationRead", base: { conversationId: id } },
    { name: "acceptMessageRequest", base: { conversationId: id } },
    { name: "declineMessageRequest", base: { conversationId: id } },
    { name: "muteConversation", base: { conversationId: id, muted: true } },
    // media uploads
    { name: "setProfilePhoto", base: { mediaId: "m1" } },
    {
      name: "requestMediaUpload",
      base: { kind: "image", contentType: "image/png", sizeBytes: 1024, purpose: "post" },
      more: [
        { kind: "video", contentType: "image/png", sizeBytes: 1024, purpose: "post" },
        { kind: "image", contentType: "image/png", sizeBytes: 1.5, purpose: "post" },
      ],
    },
  ];

  it("every callable of posts, stories, feeds, messages and media uploads refuses malformed payloads with invalid-argument, writing nothing", async function () {
    this.timeout(600_000);
    // Three callers, each call on the next: the publishing callables allow 10 to 20 calls a minute per user.
    const callers = await Promise.all(["mal-1", "mal-2", "mal-3"].map((label) => signUp(stack, label, { roles: ["moderator"] })));
    await expectMalformedRefused(stack.firestore, CASES, callers);
  });
});

describe("e2e: a post's fan-out to 1,100 followers in page tasks over HTTP", function () {
  this.timeout(240_000);
  useCleanStack();
  const stack = useStackAdmin();
  // Emptying the database with triggers on would run the follow-edge trigger once per seeded follower.
  afterEach(async function () {
    this.timeout(300_000);
    await withoutFirestoreTriggers(resetStack);
  });

  it("the trigger writes the first 500 entries and the Cloud Tasks emulator runs the other pages: every follower once", async () => {
    const author = await signUp(stack, "author");
    const fans = Array.from({ length: 1_100 }, (_, n) => `fan-${String(n).padStart(4, "0")}`);
    await withoutFirestoreTriggers(async () => {
      const writer = stack.firestore.bulkWriter();
      for (const fan of fans) void writer.set(stack.firestore.doc(`users/${author.localId}/followers/${fan}`), { uid: fan });
      await writer.close();
    });
    const { postId } = await callOk<{ postId: string }>("createPost", { text: "hello all", visibility: "public", requestId: randomUUID() }, author);
    const entries = async () =>
      (await stack.firestore.collectionGroup("feed").where("postId", "==", postId).get()).docs.map((doc) => doc.ref.parent.parent?.id);
    const reached = await waitUntil(
      "every follower's feed entry",
      async () => {
        const owners = await entries();
        return owners.length >= fans.length ? owners : null;
      },
      180_000,
    );
    assert.deepEqual([...reached].sort(), fans);
  });
});
