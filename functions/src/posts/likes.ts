/**
 * Likes on posts and comments: one per user and target (the like document is keyed by the uid), set to
 * the state the caller asks for, so a repeated or concurrent request changes nothing the second time.
 * The count moves only with a like that appears or disappears, on a random shard of the target's
 * counter: a viral post's likes never contend on one document.
 */
import type { Transaction } from "firebase-admin/firestore";
import { firestoreValues } from "../kernel/app.js";
import { refuse } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { runTransaction } from "../kernel/transactions.js";
import { displayNameOf, notifyAfterCommit } from "../notifications/after-commit.js";
import { postsConfig } from "./config.js";
import type { PostRecord, PostRefusal, SetLikeRequest, SetLikeResponse } from "./schema.js";
import { commentCounter, commentRef, likeRef, postCounter, postRef } from "./store.js";
import { mayView, relationTo } from "./visibility.js";

/** Many likers commit on the same shards at once: retry generously. */
const LIKE_TX_ATTEMPTS = 30;

interface LikeChange {
  changed: boolean;
  /** Whom a new like notifies: the post's or the comment's author. */
  recipient: string | null;
}

/** Adds (delta 1) or removes (delta -1) `uid`'s like, with its count, inside `tx`; reads first. */
async function applyLike(tx: Transaction, uid: string, request: SetLikeRequest, shards: number): Promise<LikeChange> {
  const { postId, commentId } = request;
  const refs = [postRef(postId), likeRef(postId, uid, commentId), ...(commentId ? [commentRef(postId, commentId)] : [])];
  const [post, like, comment] = await tx.getAll(...refs);
  if (!request.liked) {
    // Taking a like back is always allowed, whatever happened to the post or between the users since.
    if (!like?.exists) return { changed: false, recipient: null };
    tx.delete(like.ref);
    if (commentId) {
      if (comment?.exists) commentCounter(postId, commentId, shards).increment(tx, { likes: -1 });
    } else if (post?.exists) postCounter(postId, shards).increment(tx, { likes: -1 });
    return { changed: true, recipient: null };
  }
  const data = post?.data() as PostRecord | undefined;
  if (!data) return refuse<PostRefusal>("not-found", "post-unavailable", "No such post.");
  const relation = await relationTo(uid, data.authorUid, tx);
  if (relation === "blocked") refuse<PostRefusal>("permission-denied", "blocked", "You cannot interact with this post.");
  if (!mayView(data, relation)) refuse<PostRefusal>("not-found", "post-unavailable", "No such post.");
  let recipient = data.authorUid;
  if (commentId) {
    if (!comment?.exists || comment.get("status") !== "active") refuse<PostRefusal>("not-found", "comment-unavailable", "No such comment.");
    recipient = comment.get("authorUid") as string;
    if ((await relationTo(uid, recipient, tx)) === "blocked")
      refuse<PostRefusal>("permission-denied", "blocked", "You cannot interact with this comment.");
  }
  if (like?.exists) return { changed: false, recipient: null };
  const { FieldValue } = firestoreValues();
  tx.create(likeRef(postId, uid, commentId), { uid, postId, commentId: commentId ?? null, createdAt: FieldValue.serverTimestamp() });
  if (commentId) commentCounter(postId, commentId, shards).increment(tx, { likes: 1 });
  else postCounter(postId, shards).increment(tx, { likes: 1 });
  return { changed: true, recipient: recipient === uid ? null : recipient };
}

export async function setLike(caller: Caller, request: SetLikeRequest): Promise<SetLikeResponse> {
  const { counterShards } = await postsConfig();
  const change = await runTransaction((tx) => applyLike(tx, caller.uid, request, counterShards), { maxAttempts: LIKE_TX_ATTEMPTS });
  if (change.recipient) {
    const target = request.commentId ? `${request.postId}/${request.commentId}` : request.postId;
    const recipient = change.recipient;
    await notifyAfterCommit(async () => ({
      recipient,
      type: "post-like",
      data: {
        postId: request.postId,
        ...(request.commentId ? { commentId: request.commentId } : {}),
        likerName: await displayNameOf(caller.uid),
      },
      // One notification per liker and target, however often they unlike and like again.
      dedupeKey: `like:${target}:${caller.uid}`,
      actorUid: caller.uid,
    }));
  }
  return { liked: request.liked, changed: change.changed };
}

/** Removes `uid`'s like (account erasure), adjusting the count. */
export async function removeLike(uid: string, postId: string, commentId: string | null): Promise<void> {
  const { counterShards } = await postsConfig();
  await runTransaction((tx) => applyLike(tx, uid, { postId, commentId: commentId ?? undefined, liked: false }, counterShards), {
    maxAttempts: LIKE_TX_ATTEMPTS,
  });
}
