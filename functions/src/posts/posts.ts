/**
 * Posts: publish, edit within the window, repost with attribution, delete, and read them as the
 * caller may see them. Counts live in sharded counters (store.ts), never on the post document.
 */
import type { DocumentSnapshot, Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { pageByTime } from "../kernel/cursor.js";
import { refuse } from "../kernel/errors.js";
import { millisOf } from "../kernel/fields.js";
import type { Caller } from "../kernel/guards.js";
import { runIdempotent } from "../kernel/idempotency.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";
import { attachMedia } from "../media/uploads/attachments.js";
import { displayNameOf, notifyAfterCommit } from "../notifications/after-commit.js";
import { blockedAmong, usernameRef } from "../social/store.js";
import { schedulePostCascade } from "./cascade.js";
import { type PostsConfig, postsConfig } from "./config.js";
import { readPostMedia } from "./media.js";
import { parseHashtags, parseMentions } from "./post-text.js";
import type {
  CreatePostRequest,
  CreatePostResponse,
  DeleteResponse,
  EditPostRequest,
  EditPostResponse,
  ListPostsResponse,
  ListUserPostsRequest,
  PostRecord,
  PostRefusal,
  PostRequest,
  PostView,
  RepostRequest,
} from "./schema.js";
import { likeRef, postCounter, postRef } from "./store.js";
import { mayView, type Relation, relationTo, visibleAudiences } from "./visibility.js";

const iso = (value: unknown): string | null => {
  const ms = millisOf(value);
  return ms === null ? null : new Date(ms).toISOString();
};

function checkTextLength(text: string, config: PostsConfig): void {
  if (text.length > config.maxTextLength) {
    refuse<PostRefusal>("invalid-argument", "text-too-long", `Posts are at most ${config.maxTextLength} characters.`);
  }
}

/** The uids behind @usernames in `text`, in order; the author and users in a block with them are left out. */
async function resolveMentions(text: string, authorUid: string, config: PostsConfig): Promise<string[]> {
  const names = parseMentions(text, config.maxMentions);
  if (names.length === 0) return [];
  const claims = await db().getAll(...names.map(usernameRef));
  const uids = [...new Set(claims.map((claim) => claim.get("uid")).filter((uid): uid is string => typeof uid === "string" && uid !== authorUid))];
  const blocked = await blockedAmong(authorUid, uids);
  return uids.filter((uid) => !blocked.has(uid));
}

/**
 * Notifies each mentioned user who may see the post (blocks either way and the post's visibility
 * respected). Keyed by post, so an edit notifies only the newly mentioned.
 */
export async function notifyMentions(postId: string, post: Pick<PostRecord, "authorUid" | "mentions" | "visibility" | "status">): Promise<void> {
  let authorName: string | undefined;
  for (const uid of post.mentions) {
    const relation = await relationTo(uid, post.authorUid);
    if (!mayView(post, relation)) continue;
    await notifyAfterCommit(async () => {
      authorName ??= await displayNameOf(post.authorUid);
      return {
        recipient: uid,
        type: "post-mention",
        data: { postId, authorUid: post.authorUid, authorName },
        dedupeKey: `post:${postId}`,
        actorUid: post.authorUid,
      };
    });
  }
}

function textFields(text: string, mentions: string[], config: PostsConfig) {
  return { text, hashtags: parseHashtags(text, config.maxHashtags), mentions };
}

export async function createPost(caller: Caller, request: CreatePostRequest): Promise<CreatePostResponse> {
  const config = await postsConfig();
  checkTextLength(request.text, config);
  if (!request.text && request.mediaIds.length === 0) refuse<PostRefusal>("invalid-argument", "empty-post", "A post needs text or media.");
  if (request.mediaIds.length > config.maxImages) {
    refuse<PostRefusal>("invalid-argument", "too-many-media", `At most ${config.maxImages} images per post.`);
  }
  const mentions = await resolveMentions(request.text, caller.uid, config);
  const { result } = await runIdempotent({ scope: "posts.create", key: request.requestId, owner: caller.uid, payload: request }, async (tx) => {
    const ref = db().collection(Collections.posts).doc();
    const { attached, media } = await readPostMedia(tx, caller.uid, request.mediaIds, config.maxImages);
    attachMedia(tx, attached, ref.path);
    const { FieldValue } = firestoreValues();
    const now = FieldValue.serverTimestamp();
    tx.create(ref, {
      authorUid: caller.uid,
      ...textFields(request.text, mentions, config),
      mediaIds: request.mediaIds,
      media,
      visibility: request.visibility,
      status: "active",
      repostOf: null,
      createdAt: now,
      updatedAt: now,
      editedAt: null,
      editCount: 0,
    });
    return { postId: ref.id };
  });
  await notifyMentions(result.postId, { authorUid: caller.uid, mentions, visibility: request.visibility, status: "active" });
  return result;
}

/** The author's post, read in `tx`: refuses when it is missing, not theirs or no longer active. */
async function ownActivePost(tx: Transaction, caller: Caller, postId: string): Promise<DocumentSnapshot> {
  const snapshot = await tx.get(postRef(postId));
  if (!snapshot.exists || snapshot.get("status") !== "active") refuse<PostRefusal>("not-found", "post-unavailable", "No such post.");
  if (snapshot.get("authorUid") !== caller.uid) refuse<PostRefusal>("permission-denied", "not-author", "Only the author can do this.");
  return snapshot;
}

export async function editPost(caller: Caller, request: EditPostRequest): Promise<EditPostResponse> {
  const config = await postsConfig();
  if (request.text !== undefined) checkTextLength(request.text, config);
  const mentions = request.text !== undefined ? await resolveMentions(request.text, caller.uid, config) : null;
  const { FieldValue } = firestoreValues();
  const { post, editCount } = await runTransaction(async (tx) => {
    const snapshot = await ownActivePost(tx, caller, request.postId);
    const current = snapshot.data() as PostRecord;
    const publishedAt = millisOf(current.createdAt) ?? 0;
    if (Date.now() > publishedAt + config.editWindowMinutes * 60_000) {
      refuse<PostRefusal>("failed-precondition", "edit-window-closed", `Posts can be edited for ${config.editWindowMinutes} minutes.`);
    }
    const text = request.text ?? current.text;
    if (!text && current.mediaIds.length === 0 && !current.repostOf)
      refuse<PostRefusal>("invalid-argument", "empty-post", "A post needs text or media.");
    tx.create(snapshot.ref.collection(Collections.postRevisions).doc(), {
      text: current.text,
      visibility: current.visibility,
      hashtags: current.hashtags,
      mentions: current.mentions,
      replacedAt: FieldValue.serverTimestamp(),
    });
    const next = {
      ...(mentions ? textFields(text, mentions, config) : {}),
      visibility: request.visibility ?? current.visibility,
      editedAt: FieldValue.serverTimestamp(),
      updatedAt: FieldValue.serverTimestamp(),
      editCount: FieldValue.increment(1),
    };
    tx.update(snapshot.ref, next);
    return {
      post: { authorUid: caller.uid, mentions: mentions ?? current.mentions, visibility: next.visibility, status: "active" as const },
      editCount: (current.editCount ?? 0) + 1,
    };
  });
  await notifyMentions(request.postId, post);
  return { postId: request.postId, editCount };
}

/**
 * Reposts with attribution. Reposting a repost reposts its original; only public posts can be shared
 * (a followers-only post would reach people its author did not choose).
 */
export async function repost(caller: Caller, request: RepostRequest): Promise<CreatePostResponse> {
  const config = await postsConfig();
  checkTextLength(request.text, config);
  const mentions = await resolveMentions(request.text, caller.uid, config);
  const target = await postRef(request.postId).get();
  const originalId = (target.get("repostOf.postId") as string | undefined) ?? request.postId;
  const { result } = await runIdempotent({ scope: "posts.repost", key: request.requestId, owner: caller.uid, payload: request }, async (tx) => {
    const original = await tx.get(postRef(originalId));
    const data = original.data() as PostRecord | undefined;
    if (!data) return refuse<PostRefusal>("not-found", "post-unavailable", "This post is no longer available.");
    const relation = await relationTo(caller.uid, data.authorUid, tx);
    if (relation === "blocked") refuse<PostRefusal>("permission-denied", "blocked", "You cannot share this post.");
    if (!mayView(data, relation)) refuse<PostRefusal>("not-found", "post-unavailable", "This post is no longer available.");
    if (data.visibility !== "public") refuse<PostRefusal>("failed-precondition", "not-shareable", "Only public posts can be shared.");
    const ref = db().collection(Collections.posts).doc();
    const { FieldValue } = firestoreValues();
    const now = FieldValue.serverTimestamp();
    tx.create(ref, {
      authorUid: caller.uid,
      ...textFields(request.text, mentions, config),
      mediaIds: [],
      media: [],
      visibility: request.visibility,
      status: "active",
      repostOf: { postId: original.id, authorUid: data.authorUid, available: true },
      createdAt: now,
      updatedAt: now,
      editedAt: null,
      editCount: 0,
    });
    postCounter(original.id, config.counterShards).increment(tx, { reposts: 1 });
    return { postId: ref.id };
  });
  await notifyMentions(result.postId, { authorUid: caller.uid, mentions, visibility: request.visibility, status: "active" });
  return result;
}

/**
 * Marks the post deleted (it disappears from every read at once) and has the cascade remove its
 * comments, likes, counters and media; a repost gives its original's repost count back. Idempotent.
 */
export async function deletePost(caller: Caller, { postId }: PostRequest): Promise<DeleteResponse> {
  const config = await postsConfig();
  const deleted = await markPostDeleted(postId, config, caller.uid);
  if (deleted) log.info("post deleted", { postId, uid: caller.uid });
  await schedulePostCascade(postId);
  return { deleted };
}

/** Marks `postId` deleted; `asUid` must be its author unless null (account erasure). False when already gone. */
export async function markPostDeleted(postId: string, config: PostsConfig, asUid: string | null): Promise<boolean> {
  const { FieldValue } = firestoreValues();
  return runTransaction(async (tx) => {
    const snapshot = await tx.get(postRef(postId));
    if (!snapshot.exists || snapshot.get("status") === "deleted") return false;
    if (asUid !== null && snapshot.get("authorUid") !== asUid)
      refuse<PostRefusal>("permission-denied", "not-author", "Only the author can delete a post.");
    const originalId = snapshot.get("repostOf.postId") as string | undefined;
    const original = originalId ? await tx.get(postRef(originalId)) : null;
    tx.update(snapshot.ref, { status: "deleted", deletedAt: FieldValue.serverTimestamp(), updatedAt: FieldValue.serverTimestamp() });
    if (original?.exists && original.get("status") !== "deleted") postCounter(original.id, config.counterShards).increment(tx, { reposts: -1 });
    return true;
  });
}

/** The post as `caller` in `relation` to its author sees it, or null when hidden from them (the feeds domain reads through this too). */
export async function viewOf(caller: Caller, snapshot: DocumentSnapshot, config: PostsConfig, relation: Relation): Promise<PostView | null> {
  const data = snapshot.data() as PostRecord | undefined;
  if (!data || !mayView(data, relation)) return null;
  const [counts, like] = await Promise.all([postCounter(snapshot.id, config.counterShards).read(), likeRef(snapshot.id, caller.uid).get()]);
  let repostOf: PostView["repostOf"] = null;
  if (data.repostOf) {
    const original = await postRef(data.repostOf.postId).get();
    const originalAuthor = original.get("authorUid") as string | undefined;
    const post = originalAuthor ? await viewOf(caller, original, config, await relationTo(caller.uid, originalAuthor)) : null;
    repostOf = { postId: data.repostOf.postId, authorUid: data.repostOf.authorUid, post };
  }
  return {
    postId: snapshot.id,
    authorUid: data.authorUid,
    text: data.text,
    hashtags: data.hashtags,
    mentions: data.mentions,
    media: data.media,
    visibility: data.visibility,
    createdAt: iso(data.createdAt),
    editedAt: iso(data.editedAt),
    counts,
    likedByMe: like.exists,
    repostOf,
  };
}

/** Refused as not-found whatever the reason (missing, deleted, removed, hidden, blocked): nothing is confirmed. */
export async function getPost(caller: Caller, { postId }: PostRequest): Promise<PostView> {
  const [config, snapshot] = await Promise.all([postsConfig(), postRef(postId).get()]);
  const author = snapshot.get("authorUid") as string | undefined;
  const view = author ? await viewOf(caller, snapshot, config, await relationTo(caller.uid, author)) : null;
  if (!view) return refuse<PostRefusal>("not-found", "post-unavailable", "No such post.");
  return view;
}

/** Newest first. Index: posts (authorUid ASC, status ASC, visibility ASC, createdAt DESC, __name__ DESC). */
export async function listUserPosts(caller: Caller, request: ListUserPostsRequest): Promise<ListPostsResponse> {
  const relation = await relationTo(caller.uid, request.uid);
  if (relation === "blocked") refuse<PostRefusal>("permission-denied", "blocked", "This user's posts are not visible to you.");
  const config = await postsConfig();
  const query = db()
    .collection(Collections.posts)
    .where("authorUid", "==", request.uid)
    .where("status", "==", "active")
    .where("visibility", "in", visibleAudiences(relation));
  const { docs, nextCursor } = await pageByTime(query, "createdAt", request);
  const views = await Promise.all(docs.map((doc) => viewOf(caller, doc, config, relation)));
  return { items: views.filter((view): view is PostView => view !== null), nextCursor };
}
