import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { db } from "../../src/kernel/app.js";
import {
  commentOnPost,
  createPost,
  deleteComment,
  deletePost,
  editPost,
  getPost,
  likePost,
  listComments,
  listUserPosts,
  removePostContent,
  repostPost,
} from "../../src/posts/callables.js";
import type { CreatePostResponse, ListPostsResponse, PostView } from "../../src/posts/schema.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import {
  block,
  follow,
  makeMedia,
  makeNamedUser,
  makeUser,
  makeUsers,
  outbox,
  publish,
  type SocialUser,
  setPostsConfig,
  useCleanPostsStack,
} from "./support.js";

const read = (user: SocialUser, postId: string) => callInProcess(getPost, { user, data: { postId } }) as Promise<PostView>;
const list = (user: SocialUser, uid: string, extra: Record<string, unknown> = {}) =>
  callInProcess(listUserPosts, { user, data: { uid, ...extra } }) as Promise<ListPostsResponse>;
const edit = (user: SocialUser, data: Record<string, unknown>) => callInProcess(editPost, { user, data });
const share = (user: SocialUser, postId: string, extra: Record<string, unknown> = {}) =>
  callInProcess(repostPost, { user, data: { postId, visibility: "public", requestId: randomUUID(), ...extra } }) as Promise<CreatePostResponse>;

async function refusal(promise: Promise<unknown>, code: Parameters<typeof expectHttpsError>[1], reason: string): Promise<void> {
  const err = await expectHttpsError(promise, code);
  assert.equal((err.details as { reason?: string } | undefined)?.reason, reason, err.message);
}

