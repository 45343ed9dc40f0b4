/**
 * Comments with one level of replies. Text goes through chat's profanity filter (masked, or refused
 * when nothing but abuse). The post's comment count and a comment's reply count are sharded counters,
 * moved in the transaction that adds or deletes the comment, so they stay exact.
 */
import type { DocumentSnapshot, Transaction } from "firebase-admin/firestore";
import { chatConfig } from "../chat/config.js";
import { moderateText } from "../chat/profanity.js";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { pageByTime } from "../kernel/cursor.js";
import { refuse } from "../kernel/errors.js";
import { millisOf } from "../kernel/fields.js";
import type { Caller } from "../kernel/guards.js";
import { runIdempotent } from "../kernel/idempotency.js";
import { runTransaction } from "../kernel/transactions.js";
import { displayNameOf, notifyAfterCommit } from "../notifications/after-commit.js";
import { blockedAmong } from "../social/store.js";
import { postsConfig } from "./config.js";
import type {
  AddCommentRequest,
  AddCommentResponse,
  CommentRecord,
  CommentRequest,
  CommentView,
  DeleteResponse,
  ListCommentsRequest,
  ListCommentsResponse,
  PostRecord,
  PostRefusal,
} from "./schema.js";
import { commentCounter, commentRef, likeRef, postCounter, postRef } from "./store.js";
import { mayView, relationTo } from "./visibility.js";

const REPLY_BATCH = 200;

/** The post, read in `tx` and refused unless `uid` may see and interact with it. */
async function interactablePost(tx: Transaction, uid: string, post: DocumentSnapshot): Promise<PostRecord> {
  const data = post.data() as PostRecord | undefined;
  if (!data) return refuse<PostRefusal>("not-found", "post-unavailable", "No such post.");
  const relation = await relationTo(uid, data.authorUid, tx);
  if (relation === "blocked") refuse<PostRefusal>("permission-denied", "blocked", "You cannot interact with this post.");
  if (!mayView(data, relation)) refuse<PostRefusal>("not-found", "post-unavailable", "No such post.");
  return data;
}

export async function addComment(caller: Caller, request: AddCommentRequest): Promise<AddCommentResponse> {
  const [config, chat] = await Promise.all([postsConfig(), chatConfig()]);
  if (request.text.length > config.maxCommentLength) {
    refuse<PostRefusal>("invalid-argument", "text-too-long", `Comments are at most ${config.maxCommentLength} characters.`);
  }
  const moderation = moderateText(request.text, chat);
  if (moderation.verdict === "removed" || moderation.shownText === null) {
    return refuse<PostRefusal>("invalid-argument", "text-not-allowed", "This comment is not allowed.");
  }
  const shownText = moderation.shownText;
  const { postId, parentId } = request;
  const { result } = await runIdempotent({ scope: "posts.comment", key: request.requestId, owner: caller.uid, payload: request }, async (tx) => {
    const [post, parent] = await tx.getAll(postRef(postId), ...(parentId ? [commentRef(postId, parentId)] : []));
    const postData = await interactablePost(tx, caller.uid, post as DocumentSnapshot);
    let parentAuthor: string | null = null;
    if (parentId) {
      if (!parent?.exists || parent.get("status") !== "active") return refuse<PostRefusal>("not-found", "comment-unavailable", "No such comment.");
      if (parent.get("parentId")) refuse<PostRefusal>("failed-precondition", "reply-depth", "Replies cannot be replied to.");
      parentAuthor = parent.get("authorUid") as string;
      if ((await relationTo(caller.uid, parentAuthor, tx)) === "blocked") {
        refuse<PostRefusal>("permission-denied", "blocked", "You cannot reply to this comment.");
      }
    }
    const ref = postRef(postId).collection(Collections.postComments).doc();
    const { FieldValue } = firestoreValues();
    tx.create(ref, {
      authorUid: caller.uid,
      postId,
      parentId: parentId ?? null,
      text: shownText,
      moderation: moderation.verdict,
      status: "active",
      createdAt: FieldValue.serverTimestamp(),
    });
    postCounter(postId, config.counterShards).increment(tx, { comments: 1 });
    if (parentId) commentCounter(postId, parentId, config.counterShards).increment(tx, { replies: 1 });
    return { commentId: ref.id, postAuthor: postData.authorUid, parentAuthor };
  });
  const notifyOf = (recipient: string, type: "post-comment" | "comment-reply") =>
    notifyAfterCommit(async () => ({
      recipient,
      type,
      data: { postId, commentId: result.commentId, commenterName: await displayNameOf(caller.uid) },
      dedupeKey: `comment:${result.commentId}`,
      actorUid: caller.uid,
    }));
  if (result.postAuthor !== caller.uid) await notifyOf(result.postAuthor, "post-comment");
  const { parentAuthor } = result;
  if (parentAuthor && parentAuthor !== caller.uid && parentAuthor !== result.postAuthor) await notifyOf(parentAuthor, "comment-reply");
  return { commentId: result.commentId };
}

