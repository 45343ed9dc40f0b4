/** Posts and stories settings (config/posts, admin-managed), with defaults for every field. */
import * as z from "zod";
import { configDocument } from "../kernel/config-document.js";
import { MAX_COMMENT_CEILING, MAX_TEXT_CEILING } from "./schema.js";

export const PostsConfigSchema = z
  .object({
    maxTextLength: z.number().int().min(1).max(MAX_TEXT_CEILING).default(2_200),
    maxCommentLength: z.number().int().min(1).max(MAX_COMMENT_CEILING).default(1_000),
    /** Images per post; a video always stands alone. */
    maxImages: z.number().int().min(1).max(20).default(10),
    maxHashtags: z.number().int().min(0).max(100).default(30),
    /** Mentions beyond this many are kept in the text but neither resolved nor notified. */
    maxMentions: z.number().int().min(0).max(100).default(20),
    /** How long after publishing the author may edit text and visibility. */
    editWindowMinutes: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60)
      .default(15),
    /** Shards of a post's and a comment's counters: concurrent likes spread over this many documents. */
    counterShards: z.number().int().min(1).max(100).default(10),
    storyHours: z.number().int().min(1).max(48).default(24),
    maxStoryTextLength: z.number().int().min(1).max(MAX_TEXT_CEILING).default(500),
  })
  .strict();
export type PostsConfig = z.infer<typeof PostsConfigSchema>;

const posts = configDocument("posts", PostsConfigSchema);

export const postsConfig = (): Promise<PostsConfig> => posts.get();
