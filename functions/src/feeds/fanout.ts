/**
 * Fan-out on write: each post a follower may see is copied as a small entry into every follower's feed
 * (users/{f}/feed/{postId}), so reading the feed is one indexed query on one collection. Both triggers
 * reconcile with the current state (they read the post, the follow edge) rather than apply the event's
 * payload: a replayed or out-of-order event converges to the same entries, which is what makes them
 * idempotent on the event.
 */
import { createHash } from "node:crypto";
import type { Query } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";
import { log } from "../kernel/logger.js";
import { enqueueTask } from "../kernel/task-queue.js";
import { runTransaction } from "../kernel/transactions.js";
import type { PostRecord } from "../posts/schema.js";
import { postRef } from "../posts/store.js";
import { followingRef, isBlockedPair } from "../social/store.js";
import { type FeedsConfig, feedsConfig } from "./config.js";
import type { FeedPageTask } from "./schema.js";
import { BATCH_WRITES, feedEntryRef, feedRef } from "./store.js";

/** The visibilities that reach followers' feeds. */
export const FEED_VISIBILITIES = ["public", "followers"] as const;

export interface FeedEntry {
  postId: string;
  authorUid: string;
  createdAt: FirebaseFirestore.Timestamp;
  visibility: PostRecord["visibility"];
}

/** Accounts with this many followers or more are read at request time instead of fanned out. */
export async function isPulledAuthor(authorUid: string, config: FeedsConfig): Promise<boolean> {
  const followers = Number((await userRef(authorUid).get()).get("followersCount") ?? 0);
  return followers >= config.pullThreshold;
}

/** Deletes every document the query returns, a batch at a time; the number deleted. */
async function deleteAll(query: Query): Promise<number> {
  let deleted = 0;
  for (;;) {
    const page = await query.limit(BATCH_WRITES).get();
    if (page.empty) return deleted;
    const batch = db().batch();
    for (const doc of page.docs) batch.delete(doc.ref);
    await batch.commit();
    deleted += page.size;
  }
}

export interface PostFanout {
  written: number;
  removed: number;
}

/** The task function (feeds/jobs.ts) that runs the pages of a post's fan-out after the first. */
export const FEED_PAGE_TASK = "fanOutPostToFeeds";

/** The run of a post's fan-out started by one write (the trigger's event id): a redelivery is the same run. */
export const fanoutRunOf = (eventId: string): string => createHash("sha256").update(eventId).digest("hex").slice(0, 32);

/** Whether the post, as stored, is one that followers' feeds show. */
function shownInFeeds(post: PostRecord | undefined): post is PostRecord {
  return post?.status === "active" && (FEED_VISIBILITIES as readonly string[]).includes(post.visibility);
}

/**
 * One page of bringing the feed entries of `task.postId` in line with the post: while it is active and
 * public or followers-only (and its author is not pulled at read time), its entry is set for the next
 * `pageSize` followers (by id, after `task.startAfter`); once it is deleted, removed or private, up to
 * `pageSize` of its entries are deleted. The entries are written in a transaction that reads the post,
 * so a page never adds entries after a change that hides the post. No invocation handles more than one
 * page, whatever the number of followers: the next page, if any, is returned for a task to run, and a
 * page that is run again writes the same entries.
 */
