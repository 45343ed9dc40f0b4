/**
 * Fan-out on write: each post a follower may see is copied as a small entry into every follower's feed
 * (users/{f}/feed/{postId}), so reading the feed is one indexed query on one collection. Both triggers
 * reconcile with the current state (they read the post, the follow edge) rather than apply the event's
 * payload: a replayed or out-of-order event converges to the same entries, which is what makes them
 * idempotent on the event.
 */
import type { Query } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";
import { log } from "../kernel/logger.js";
import type { PostRecord } from "../posts/schema.js";
import { postRef } from "../posts/store.js";
import { followingRef, isBlockedPair } from "../social/store.js";
import { type FeedsConfig, feedsConfig } from "./config.js";
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

/**
 * Brings every feed entry of `postId` in line with the post: written to each follower of its author while
 * it is active and public or followers-only (and its author is not pulled at read time), removed once it
 * is deleted, removed or private.
 */
export async function syncPostToFeeds(postId: string): Promise<PostFanout> {
  const config = await feedsConfig();
  const post = (await postRef(postId).get()).data() as PostRecord | undefined;
  const reachesFeeds =
    post !== undefined &&
    post.status === "active" &&
    (FEED_VISIBILITIES as readonly string[]).includes(post.visibility) &&
    !(await isPulledAuthor(post.authorUid, config));
  if (!post || !reachesFeeds) {
    const removed = await deleteAll(db().collectionGroup(Collections.feed).where("postId", "==", postId));
    return { written: 0, removed };
  }
  const entry: FeedEntry = { postId, authorUid: post.authorUid, createdAt: post.createdAt, visibility: post.visibility };
  const { FieldPath } = firestoreValues();
  const followers = userRef(post.authorUid).collection(Collections.followers).orderBy(FieldPath.documentId()).limit(BATCH_WRITES);
  let written = 0;
  let after: string | null = null;
  for (;;) {
    const page = await (after === null ? followers : followers.startAfter(after)).get();
    if (page.empty) break;
    const batch = db().batch();
    for (const follower of page.docs) batch.set(feedEntryRef(follower.id, postId), entry);
    await batch.commit();
    written += page.size;
    after = page.docs.at(-1)?.id ?? null;
    if (page.size < BATCH_WRITES) break;
  }
  log.info("post fanned out", { postId, written });
  return { written, removed: 0 };
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
