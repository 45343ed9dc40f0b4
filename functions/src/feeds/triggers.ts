/**
 * Event-driven entry points of the feeds domain. Both reconcile with the current state of what changed
 * (fanout.ts), so a redelivered or out-of-order event changes nothing more.
 */
import { onDocumentWritten } from "firebase-functions/v2/firestore";
import { Collections } from "../kernel/collections.js";
import { REGION } from "../kernel/config.js";
import { syncFollowEdge, syncPostToFeeds } from "./fanout.js";

/** Creates, edits (visibility), removals and deletions of posts reach the followers' feeds. */
export const onPostWrittenSyncFeeds = onDocumentWritten(
  { document: `${Collections.posts}/{postId}`, region: REGION, timeoutSeconds: 540 },
  async (event) => {
    await syncPostToFeeds(event.params.postId);
  },
);

/** A follow backfills the author's latest posts; an unfollow or a block (which severs the edge) removes them. */
export const onFollowerEdgeWritten = onDocumentWritten(
  { document: `${Collections.users}/{uid}/${Collections.followers}/{followerUid}`, region: REGION },
  async (event) => {
    await syncFollowEdge(event.params.uid, event.params.followerUid);
  },
);
