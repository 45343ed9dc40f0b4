/**
 * The stories API contract. Where stories live:
 *   stories/{storyId}                  StoryRecord; expiresAt for the TTL policy, and every read filters on it
 *   stories/{storyId}/viewers/{uid}    { uid, storyId, viewedAt }: one per viewer (the author reads)
 *   stories/{storyId}/shards/{n}       { views } blind increments
 * A reply to a story is a direct message to its author (functions/src/messages), naming the story.
 */
import * as z from "zod";
import { RequestIdSchema } from "../../kernel/idempotency.js";
import { CursorSchema, KeySafeUidSchema, keySafeId } from "../../kernel/validation.js";
import { MAX_TEXT_CEILING, MediaIdSchema } from "../schema.js";

/** details.reason of the stories callables' refusals. */
export const StoryRefusalSchema = z.enum([
  "blocked",
  "empty-story",
  "media-in-use",
  "media-not-found",
  "media-not-ready",
  "not-author",
  "own-story",
  "story-unavailable",
  "text-not-allowed",
  "text-too-long",
]);
export type StoryRefusal = z.infer<typeof StoryRefusalSchema>;

export const STORY_VISIBILITIES = ["public", "followers"] as const;
export const StoryIdSchema = keySafeId({ max: 64, label: "storyId" });

export const CreateStoryRequestSchema = z
  .object({
    /** The story's text (a text story), or a caption over its media. */
    text: z.string().trim().max(MAX_TEXT_CEILING).default(""),
    mediaId: MediaIdSchema.optional(),
    visibility: z.enum(STORY_VISIBILITIES),
    requestId: RequestIdSchema,
  })
  .strict();
export type CreateStoryRequest = z.output<typeof CreateStoryRequestSchema>;

export const StoryRequestSchema = z.object({ storyId: StoryIdSchema }).strict();
export type StoryRequest = z.output<typeof StoryRequestSchema>;

export const ListStoriesRequestSchema = z.object({ uid: KeySafeUidSchema }).strict();
export type ListStoriesRequest = z.output<typeof ListStoriesRequestSchema>;

export const ListStoryViewersRequestSchema = z
  .object({ storyId: StoryIdSchema, limit: z.number().int().min(1).max(100).default(50), cursor: CursorSchema.nullish() })
  .strict();
export type ListStoryViewersRequest = z.output<typeof ListStoryViewersRequestSchema>;

export const ReplyToStoryRequestSchema = z
  .object({ storyId: StoryIdSchema, text: z.string().trim().min(1, "text must not be empty").max(1_000), requestId: RequestIdSchema })
  .strict();
export type ReplyToStoryRequest = z.output<typeof ReplyToStoryRequestSchema>;

export type StoryKind = "text" | "image" | "video";

/** stories/{storyId}. */
export interface StoryRecord {
  authorUid: string;
  kind: StoryKind;
  text: string;
  mediaId: string | null;
  visibility: (typeof STORY_VISIBILITIES)[number];
  createdAt: FirebaseFirestore.Timestamp;
  expiresAt: FirebaseFirestore.Timestamp;
}

export interface StoryView {
  storyId: string;
  authorUid: string;
  kind: StoryKind;
  text: string;
  mediaId: string | null;
  visibility: (typeof STORY_VISIBILITIES)[number];
  createdAt: string | null;
  expiresAt: string | null;
  /** The author only; null for everyone else. */
  viewCount: number | null;
}

export interface CreateStoryResponse {
  storyId: string;
  expiresAt: string;
}

export interface ListStoriesResponse {
  items: StoryView[];
}

export interface ViewStoryResponse {
  story: StoryView;
  /** false when this viewer's view was already recorded (or the viewer is the author). */
  recorded: boolean;
}

export interface ListStoryViewersResponse {
  viewCount: number;
  items: { uid: string; viewedAt: string | null }[];
  nextCursor: string | null;
}

export interface ReplyToStoryResponse {
  /** The direct message's id, in conversations/{conversationId}/messages. */
  replyId: string;
  conversationId: string;
}

export interface DeleteStoryResponse {
  deleted: boolean;
}