describe("posts: publishing, visibility, edits and reposts", () => {
  useCleanPostsStack();

  it("stores normalised hashtags and resolved mentions; a replayed request publishes once", async () => {
    const author = await makeUser();
    const luna = await makeNamedUser("Luna");
    const requestId = randomUUID();
    const data = { text: "Sunset with @luna and @nobody_here #Beach #beach #Verão", visibility: "public", requestId };
    const [first, again] = await Promise.all([callInProcess(createPost, { user: author, data }), callInProcess(createPost, { user: author, data })]);
    assert.deepEqual(first, again);
    const stored = await docData(`posts/${(first as CreatePostResponse).postId}`);
    assert.deepEqual(stored?.hashtags, ["beach", "verão"]);
    assert.deepEqual(stored?.mentions, [luna.uid]);
    assert.equal(stored?.status, "active");
    assert.equal(stored?.authorUid, author.uid);
    assert.equal((await db().collection("posts").get()).size, 1);
    // No counter field on the post document: counts live in shards.
    assert.equal(stored?.likes, undefined);
  });

  it("mentions notify only users who may see the post and are not in a block with the author", async () => {
    const author = await makeUser();
    const [fan, blocker, blocked, stranger] = await Promise.all(["fan_1", "blocker_1", "blocked_1", "stranger_1"].map(makeNamedUser));
    await follow(fan as SocialUser, author.uid);
    await block(blocker as SocialUser, author.uid);
    await follow(blocked as SocialUser, author.uid);
    await block(author, (blocked as SocialUser).uid);
    const text = "hello @fan_1 @blocker_1 @blocked_1 @stranger_1";

    const followersOnly = await publish(author, { text, visibility: "followers" });
    // A user in a block with the author cannot be mentioned: the name stays text, no uid is recorded.
    assert.deepEqual((await docData(`posts/${followersOnly.postId}`))?.mentions, [(fan as SocialUser).uid, (stranger as SocialUser).uid]);
    assert.equal((await outbox((fan as SocialUser).uid, "post-mention")).length, 1);
    for (const user of [blocker, blocked, stranger]) assert.deepEqual(await outbox((user as SocialUser).uid, "post-mention"), []);
    const [record] = await outbox((fan as SocialUser).uid, "post-mention");
    assert.deepEqual(record?.data, { postId: followersOnly.postId, authorUid: author.uid, authorName: `User ${author.uid}` });
    assert.equal(record?.actorUid, author.uid);

    await publish(author, { text, visibility: "public" });
    assert.equal((await outbox((stranger as SocialUser).uid, "post-mention")).length, 1);
    assert.equal((await outbox((fan as SocialUser).uid, "post-mention")).length, 2);
    for (const user of [blocker, blocked]) assert.deepEqual(await outbox((user as SocialUser).uid, "post-mention"), []);

    await publish(author, { text, visibility: "private" });
    assert.equal((await outbox((fan as SocialUser).uid, "post-mention")).length, 2);
  });

  it("public, followers-only and private posts are read and listed by whom they should be; blocked users see nothing", async () => {
    const [author, follower, stranger, blocked] = await makeUsers(4);
    await follow(follower, author.uid);
    await follow(blocked, author.uid);
    const open = await publish(author, { text: "for everyone" });
    const fans = await publish(author, { text: "for my followers", visibility: "followers" });
    const mine = await publish(author, { text: "note to self", visibility: "private" });
    await block(author, blocked.uid);

    for (const id of [open, fans, mine]) assert.equal((await read(author, id.postId)).postId, id.postId);
    assert.equal((await read(follower, fans.postId)).text, "for my followers");
    assert.equal((await read(stranger, open.postId)).text, "for everyone");
    for (const [user, post] of [
      [follower, mine],
      [stranger, fans],
      [stranger, mine],
      [blocked, open],
      [blocked, fans],
    ] as const) {
      await refusal(read(user, post.postId), "not-found", "post-unavailable");
    }

    const ids = async (user: SocialUser) => (await list(user, author.uid)).items.map((p) => p.postId);
    assert.deepEqual(await ids(author), [mine.postId, fans.postId, open.postId]);
    assert.deepEqual(await ids(follower), [fans.postId, open.postId]);
    assert.deepEqual(await ids(stranger), [open.postId]);
    await refusal(list(blocked, author.uid), "permission-denied", "blocked");
    // The block stands both ways: the author no longer sees the blocked user's posts either.
    const theirs = await publish(blocked, { text: "hi" });
    await refusal(read(author, theirs.postId), "not-found", "post-unavailable");
  });

  it("lists a user's posts in cursor pages, newest first", async () => {
    const [author, reader] = await makeUsers(2);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.unshift((await publish(author, { text: `post ${i}` })).postId);
    const first = await list(reader, author.uid, { limit: 2 });
    assert.deepEqual(
      first.items.map((p) => p.postId),
      ids.slice(0, 2),
    );
    const second = await list(reader, author.uid, { limit: 2, cursor: first.nextCursor });
    assert.deepEqual(
      second.items.map((p) => p.postId),
      ids.slice(2, 4),
    );
    const third = await list(reader, author.uid, { limit: 2, cursor: second.nextCursor });
    assert.deepEqual(
      third.items.map((p) => p.postId),
      ids.slice(4),
    );
    assert.equal(third.nextCursor, null);
    await expectHttpsError(list(reader, author.uid, { cursor: "not-a-cursor" }), "invalid-argument");
  });

  it("edits text and visibility within the window, keeping what was replaced; refuses after it and for others", async () => {
    const [author, other] = await makeUsers(2);
    const luna = await makeNamedUser("luna");
    const { postId } = await publish(author, { text: "first #draft" });
    assert.deepEqual(await edit(author, { postId, text: "second #final with @luna", visibility: "followers" }), { postId, editCount: 1 });
    const stored = await docData(`posts/${postId}`);
    assert.equal(stored?.text, "second #final with @luna");
    assert.deepEqual(stored?.hashtags, ["final"]);
    assert.deepEqual(stored?.mentions, [luna.uid]);
    assert.equal(stored?.visibility, "followers");
    assert.ok(stored?.editedAt);
    const revisions = await db().collection(`posts/${postId}/revisions`).get();
    assert.deepEqual(
      revisions.docs.map((r) => [r.get("text"), r.get("visibility")]),
      [["first #draft", "public"]],
    );
    // Luna does not follow the author: the followers-only post mentions her without notifying her.
    assert.deepEqual(await outbox(luna.uid, "post-mention"), []);
    await edit(author, { postId, visibility: "public" });
    assert.equal((await outbox(luna.uid, "post-mention")).length, 1);

    await refusal(edit(other, { postId, text: "hijacked" }), "permission-denied", "not-author");
    await db()
      .doc(`posts/${postId}`)
      .update({ createdAt: new Date(Date.now() - 16 * 60_000) });
    await refusal(edit(author, { postId, text: "too late" }), "failed-precondition", "edit-window-closed");
    await setPostsConfig({ editWindowMinutes: 30 });
    assert.equal(((await edit(author, { postId, text: "longer window" })) as { editCount: number }).editCount, 3);
    assert.equal((await docData(`posts/${postId}`))?.text, "longer window");
  });

  it("reposts public posts with attribution to the original, also through a repost; refuses hidden, deleted and non-public posts", async () => {
    const [author, sharer, second, stranger] = await makeUsers(4);
    const original = await publish(author, { text: "original" });
    const repost = await share(sharer, original.postId, { text: "look at this" });
    const view = await read(stranger, repost.postId);
    assert.equal(view.repostOf?.postId, original.postId);
    assert.equal(view.repostOf?.authorUid, author.uid);
    assert.equal(view.repostOf?.post?.text, "original");
    const again = await share(second, repost.postId);
    assert.deepEqual((await docData(`posts/${again.postId}`))?.repostOf, { postId: original.postId, authorUid: author.uid, available: true });
    assert.equal((await read(stranger, original.postId)).counts.reposts, 2);

    const fans = await publish(author, { text: "followers only", visibility: "followers" });
    await follow(sharer, author.uid);
    await refusal(share(sharer, fans.postId), "failed-precondition", "not-shareable");
    await refusal(share(stranger, fans.postId), "not-found", "post-unavailable");
    await refusal(share(stranger, "no-such-post"), "not-found", "post-unavailable");
    await block(author, stranger.uid);
    await refusal(share(stranger, original.postId), "permission-denied", "blocked");

    await callInProcess(deletePost, { user: author, data: { postId: original.postId } });
    await refusal(share(second, original.postId), "not-found", "post-unavailable");
    // The reposts stay, without their original.
    assert.equal((await read(second, repost.postId)).repostOf?.post, null);
  });

  it("attaches the author's ready media, claiming it; refuses others', unready, used, mixed and too many", async () => {
    const [author, other] = await makeUsers(2);
    const images = await Promise.all([makeMedia(author.uid), makeMedia(author.uid)]);
    const { postId } = await publish(author, { mediaIds: images });
    assert.deepEqual(
      (await read(author, postId)).media,
      images.map((id) => ({ id, kind: "image" })),
    );
    for (const id of images) assert.equal((await docData(`media/${id}`))?.attachedTo, `posts/${postId}`);

    const video = await makeMedia(author.uid, { kind: "video", durationMs: 12_000 });
    const cases: [Record<string, unknown>, Parameters<typeof expectHttpsError>[1], string][] = [
      [{ mediaIds: [await makeMedia(other.uid)] }, "not-found", "media-not-found"],
      [{ mediaIds: ["m-missing"] }, "not-found", "media-not-found"],
      [{ mediaIds: [await makeMedia(author.uid, { status: "processing" })] }, "failed-precondition", "media-not-ready"],
      [{ mediaIds: [images[0]] }, "failed-precondition", "media-in-use"],
      // Marked for deletion (its earlier post or story is gone): the media cleanup is about to remove it.
      [{ mediaIds: [await makeMedia(author.uid, { deleteRequestedAt: new Date() })] }, "not-found", "media-not-found"],
      [{ mediaIds: [video, await makeMedia(author.uid)] }, "invalid-argument", "media-mixed"],
      [{ text: "" }, "invalid-argument", "empty-post"],
    ];
    const mediaPaths = await allPaths();
    for (const [data, code, reason] of cases) await refusal(publish(author, data), code, reason);
    assert.deepEqual(await allPaths(), mediaPaths);

    await setPostsConfig({ maxImages: 2, maxTextLength: 10 });
    const three = await Promise.all([1, 2, 3].map(() => makeMedia(author.uid)));
    await refusal(publish(author, { mediaIds: three }), "invalid-argument", "too-many-media");
    await refusal(publish(author, { text: "x".repeat(11) }), "invalid-argument", "text-too-long");
    const alone = await publish(author, { mediaIds: [video] });
    assert.deepEqual((await read(author, alone.postId)).media, [{ id: video, kind: "video" }]);
  });

  it("refuses malformed input to every callable with invalid-argument, writing nothing", async () => {
    const user = await makeUser();
    const { postId } = await publish(user, { text: "hello" });
    const before = await allPaths();
    const requestId = randomUUID();
    const cases: [Parameters<typeof callInProcess>[0], unknown[]][] = [
      [
        createPost,
        [
          null,
          {},
          { text: "hi", visibility: "public" },
          { text: "hi", visibility: "friends", requestId },
          { text: 7, visibility: "public", requestId },
          { text: "x".repeat(5001), visibility: "public", requestId },
          { text: "hi", mediaIds: ["a", "a"], visibility: "public", requestId },
          { text: "hi", mediaIds: ["a/b"], visibility: "public", requestId },
          { text: "hi", visibility: "public", requestId, authorUid: "someone" },
        ],
      ],
      [editPost, [null, { postId }, { postId, text: 5 }, { postId: "a/b", text: "x" }, { postId, visibility: "everyone" }]],
      [deletePost, [null, {}, { postId: "" }, { postId: "../x" }, { postId, extra: true }]],
      [getPost, [null, { postId: 1 }, { postId: "a b" }]],
      [listUserPosts, [null, {}, { uid: "a/b" }, { uid: user.uid, limit: 0 }, { uid: user.uid, limit: 51 }, { uid: user.uid, cursor: "" }]],
      [repostPost, [null, { postId }, { postId, visibility: "public" }, { postId, visibility: "private", requestId: "short" }]],
      [likePost, [null, { postId }, { postId, liked: "yes" }, { postId, liked: true, commentId: "" }]],
      [
        commentOnPost,
        [null, { postId, requestId }, { postId, text: "   ", requestId }, { postId, text: "x".repeat(2001), requestId }, { postId, text: "hi" }],
      ],
      [deleteComment, [null, { postId }, { postId, commentId: "a/b" }]],
      [listComments, [null, {}, { postId, limit: 100 }, { postId, parentId: 3 }]],
    ];
    for (const [fn, inputs] of cases) {
      for (const data of inputs) await expectHttpsError(callInProcess(fn, { user, data }), "invalid-argument");
    }
    await expectHttpsError(callInProcess(createPost, { data: { text: "hi", visibility: "public", requestId } }), "unauthenticated");
    assert.deepEqual(await allPaths(), before);
    await expectHttpsError(callInProcess(removePostContent, { user, data: { postId, reason: "spam", requestId } }), "permission-denied");
  });
});
