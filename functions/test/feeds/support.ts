/** Feeds test fixtures: the feeds triggers delivered in-process, feed reads through the callable. */
import { randomUUID } from "node:crypto";
import { getFollowingFeed } from "../../src/feeds/callables.js";
import { onFollowerEdgeWritten, onPostWrittenSyncFeeds } from "../../src/feeds/triggers.js";
import { db } from "../../src/kernel/app.js";
import { clearConfigCaches } from "../../src/kernel/config-document.js";
import type { ListPostsResponse } from "../../src/posts/schema.js";
import type { SocialUser } from "../social/support.js";
import { callInProcess } from "../support/callables.js";
import { deliverDocumentCreated } from "../support/triggers.js";

/** The post trigger, as Cloud Functions delivers it after any write of posts/{postId} (it reads the post, not the payload). */
export const syncPost = (postId: string, eventId = randomUUID()) =>
  deliverDocumentCreated(onPostWrittenSyncFeeds, `posts/${postId}`, {}, eventId, { postId });

/** The follow-edge trigger after users/{author}/followers/{follower} was created or deleted. */
export const syncEdge = (authorUid: string, followerUid: string, eventId = randomUUID()) =>
  deliverDocumentCreated(onFollowerEdgeWritten, `users/${authorUid}/followers/${followerUid}`, {}, eventId, { uid: authorUid, followerUid });

export const readFeed = (user: SocialUser, data: Record<string, unknown> = {}) =>
  callInProcess(getFollowingFeed, { user, data }) as Promise<ListPostsResponse>;

/** Every post id of the caller's feed, following cursors to the end. */
export async function wholeFeed(user: SocialUser, limit = 50): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const page: ListPostsResponse = await readFeed(user, { limit, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((item) => item.postId));
    cursor = page.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error("feed did not end");
}

/** The post ids of users/{uid}/feed, sorted. */
export async function feedEntryIds(uid: string): Promise<string[]> {
  const entries = await db().collection("users").doc(uid).collection("feed").get();
  return entries.docs.map((doc) => doc.id).sort();
}

export async function setFeedsConfig(fields: Record<string, unknown>): Promise<void> {
  await db().collection("config").doc("feeds").set(fields);
  clearConfigCaches();
}
