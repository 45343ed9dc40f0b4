/**
 * The feeds API contract. Where feeds live:
 *   users/{uid}/feed/{postId}   FeedEntry { postId, authorUid, createdAt, visibility } (owner reads; functions write)
 * Pages are PostView lists (posts/schema.ts), newest first, with an opaque cursor.
 */
import { z } from "zod";
import { CursorSchema } from "../kernel/validation.js";

export type { ListPostsResponse as FeedPage } from "../posts/schema.js";

export const FollowingFeedRequestSchema = z.object({ limit: z.number().int().min(1).max(50).default(20), cursor: CursorSchema.nullish() }).strict();
export type FollowingFeedRequest = z.output<typeof FollowingFeedRequestSchema>;
