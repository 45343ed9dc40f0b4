/**
 * The posts API contract: request schemas of the posts callables, their refusal reasons, their
 * responses and the stored shapes (importable by clients and by the feeds domain).
 *
 * Where posts live:
 *   posts/{postId}                                   PostRecord (readable as its visibility says)
 *   posts/{postId}/shards/{n}                        { likes, comments, reposts } blind increments
 *   posts/{postId}/likes/{uid}                       LikeRecord
 *   posts/{postId}/comments/{commentId}              CommentRecord
 *   posts/{postId}/comments/{commentId}/shards/{n}   { likes, replies }
 *   posts/{postId}/comments/{commentId}/likes/{uid}  LikeRecord
 *   posts/{postId}/revisions/{id}                    what an edit replaced (author reads)
 * Every write goes through this domain's callables (rules deny client writes), so a Firestore trigger on
 * posts/{postId} sees every create, edit (status stays "active"), removal ("removed") and deletion
 * ("deleted", then the document and its sub-collections go).
 */
import * as z from "zod";
import { RequestIdSchema } from "../kernel/idempotency.js";
import { CursorSchema, KeySafeUidSchema, keySafeId } from "../kernel/validation.js";

/** details.reason of the posts callables' refusals. */
export const PostRefusalSchema = z.enum([
  "blocked",
  "comment-unavailable",
  "edit-window-closed",
  "empty-post",
  "media-in-use",
  "media-mixed",
  "media-not-found",
  "media-not-ready",
  "not-author",
  "not-shareable",
  "post-unavailable",
  "reply-depth",
  "text-not-allowed",
  "text-too-long",
  "too-many-media",
]);
export type PostRefusal = z.infer<typeof PostRefusalSchema>;

export const POST_VISIBILITIES = ["public", "followers", "private"] as const;
export const PostVisibilitySchema = z.enum(POST_VISIBILITIES);
export type PostVisibility = z.infer<typeof PostVisibilitySchema>;

export const PostIdSchema = keySafeId({ max: 64, label: "postId" });
export const CommentIdSchema = keySafeId({ max: 64, label: "commentId" });
export const MediaIdSchema = keySafeId({ max: 128, label: "mediaId" });

/** A hard ceiling; the operator's limit (config/posts.maxTextLength) is checked in the service. */
export const MAX_TEXT_CEILING = 5_000;
const TextSchema = z.string().trim().max(MAX_TEXT_CEILING);

export const CreatePostRequestSchema = z
  .object({
    text: TextSchema.default(""),
    mediaIds: z
      .array(MediaIdSchema)
      .max(20)
      .refine((ids) => new Set(ids).size === ids.length, "mediaIds must not repeat")
      .default([]),
    visibility: PostVisibilitySchema,
    requestId: RequestIdSchema,
  })
  .strict();
export type CreatePostRequest = z.output<typeof CreatePostRequestSchema>;

export const EditPostRequestSchema = z
  .object({ postId: PostIdSchema, text: TextSchema.optional(), visibility: PostVisibilitySchema.optional() })
  .strict()
  .refine((r) => r.text !== undefined || r.visibility !== undefined, "nothing to edit: give text or visibility");
export type EditPostRequest = z.output<typeof EditPostRequestSchema>;

export const PostRequestSchema = z.object({ postId: PostIdSchema }).strict();
export type PostRequest = z.output<typeof PostRequestSchema>;

export const RepostRequestSchema = z
  .object({ postId: PostIdSchema, text: TextSchema.default(""), visibility: PostVisibilitySchema, requestId: RequestIdSchema })
  .strict();
export type RepostRequest = z.output<typeof RepostRequestSchema>;

export const ListUserPostsRequestSchema = z
  .object({ uid: KeySafeUidSchema, limit: z.number().int().min(1).max(50).default(20), cursor: CursorSchema.nullish() })
  .strict();
export type ListUserPostsRequest = z.output<typeof ListUserPostsRequestSchema>;

export const SetLikeRequestSchema = z.object({ postId: PostIdSchema, commentId: CommentIdSchema.optional(), liked: z.boolean() }).strict();
export type SetLikeRequest = z.output<typeof SetLikeRequestSchema>;

