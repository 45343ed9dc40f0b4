/** How stories are reached by the apps. */
import { defineCallable } from "../../kernel/callable.js";
import {
  CreateStoryRequestSchema,
  ListStoriesRequestSchema,
  ListStoryViewersRequestSchema,
  ReplyToStoryRequestSchema,
  StoryRequestSchema,
} from "./schema.js";
import {
  viewStory as open,
  createStory as publish,
  listStories as readStories,
  listStoryViewers as readViewers,
  deleteStory as removeOwnStory,
  replyToStory as reply,
} from "./stories.js";

export const createStory = defineCallable({
  name: "stories.create",
  input: CreateStoryRequestSchema,
  rateLimit: { perUid: { tokens: 10, windowSeconds: 60 } },
  handler: ({ caller, data }) => publish(caller, data),
});

export const listStories = defineCallable({
  name: "stories.list",
  input: ListStoriesRequestSchema,
  handler: ({ caller, data }) => readStories(caller, data),
});

export const viewStory = defineCallable({
  name: "stories.view",
  input: StoryRequestSchema,
  handler: ({ caller, data }) => open(caller, data),
});

export const listStoryViewers = defineCallable({
  name: "stories.listViewers",
  input: ListStoryViewersRequestSchema,
  handler: ({ caller, data }) => readViewers(caller, data),
});

export const replyToStory = defineCallable({
  name: "stories.reply",
  input: ReplyToStoryRequestSchema,
  rateLimit: { perUid: { tokens: 30, windowSeconds: 60 } },
  handler: ({ caller, data }) => reply(caller, data),
});

export const deleteStory = defineCallable({
  name: "stories.delete",
  input: StoryRequestSchema,
  handler: ({ caller, data }) => removeOwnStory(caller, data),
});
