/**
 * Event-driven entry points of the feeds domain. The feed triggers reconcile with the current state of
 * what changed (fanout.ts); the explore triggers count each engagement once by its event id (explore.ts):
 * a redelivered or out-of-order event changes nothing more.
 */
import { onDocumentCreated, onDocumentWritten } from "firebase-functions/v2/firestore";
import { Collections } from "../kernel/collections.js";
import { REGION, UPSTASH_REDIS_REST_TOKEN } from "../kernel/config.js";
import { recordEngagement } from "./explore.js";
import { fanoutRunOf, runFeedFanoutPage, syncFollowEdge } from "./fanout.js";

/**
 * Creates, edits (visibility), removals and deletions of posts reach the followers' feeds: the first page
 * of followers here, the others in page tasks (fanout.ts). Retried: an event whose next page could not
 * be enqueued is delivered again.
 */
export const onPostWrittenSyncFeeds = onDocumentWritten(
  { document: `${Collections.posts}/{postId}`, region: REGION, timeoutSeconds: 120, retry: true, secrets: [UPSTASH_REDIS_REST_TOKEN] },
  async (event) => {
    await runFeedFanoutPage({ postId: event.params.postId, run: fanoutRunOf(event.id), page: 0, startAfter: null });
  },
);

/** A follow backfills the author's latest posts; an unfollow or a block (which severs the edge) removes them. */
export const onFollowerEdgeWritten = onDocumentWritten(
  { document: `${Collections.users}/{uid}/${Collections.followers}/{followerUid}`, region: REGION, secrets: [UPSTASH_REDIS_REST_TOKEN] },
  async (event) => {
    await syncFollowEdge(event.params.uid, event.params.followerUid);
  },
);

const atMs = (time: string): number => Date.parse(time) || Date.now();

/** A like on a post (not on a comment) ranks the post in explore. */
export const onPostLikedTrend = onDocumentCreated(
  { document: `${Collections.posts}/{postId}/${Collections.postLikes}/{uid}`, region: REGION, secrets: [UPSTASH_REDIS_REST_TOKEN] },
  async (event) => {
    await recordEngagement({ eventId: event.id, postId: event.params.postId, kind: "like", actorUid: event.params.uid, atMs: atMs(event.time) });
  },
);

export const onPostCommentedTrend = onDocumentCreated(
  { document: `${Collections.posts}/{postId}/${Collections.postComments}/{commentId}`, region: REGION, secrets: [UPSTASH_REDIS_REST_TOKEN] },
  async (event) => {
    const actorUid = event.data?.get("authorUid") as string | undefined;
    if (!actorUid) return;
    await recordEngagement({ eventId: event.id, postId: event.params.postId, kind: "comment", actorUid, atMs: atMs(event.time) });
  },
);

/** A repost is a share of its original. */
export const onPostSharedTrend = onDocumentCreated(
  { document: `${Collections.posts}/{postId}`, region: REGION, secrets: [UPSTASH_REDIS_REST_TOKEN] },
  async (event) => {
    const originalId = event.data?.get("repostOf.postId") as string | undefined;
    const actorUid = event.data?.get("authorUid") as string | undefined;
    if (!originalId || !actorUid) return;
    await recordEngagement({ eventId: event.id, postId: originalId, kind: "share", actorUid, atMs: atMs(event.time) });
  },
);