/**
 * Deletes a comment, then its replies, each in a transaction that moves the counts by what it really
 * deleted; `authorize` sees the comment and its post first. Likes and counter shards go after. False
 * when the comment was already gone.
 */
export async function deleteCommentTree(
  postId: string,
  commentId: string,
  authorize: (comment: CommentRecord, post: PostRecord | undefined) => void,
): Promise<boolean> {
  const { counterShards } = await postsConfig();
  const deleted = await runTransaction(async (tx) => {
    const [post, comment] = await tx.getAll(postRef(postId), commentRef(postId, commentId));
    const data = comment?.data() as CommentRecord | undefined;
    if (!data) return false;
    authorize(data, post?.data() as PostRecord | undefined);
    const parent = data.parentId ? await tx.get(commentRef(postId, data.parentId)) : null;
    tx.delete(commentRef(postId, commentId));
    if (data.status === "active" && post?.exists) postCounter(postId, counterShards).increment(tx, { comments: -1 });
    if (data.status === "active" && parent?.exists && data.parentId)
      commentCounter(postId, data.parentId, counterShards).increment(tx, { replies: -1 });
    return true;
  });
  // Replies of a deleted comment can no longer be added (their transaction reads the parent).
  const replies = postRef(postId).collection(Collections.postComments).where("parentId", "==", commentId).limit(REPLY_BATCH);
  for (let page = await replies.get(); !page.empty; page = await replies.get()) {
    await runTransaction(async (tx) => {
      const [post, ...current] = await tx.getAll(postRef(postId), ...page.docs.map((doc) => doc.ref));
      const active = current.filter((reply) => reply.exists && reply.get("status") === "active").length;
      for (const reply of current) if (reply.exists) tx.delete(reply.ref);
      if (active > 0 && post?.exists) postCounter(postId, counterShards).increment(tx, { comments: -active });
    });
    await Promise.all(page.docs.map((doc) => db().recursiveDelete(doc.ref)));
  }
  await db().recursiveDelete(commentRef(postId, commentId));
  return deleted;
}

/** The comment's author or the post's author deletes it. */
export async function deleteComment(caller: Caller, { postId, commentId }: CommentRequest): Promise<DeleteResponse> {
  const deleted = await deleteCommentTree(postId, commentId, (comment, post) => {
    if (comment.authorUid !== caller.uid && post?.authorUid !== caller.uid) {
      refuse<PostRefusal>("permission-denied", "not-author", "Only its author or the post's author can delete a comment.");
    }
  });
  return { deleted };
}

/** Oldest first. Index: comments (parentId ASC, status ASC, createdAt ASC, __name__ ASC). */
export async function listComments(caller: Caller, request: ListCommentsRequest): Promise<ListCommentsResponse> {
  const [config, post] = await Promise.all([postsConfig(), postRef(request.postId).get()]);
  const data = post.data() as PostRecord | undefined;
  if (!data || !mayView(data, await relationTo(caller.uid, data.authorUid))) {
    return refuse<PostRefusal>("not-found", "post-unavailable", "No such post.");
  }
  const query = post.ref
    .collection(Collections.postComments)
    .where("parentId", "==", request.parentId ?? null)
    .where("status", "==", "active");
  const page = await pageByTime(query, "createdAt", request, "asc");
  const nextCursor = page.nextCursor;
  const authors = [...new Set(page.docs.map((doc) => doc.get("authorUid") as string).filter((uid) => uid !== caller.uid))];
  const hidden = await blockedAmong(caller.uid, authors);
  const shown = page.docs.filter((doc) => !hidden.has(doc.get("authorUid") as string));
  const items = await Promise.all(
    shown.map(async (doc): Promise<CommentView> => {
      const comment = doc.data() as CommentRecord;
      const [counts, like] = await Promise.all([
        commentCounter(request.postId, doc.id, config.counterShards).read(),
        likeRef(request.postId, caller.uid, doc.id).get(),
      ]);
      const createdAt = millisOf(comment.createdAt);
      return {
        commentId: doc.id,
        postId: request.postId,
        parentId: comment.parentId,
        authorUid: comment.authorUid,
        text: comment.text,
        createdAt: createdAt === null ? null : new Date(createdAt).toISOString(),
        counts,
        likedByMe: like.exists,
      };
    }),
  );
  return { items, nextCursor };
}
