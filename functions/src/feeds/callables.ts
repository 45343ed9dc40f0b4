/** How the feeds domain is reached by the apps. */
import { defineCallable } from "../kernel/callable.js";
import { getFollowingFeed as readFollowingFeed } from "./following.js";
import { FollowingFeedRequestSchema } from "./schema.js";

export const getFollowingFeed = defineCallable({
  name: "feeds.following",
  input: FollowingFeedRequestSchema,
  handler: ({ caller, data }) => readFollowingFeed(caller, data),
});