export async function syncPostFeedPage(task: FeedPageTask, pageSize = BATCH_WRITES): Promise<PostFanout & { next: FeedPageTask | null }> {
  const config = await feedsConfig();
  const post = (await postRef(task.postId).get()).data() as PostRecord | undefined;
  if (shownInFeeds(post) && !(await isPulledAuthor(post.authorUid, config))) {
    const { FieldPath } = firestoreValues();
    const followers = userRef(post.authorUid).collection(Collections.followers).orderBy(FieldPath.documentId()).select().limit(pageSize);
    const page = await (task.startAfter === null ? followers : followers.startAfter(task.startAfter)).get();
    const written = await runTransaction(async (tx) => {
      const current = (await tx.get(postRef(task.postId))).data() as PostRecord | undefined;
      if (!shownInFeeds(current)) return null;
      const entry: FeedEntry = { postId: task.postId, authorUid: current.authorUid, createdAt: current.createdAt, visibility: current.visibility };
      for (const follower of page.docs) tx.set(feedEntryRef(follower.id, task.postId), entry);
      return page.size;
    });
    if (written !== null) {
      const last = page.docs.at(-1)?.id;
      const next = page.size === pageSize && last ? { ...task, page: task.page + 1, startAfter: last } : null;
      log.info("post fanned out", { postId: task.postId, page: task.page, written });
      return { written, removed: 0, next };
    }
    // The post changed since it was read: the removal below (or the run its change started) follows it.
  }
  const entries = await db().collectionGroup(Collections.feed).where("postId", "==", task.postId).limit(pageSize).get();
  if (entries.empty) return { written: 0, removed: 0, next: null };
  const batch = db().batch();
  for (const doc of entries.docs) batch.delete(doc.ref);
  await batch.commit();
  const next = entries.size === pageSize ? { ...task, page: task.page + 1, startAfter: null } : null;
  return { written: 0, removed: entries.size, next };
}

/** Enqueues a page of a post's fan-out, named by post, run and page: a replayed page enqueues no second one. */
async function enqueueFeedPage(task: FeedPageTask): Promise<boolean> {
  const name = createHash("sha256").update(`${task.postId}/${task.run}`).digest("hex").slice(0, 40);
  const outcome = await enqueueTask(FEED_PAGE_TASK, task, { atMs: Date.now(), id: `feed-${name}-p${task.page}`, context: { ...task } });
  return outcome !== "failed";
}

/**
 * Runs one page and hands the next to a task. Throws when the next page cannot be enqueued, so that the
 * trigger's event (or the page's task) is delivered again: the page is then rewritten and the next one
 * enqueued, and a fan-out never stops half-way.
 */
export async function runFeedFanoutPage(task: FeedPageTask): Promise<PostFanout & { next: FeedPageTask | null }> {
  const result = await syncPostFeedPage(task);
  if (result.next && !(await enqueueFeedPage(result.next))) {
    throw new Error(`feed fan-out of ${task.postId}: page ${result.next.page} not enqueued`);
  }
  return result;
}

/**
 * Brings `followerUid`'s feed in line with the edge followerUid -> authorUid: while it stands (and no block
 * stands either way), the author's latest posts are there; once it is gone (unfollow, or a block, which
 * severs edges) the author's entries go.
 */
export async function syncFollowEdge(authorUid: string, followerUid: string): Promise<PostFanout> {
  const config = await feedsConfig();
  const [edge, blocked] = await Promise.all([followingRef(followerUid, authorUid).get(), isBlockedPair(followerUid, authorUid)]);
  if (!edge.exists || blocked) {
    const removed = await deleteAll(feedRef(followerUid).where("authorUid", "==", authorUid));
    return { written: 0, removed };
  }
  if (config.backfillPosts === 0 || (await isPulledAuthor(authorUid, config))) return { written: 0, removed: 0 };
  const { FieldPath } = firestoreValues();
  const latest = await db()
    .collection(Collections.posts)
    .where("authorUid", "==", authorUid)
    .where("status", "==", "active")
    .where("visibility", "in", [...FEED_VISIBILITIES])
    .orderBy("createdAt", "desc")
    .orderBy(FieldPath.documentId(), "desc")
    .limit(config.backfillPosts)
    .get();
  if (latest.empty) return { written: 0, removed: 0 };
  const batch = db().batch();
  for (const post of latest.docs) {
    const entry: FeedEntry = { postId: post.id, authorUid, createdAt: post.get("createdAt"), visibility: post.get("visibility") };
    batch.set(feedEntryRef(followerUid, post.id), entry);
  }
  await batch.commit();
  return { written: latest.size, removed: 0 };
}
