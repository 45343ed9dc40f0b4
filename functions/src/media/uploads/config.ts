/** Upload limits (config/media, admin-managed). */
import * as z from "zod";
import { configDocument } from "../../kernel/config-document.js";
import { IMAGE_CONTENT_TYPES, MEDIA_KINDS, type MediaContentType, type MediaKind, type MediaPurpose, VIDEO_CONTENT_TYPES } from "./schema.js";

const MB = 1024 * 1024;

interface PurposeLimits {
  kinds: MediaKind[];
  maxBytes: number | null;
  contentTypes: MediaContentType[] | null;
}

/** What one purpose accepts, within the per-kind limits; each field defaults separately, so an admin may set one. */
const purposeLimits = (defaults: PurposeLimits) =>
  z
    .object({
      /** The kinds this purpose accepts. */
      kinds: z.array(z.enum(MEDIA_KINDS)).min(1).default(defaults.kinds),
      /** A tighter size limit than the kind's, or null for the kind's. */
      maxBytes: z
        .number()
        .int()
        .min(1024)
        .max(1024 * MB)
        .nullable()
        .default(defaults.maxBytes),
      /** Narrows allowedContentTypes for this purpose, or null for all of them. */
      contentTypes: z
        .array(z.enum([...IMAGE_CONTENT_TYPES, ...VIDEO_CONTENT_TYPES]))
        .nullable()
        .default(defaults.contentTypes),
    })
    .strict()
    .default(defaults);

const ANY: PurposeLimits = { kinds: ["image", "video"], maxBytes: null, contentTypes: null };
const AVATAR: PurposeLimits = { kinds: ["image"], maxBytes: 5 * MB, contentTypes: ["image/jpeg", "image/png", "image/webp"] };

export const MediaConfigSchema = z
  .object({
    maxBytes: z
      .object({
        image: z
          .number()
          .int()
          .min(1024)
          .max(50 * MB)
          .default(10 * MB),
        video: z
          .number()
          .int()
          .min(1024)
          .max(1024 * MB)
          .default(100 * MB),
      })
      .strict()
      .default({ image: 10 * MB, video: 100 * MB }),
    allowedContentTypes: z
      .object({
        image: z.array(z.enum(IMAGE_CONTENT_TYPES)).default([...IMAGE_CONTENT_TYPES]),
        video: z.array(z.enum(VIDEO_CONTENT_TYPES)).default([...VIDEO_CONTENT_TYPES]),
      })
      .strict()
      .default({ image: [...IMAGE_CONTENT_TYPES], video: [...VIDEO_CONTENT_TYPES] }),
    purposes: z
      .object({
        post: purposeLimits(ANY),
        story: purposeLimits(ANY),
        message: purposeLimits(ANY),
        avatar: purposeLimits(AVATAR),
        "report-evidence": purposeLimits(ANY),
      })
      .strict()
      .default({ post: ANY, story: ANY, message: ANY, avatar: AVATAR, "report-evidence": ANY }),
    /** A longer video is rejected by the finalize trigger (its duration is read from the container). */
    maxVideoSeconds: z.number().int().min(1).max(3_600).default(300),
    /** How long an upload URL stays usable. */
    uploadUrlTtlSeconds: z.number().int().min(60).max(3_600).default(900),
    /** An image with more pixels is rejected before it is decoded (decompression bombs). */
    maxImagePixels: z.number().int().min(1_000_000).max(200_000_000).default(50_000_000),
    /** The longer side of a thumbnail, in pixels. */
    thumbnailPixels: z.number().int().min(64).max(1_024).default(320),
    /** Uploads still "uploading" after this many hours are deleted by the cleanup job. */
    abandonedAfterHours: z.number().int().min(1).max(168).default(24),
  })
  .strict();
export type MediaConfig = z.infer<typeof MediaConfigSchema>;

const media = configDocument("media", MediaConfigSchema);

export const mediaConfig = (): Promise<MediaConfig> => media.get();

/** The size and content types an upload of `kind` for `purpose` may have; null when the purpose takes no such kind. */
export function uploadLimits(
  config: MediaConfig,
  purpose: MediaPurpose,
  kind: MediaKind,
): { maxBytes: number; contentTypes: readonly MediaContentType[] } | null {
  const limits = config.purposes[purpose];
  if (!limits.kinds.includes(kind)) return null;
  const ofKind: readonly MediaContentType[] = config.allowedContentTypes[kind];
  return {
    maxBytes: Math.min(config.maxBytes[kind], limits.maxBytes ?? Number.POSITIVE_INFINITY),
    contentTypes: limits.contentTypes ? ofKind.filter((type) => limits.contentTypes?.includes(type)) : ofKind,
  };
}