export const MAX_COMMENT_CEILING = 2_000;
export const AddCommentRequestSchema = z
  .object({
    postId: PostIdSchema,
    /** A top-level comment to reply to; replies cannot be replied to (one level). */
    parentId: CommentIdSchema.optional(),
    text: z.string().trim().min(1, "text must not be empty").max(MAX_COMMENT_CEILING),
    requestId: RequestIdSchema,
  })
  .strict();
export type AddCommentRequest = z.output<typeof AddCommentRequestSchema>;

export const CommentRequestSchema = z.object({ postId: PostIdSchema, commentId: CommentIdSchema }).strict();
export type CommentRequest = z.output<typeof CommentRequestSchema>;

export const ListCommentsRequestSchema = z
  .object({
    postId: PostIdSchema,
    /** Lists the replies of this comment; omitted: the top-level comments. */
    parentId: CommentIdSchema.optional(),
    limit: z.number().int().min(1).max(50).default(20),
    cursor: CursorSchema.nullish(),
  })
  .strict();
export type ListCommentsRequest = z.output<typeof ListCommentsRequestSchema>;

export const RemoveContentRequestSchema = z
  .object({
    postId: PostIdSchema,
    /** Removes this comment of the post; omitted: the post itself. */
    commentId: CommentIdSchema.optional(),
    reason: z.string().trim().min(3).max(500),
    requestId: RequestIdSchema,
  })
  .strict();
export type RemoveContentRequest = z.output<typeof RemoveContentRequestSchema>;

export type PostStatus = "active" | "removed" | "deleted";
export type MediaKind = "image" | "video";

/** posts/{postId}. */
export interface PostRecord {
  authorUid: string;
  text: string;
  /** Normalised (NFKC, lowercase, without #), for array-contains queries. */
  hashtags: string[];
  /** Uids of the users mentioned (@username resolved when the text was written). */
  mentions: string[];
  mediaIds: string[];
  media: { id: string; kind: MediaKind }[];
  visibility: PostVisibility;
  status: PostStatus;
  /** A repost: the original; available turns false once the original is deleted. */
  repostOf: { postId: string; authorUid: string; available: boolean } | null;
  createdAt: FirebaseFirestore.Timestamp;
  updatedAt: FirebaseFirestore.Timestamp;
  editedAt: FirebaseFirestore.Timestamp | null;
  editCount: number;
}

export interface PostCounts {
  likes: number;
  comments: number;
  reposts: number;
}

export interface PostView {
  postId: string;
  authorUid: string;
  text: string;
  hashtags: string[];
  mentions: string[];
  media: { id: string; kind: MediaKind }[];
  visibility: PostVisibility;
  createdAt: string | null;
  editedAt: string | null;
  counts: PostCounts;
  likedByMe: boolean;
  /** A repost: the original as the caller may see it (null when deleted, removed or hidden from them). */
  repostOf: { postId: string; authorUid: string; post: PostView | null } | null;
}

export interface CreatePostResponse {
  postId: string;
}

export interface EditPostResponse {
  postId: string;
  editCount: number;
}

export interface DeleteResponse {
  /** false when there was nothing (left) to delete. */
  deleted: boolean;
}

export interface ListPostsResponse {
  items: PostView[];
  nextCursor: string | null;
}

export interface SetLikeResponse {
  liked: boolean;
  /** false when the like was already in the requested state. */
  changed: boolean;
}

/** posts/{postId}/likes/{uid} and posts/{postId}/comments/{commentId}/likes/{uid}. */
export interface LikeRecord {
  uid: string;
  postId: string;
  commentId: string | null;
  createdAt: FirebaseFirestore.Timestamp;
}

/** posts/{postId}/comments/{commentId}. */
export interface CommentRecord {
  authorUid: string;
  postId: string;
  parentId: string | null;
  /** As shown: banned words masked. */
  text: string;
  moderation: "clean" | "masked";
  status: "active" | "removed";
  createdAt: FirebaseFirestore.Timestamp;
}

export interface CommentView {
  commentId: string;
  postId: string;
  parentId: string | null;
  authorUid: string;
  text: string;
  createdAt: string | null;
  counts: { likes: number; replies: number };
  likedByMe: boolean;
}

export interface AddCommentResponse {
  commentId: string;
}

export interface ListCommentsResponse {
  items: CommentView[];
  nextCursor: string | null;
}

export interface RemoveContentResponse {
  removed: boolean;
}
