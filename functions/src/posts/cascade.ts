/**
 * What deleting a post takes with it, after deletePost has marked it "deleted" (so nothing new can
 * attach to it): reposts lose their original (repostOf.available = false), its media is marked for
 * deletion, and the post with every sub-collection (comments and their likes, likes, counter shards,
 * revisions) goes through a BulkWriter in bounded batches. Runs in a task, with a sweep behind it, and
 * is idempotent: a second run finds less, or nothing, to do.
 */
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { log } from "../kernel/logger.js";
import { enqueueTask } from "../kernel/task-queue.js";
import { runTransaction } from "../kernel/transactions.js";
import { markMediaForDeletion } from "../media/uploads/cleanup.js";
import { postRef } from "./store.js";

const BATCH = 300;
/** The task function (posts/jobs.ts) that runs the cascade. */
export const CASCADE_TASK = "deletePostCascade";

export async function schedulePostCascade(postId: string): Promise<void> {
  await enqueueTask(CASCADE_TASK, { postId }, { atMs: Date.now(), id: `post-cascade-${postId}`, context: { postId } });
}

export type CascadeOutcome = "done" | "not-deleted";

export async function cascadePostDeletion(postId: string): Promise<CascadeOutcome> {
  const snapshot = await postRef(postId).get();
  if (!snapshot.exists) return "done";
  if (snapshot.get("status") !== "deleted") return "not-deleted";
  const reposts = db().collection(Collections.posts).where("repostOf.postId", "==", postId).where("repostOf.available", "==", true).limit(BATCH);
  for (let page = await reposts.get(); !page.empty; page = await reposts.get()) {
    const batch = db().batch();
    for (const doc of page.docs) batch.update(doc.ref, { "repostOf.available": false });
    await batch.commit();
  }
  const mediaIds = snapshot.get("mediaIds");
  await runTransaction((tx) => markMediaForDeletion(tx, Array.isArray(mediaIds) ? (mediaIds as string[]) : [], "post-deleted"));
  await db().recursiveDelete(snapshot.ref);
  log.info("post deletion cascaded", { postId });
  return "done";
}

/** Deleted posts whose cascade has not run `staleMinutes` after the deletion (a lost task): run it now. */
export async function sweepDeletedPosts(staleMinutes = 10, limit = 50): Promise<number> {
  const { Timestamp } = firestoreValues();
  const stale = await db()
    .collection(Collections.posts)
    .where("status", "==", "deleted")
    .where("deletedAt", "<", Timestamp.fromMillis(Date.now() - staleMinutes * 60_000))
    .limit(limit)
    .get();
  for (const doc of stale.docs) await cascadePostDeletion(doc.id);
  return stale.size;
}
