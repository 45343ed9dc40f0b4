/**
 * The feeds API contract. Where feeds live:
 *   users/{uid}/feed/{postId}   FeedEntry { postId, authorUid, createdAt, visibility } (owner reads; functions write)
 * Pages are PostView lists (posts/schema.ts), newest first, with an opaque cursor.
 */
import * as z from "zod";
import { AuthUidSchema, CursorSchema } from "../kernel/validation.js";
import { PostIdSchema } from "../posts/schema.js";

export type { ListPostsResponse as FeedPage } from "../posts/schema.js";

/** details.reason of the feeds callables' refusals. */
export const FeedRefusalSchema = z.enum(["post-unavailable"]);
export type FeedRefusal = z.infer<typeof FeedRefusalSchema>;

export const FollowingFeedRequestSchema = z.object({ limit: z.number().int().min(1).max(50).default(20), cursor: CursorSchema.nullish() }).strict();
export type FollowingFeedRequest = z.output<typeof FollowingFeedRequestSchema>;

export const ExploreRequestSchema = z
  .object({
    /** ISO 3166-1 alpha-2; omitted: the global ranking. */
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, "country must be an ISO 3166-1 alpha-2 code (e.g. BR)")
      .optional(),
    limit: z.number().int().min(1).max(50).default(20),
    cursor: CursorSchema.nullish(),
  })
  .strict();
export type ExploreRequest = z.output<typeof ExploreRequestSchema>;

export const HashtagPostsRequestSchema = z
  .object({
    tag: z
      .string()
      .trim()
      .regex(/^#?[\p{L}\p{M}\p{N}_]{1,64}$/u, "tag must be one hashtag (letters, digits, _)"),
    limit: z.number().int().min(1).max(50).default(20),
    cursor: CursorSchema.nullish(),
  })
  .strict();
export type HashtagPostsRequest = z.output<typeof HashtagPostsRequestSchema>;

export const RecordPostViewRequestSchema = z.object({ postId: PostIdSchema }).strict();
export type RecordPostViewRequest = z.output<typeof RecordPostViewRequestSchema>;

/**
 * One page of a post's fan-out (feeds/fanout.ts): the trigger runs page 0 and each page enqueues the next
 * as a task named by post, run and page. `run` names the post write that started it; `startAfter` is the
 * last follower id of the page before.
 */
export const FeedPageTaskSchema = z
  .object({
    postId: PostIdSchema,
    run: z.string().regex(/^[0-9a-f]{1,64}$/),
    page: z.number().int().min(0),
    startAfter: AuthUidSchema.nullable(),
  })
  .strict();
export type FeedPageTask = z.output<typeof FeedPageTaskSchema>;
