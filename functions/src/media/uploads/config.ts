/** Upload limits (config/media, admin-managed). */
import * as z from "zod";
import { configDocument } from "../../kernel/config-document.js";
import { IMAGE_CONTENT_TYPES, VIDEO_CONTENT_TYPES } from "./schema.js";

const MB = 1024 * 1024;

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
