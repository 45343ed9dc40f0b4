/**
 * Staff removal of a post or a comment: the content is hidden (status "removed", kept for appeals and
 * the moderation record), the removal is audited in the same transaction, and the author is notified.
 */
import { firestoreValues } from "../kernel/app.js";
import { recordAudit } from "../kernel/audit.js";
import { refuse } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { runIdempotent } from "../kernel/idempotency.js";
import { log } from "../kernel/logger.js";
import { notifyAfterCommit } from "../notifications/after-commit.js";
import { postsConfig } from "./config.js";
import type { PostRefusal, RemoveContentRequest, RemoveContentResponse } from "./schema.js";
import { commentCounter, commentRef, postCounter, postRef } from "./store.js";

export async function removeContent(caller: Caller, request: RemoveContentRequest): Promise<RemoveContentResponse> {
  const { counterShards } = await postsConfig();
  const { postId, commentId } = request;
  const { result } = await runIdempotent({ scope: "posts.remove", key: request.requestId, owner: caller.uid, payload: request }, async (tx) => {
    const target = await tx.get(commentId ? commentRef(postId, commentId) : postRef(postId));
    if (!target.exists) {
      return refuse<PostRefusal>("not-found", commentId ? "comment-unavailable" : "post-unavailable", "No such content.");
    }
    const authorUid = target.get("authorUid") as string;
    if (target.get("status") !== "active") return { removed: false, authorUid };
    const parentId = commentId ? (target.get("parentId") as string | null) : null;
    const [post, parent] = commentId ? await tx.getAll(postRef(postId), ...(parentId ? [commentRef(postId, parentId)] : [])) : [];
    const { FieldValue } = firestoreValues();
    tx.update(target.ref, { status: "removed", removedBy: caller.uid, removalReason: request.reason, removedAt: FieldValue.serverTimestamp() });
    if (commentId) {
      // A removed comment no longer counts, like a deleted one.
      if (post?.exists) postCounter(postId, counterShards).increment(tx, { comments: -1 });
      if (parentId && parent?.exists) commentCounter(postId, parentId, counterShards).increment(tx, { replies: -1 });
    }
    recordAudit(tx, {
      action: commentId ? "posts.comment.remove" : "posts.post.remove",
      actorUid: caller.uid,
      targetUid: authorUid,
      reason: request.reason,
      requestId: request.requestId,
      before: { status: "active" },
      after: { status: "removed" },
      details: { postId, commentId: commentId ?? null },
    });
    return { removed: true, authorUid };
  });
  if (result.removed) {
    log.info("content removed", { postId, commentId, by: caller.uid });
    await notifyAfterCommit({
      recipient: result.authorUid,
      type: "content-removed",
      data: { contentType: commentId ? "comment" : "post", postId, ...(commentId ? { commentId } : {}), reason: request.reason },
      dedupeKey: `removed:${postId}:${commentId ?? ""}`,
    });
  }
  return { removed: result.removed };
}
