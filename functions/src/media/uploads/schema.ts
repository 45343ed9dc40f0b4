/**
 * The uploads contract: what a phone asks for to upload an image or a video, and the media record
 * (media/{mediaId}) that posts, stories, direct messages, the profile photo and reports attach by id.
 *
 * A record's life: "uploading" (URL issued) → "ready" (the finalize trigger validated the object,
 * measured it and queued it for moderation) or "rejected" (rejectedReason says why; the object is
 * deleted). deleteRequestedAt marks a record whose post/story/message is gone: the cleanup job
 * deletes its objects and the record; it does the same for uploads never finished within a day.
 */
import * as z from "zod";
import { keySafeId } from "../../kernel/validation.js";

export const MEDIA_KINDS = ["image", "video"] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** What an upload is for: config/media.purposes limits each; "avatar" is set with setProfilePhoto, "report-evidence" attached to a report. */
export const MEDIA_PURPOSES = ["post", "story", "message", "avatar", "report-evidence"] as const;
export type MediaPurpose = (typeof MEDIA_PURPOSES)[number];

export const MediaIdSchema = keySafeId({ max: 128, label: "mediaId" });

/** Content types the platform can sniff from the bytes; config/media narrows what is accepted. */
export const IMAGE_CONTENT_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"] as const;
export const VIDEO_CONTENT_TYPES = ["video/mp4", "video/quicktime", "video/webm"] as const;
export type ImageContentType = (typeof IMAGE_CONTENT_TYPES)[number];
export type VideoContentType = (typeof VIDEO_CONTENT_TYPES)[number];
export type MediaContentType = ImageContentType | VideoContentType;

export const RequestMediaUploadRequestSchema = z
  .object({
    kind: z.enum(MEDIA_KINDS),
    contentType: z.enum([...IMAGE_CONTENT_TYPES, ...VIDEO_CONTENT_TYPES]),
    /** The exact size of the file: the upload URL admits a body of this length only. */
    sizeBytes: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31),
    purpose: z.enum(MEDIA_PURPOSES),
  })
  .strict()
  .refine((r) => (r.kind === "image" ? r.contentType.startsWith("image/") : r.contentType.startsWith("video/")), {
    message: "contentType must be an image type for kind image and a video type for kind video",
    path: ["contentType"],
  });
export type RequestMediaUploadRequest = z.infer<typeof RequestMediaUploadRequestSchema>;

export interface RequestMediaUploadResponse {
  mediaId: string;
  /** PUT the file's bytes here, with exactly `headers`, before `expiresAt`. */
  uploadUrl: string;
  method: "PUT";
  headers: { "content-type": string; "x-goog-if-generation-match": "0" };
  expiresAt: string;
}

export const MediaUploadRefusalSchema = z.enum(["kind-not-allowed", "content-type-not-allowed", "file-too-large"]);
export type MediaUploadRefusal = z.infer<typeof MediaUploadRefusalSchema>;

/** Why media cannot be attached to a post, story, message, profile or report (attachments.ts). */
export const MediaAttachRefusalSchema = z.enum(["media-not-found", "media-not-ready", "media-in-use", "media-wrong-purpose"]);
export type MediaAttachRefusal = z.infer<typeof MediaAttachRefusalSchema>;

/** What a post, story or message keeps of each attached media (readAttachableMedia). */
export interface AttachedMedia {
  mediaId: string;
  kind: MediaKind;
  contentType: MediaContentType;
  path: string;
  thumbnailPath: string | null;
  width: number | null;
  height: number | null;
  /** Videos only (milliseconds). */
  durationMs: number | null;
}

export const MEDIA_STATUSES = ["uploading", "ready", "rejected"] as const;
export type MediaStatus = (typeof MEDIA_STATUSES)[number];

/** Why the finalize trigger rejected an upload (media/{id}.rejectedReason). */
export const MEDIA_REJECTIONS = [
  /** The bytes are not any accepted type of the record's kind (magic bytes). */
  "unrecognized-content",
  /** The bytes are another accepted type than the one declared (and signed into the URL). */
  "content-type-mismatch",
  /** The stored size differs from the declared one, or exceeds the limit. */
  "size-mismatch",
  /** The image library could not decode it (corrupt, truncated, or beyond the pixel limit). */
  "unreadable-image",
  /** The video's container gives no duration (not MP4/QuickTime/WebM as written, truncated, or no Duration). */
  "unreadable-video",
  /** Longer than config/media.maxVideoSeconds. */
  "video-too-long",
] as const;
export type MediaRejection = (typeof MEDIA_REJECTIONS)[number];

/** media/{mediaId} as stored (timestamps are Firestore Timestamps). */
export interface MediaRecord {
  ownerUid: string;
  kind: MediaKind;
  status: MediaStatus;
  /** uploads/{uid}/{mediaId} in the default bucket. */
  path: string;
  contentType: MediaContentType;
  sizeBytes: number;
  purpose: MediaPurpose;
  createdAt: unknown;
  /** Set by the finalize trigger. */
  finalizedAt?: unknown;
  objectGeneration?: string;
  width?: number | null;
  height?: number | null;
  /** Videos, from the container (milliseconds); null for images. */
  durationMs?: number | null;
  /** thumbnails/{uid}/{mediaId}.jpg for images; null for videos. */
  thumbnailPath?: string | null;
  /** "pending" once queued in reviewQueue (media__{mediaId}). */
  moderation?: "pending";
  rejectedReason?: MediaRejection;
  /** The document that attached it (attachMedia), e.g. posts/{postId}: one upload goes into one place. */
  attachedTo?: string;
  /** Set by the owning post/story/message's deletion (markMediaForDeletion): the cleanup job removes it. */
  deleteRequestedAt?: unknown;
  /** Why it was marked, e.g. "post-deleted", "story-expired". */
  deleteReason?: string;
}
