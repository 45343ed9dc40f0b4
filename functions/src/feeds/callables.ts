/** How the feeds domain is reached by the apps. */
import { defineCallable } from "../kernel/callable.js";
import { getExplore as readExplore, getHashtagPosts as readHashtagPosts, recordPostView as recordView } from "./explore.js";
import { getFollowingFeed as readFollowingFeed } from "./following.js";
import { ExploreRequestSchema, FollowingFeedRequestSchema, HashtagPostsRequestSchema, RecordPostViewRequestSchema } from "./schema.js";

export const getFollowingFeed = defineCallable({
  name: "feeds.following",
  input: FollowingFeedRequestSchema,
  handler: ({ caller, data }) => readFollowingFeed(caller, data),
});

export const getExplore = defineCallable({
  name: "feeds.explore",
  input: ExploreRequestSchema,
  handler: ({ caller, data }) => readExplore(caller, data),
});

export const getHashtagPosts = defineCallable({
  name: "feeds.hashtag",
  input: HashtagPostsRequestSchema,
  handler: ({ caller, data }) => readHashtagPosts(caller, data),
});

/** A client reports a view once it showed the post; counted once per viewer, post and day. */
export const recordPostView = defineCallable({
  name: "feeds.recordView",
  input: RecordPostViewRequestSchema,
  rateLimit: { perUid: { tokens: 120, windowSeconds: 60 } },
  handler: ({ caller, data }) => recordView(caller, data),
});
