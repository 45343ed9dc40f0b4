/** The page tasks of a post's fan-out to its followers' feeds (fanout.ts FEED_PAGE_TASK enqueues to it). */
import { onTaskDispatched } from "firebase-functions/v2/tasks";
import { REGION } from "../kernel/config.js";
import { parse } from "../kernel/validation.js";
import { runFeedFanoutPage } from "./fanout.js";
import { FeedPageTaskSchema } from "./schema.js";

/** Exported as fanOutPostToFeeds. One page of followers per attempt; a retried page rewrites the same entries. */
export const fanOutPostToFeeds = onTaskDispatched(
  {
    region: REGION,
    retryConfig: { maxAttempts: 10, minBackoffSeconds: 5, maxBackoffSeconds: 120 },
    rateLimits: { maxConcurrentDispatches: 10, maxDispatchesPerSecond: 20 },
    timeoutSeconds: 120,
  },
  async (request) => {
    await runFeedFanoutPage(parse(FeedPageTaskSchema, request.data));
  },
);
