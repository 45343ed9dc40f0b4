/**
 * Processing of a finished upload (the object-finalized event of uploads/{uid}/{mediaId}):
 * the bytes' type (magic bytes) must be the declared one and accepted for the record's kind, the size
 * the declared one; images are decoded by sharp (width, height, a JPEG thumbnail); then, in one
 * transaction, the record becomes "ready" and a moderation entry is queued, or "rejected" with the
 * reason (and the object is deleted).
 *
 * Idempotent on the event and on redelivery: only a record still "uploading" changes, inside the
 * transaction, so a repeated event (same id or not) changes nothing.
 *
 * Videos: duration and picture size are read from the container (video-container.ts); a container
 * that cannot be read, or a video longer than config.maxVideoSeconds, is rejected. No poster frame: that
 * needs a decoder (ffmpeg), which the functions do not ship.
 */
import type { File } from "@google-cloud/storage";
import { firestoreValues } from "../../kernel/app.js";
import { log } from "../../kernel/logger.js";
import { defaultBucket, deleteObjectIfExists } from "../../kernel/storage.js";
import { runTransaction } from "../../kernel/transactions.js";
import { type MediaConfig, mediaConfig, uploadLimits } from "./config.js";
import { SNIFF_BYTES, sniffContentType } from "./magic-bytes.js";
import type { MediaContentType, MediaRecord, MediaRejection } from "./schema.js";
import { mediaRef, mediaReviewRef, parseUploadPath, thumbnailPath } from "./store.js";
import { type ByteSource, readVideoMetadata } from "./video-container.js";

/** The fields of the event's object that processing reads (StorageObjectData). */
export interface FinalizedObject {
  name: string;
  size: string | number;
  generation?: string | number;
}

type Inspection =
  | {
      ok: true;
      contentType: MediaContentType;
      width: number | null;
      height: number | null;
      durationMs: number | null;
      thumbnailPath: string | null;
    }
  | { ok: false; reason: MediaRejection };

async function inspectImage(bytes: Buffer, record: MediaRecord, uid: string, mediaId: string, config: MediaConfig): Promise<Inspection> {
  const sharp = require("sharp") as typeof import("sharp");
  try {
    const image = sharp(bytes, { limitInputPixels: config.maxImagePixels, failOn: "error" });
    const metadata = await image.metadata();
    // EXIF orientations 5-8 are stored rotated by a quarter turn: the picture's width is the stored height.
    const turned = (metadata.orientation ?? 1) >= 5;
    const width = (turned ? metadata.height : metadata.width) ?? null;
    const height = (turned ? metadata.width : metadata.height) ?? null;
    const thumbnail = await sharp(bytes, { limitInputPixels: config.maxImagePixels, animated: false })
      .rotate()
      .resize(config.thumbnailPixels, config.thumbnailPixels, { fit: "inside", withoutEnlargement: true })
      .jpeg({ quality: 80 })
      .toBuffer();
    const path = thumbnailPath(uid, mediaId);
    await defaultBucket()
      .file(path)
      .save(thumbnail, { contentType: "image/jpeg", resumable: false, metadata: { cacheControl: "private, max-age=3600" } });
    return { ok: true, contentType: record.contentType, width, height, durationMs: null, thumbnailPath: path };
  } catch (err) {
    log.warn("uploaded image not decodable", { mediaId, error: String(err) });
    return { ok: false, reason: "unreadable-image" };
  }
}

/** The stored object read by ranges (download's `end` is inclusive). */
function objectSource(file: File, size: number): ByteSource {
  return {
    size,
    async read(start, end) {
      if (start >= Math.min(end, size)) return new Uint8Array();
      const [bytes] = await file.download({ start, end: Math.min(end, size) - 1 });
      return bytes;
    },
  };
}

async function inspectVideo(file: File, size: number, contentType: MediaContentType, config: MediaConfig): Promise<Inspection> {
  const metadata = await readVideoMetadata(objectSource(file, size), contentType);
  if (!metadata) return { ok: false, reason: "unreadable-video" };
  if (metadata.durationMs > config.maxVideoSeconds * 1000) return { ok: false, reason: "video-too-long" };
  return { ok: true, contentType, ...metadata, thumbnailPath: null };
}

async function inspect(object: FinalizedObject, record: MediaRecord, uid: string, mediaId: string, config: MediaConfig): Promise<Inspection> {
  const size = Number(object.size);
  // The limits as they are now: config/media may have changed since the URL was issued.
  const limits = uploadLimits(config, record.purpose, record.kind);
  if (!limits) return { ok: false, reason: "unrecognized-content" };
  if (size !== record.sizeBytes || size > limits.maxBytes) return { ok: false, reason: "size-mismatch" };
  const file = defaultBucket().file(object.name, object.generation === undefined ? {} : { generation: Number(object.generation) });
  // An image is read whole (it is decoded anyway); of a video only its first bytes.
  const [bytes] = record.kind === "image" ? await file.download() : await file.download({ start: 0, end: SNIFF_BYTES - 1 });
  const detected = sniffContentType(bytes);
  const accepted: readonly string[] = limits.contentTypes;
  if (!detected || !accepted.includes(detected)) return { ok: false, reason: "unrecognized-content" };
  if (detected !== record.contentType) return { ok: false, reason: "content-type-mismatch" };
  if (record.kind === "image") return inspectImage(bytes, record, uid, mediaId, config);
  return inspectVideo(file, size, detected, config);
}

export type FinalizeOutcome = "ready" | "rejected" | "ignored";

export async function processFinalizedObject(eventId: string, object: FinalizedObject): Promise<FinalizeOutcome> {
  const parsed = parseUploadPath(object.name);
  if (!parsed) return "ignored";
  const { uid, mediaId } = parsed;
  const snapshot = await mediaRef(mediaId).get();
  const record = snapshot.data() as MediaRecord | undefined;
  if (!record) {
    // Only backend-signed URLs write uploads/: no record means the cleanup job removed an abandoned one.
    log.warn("upload without a media record; deleting the object", { path: object.name });
    await deleteObjectIfExists(object.name);
    return "ignored";
  }
  if (record.status !== "uploading" || record.ownerUid !== uid) return "ignored";

  const config = await mediaConfig();
  const inspection = await inspect(object, record, uid, mediaId, config);
  const { FieldValue } = firestoreValues();
  const outcome = await runTransaction(async (tx): Promise<FinalizeOutcome> => {
    const current = await tx.get(mediaRef(mediaId));
    if (current.get("status") !== "uploading") return "ignored";
    const now = FieldValue.serverTimestamp();
    const common = { finalizedAt: now, finalizeEventId: eventId, objectGeneration: String(object.generation ?? "") };
    if (!inspection.ok) {
      tx.update(current.ref, { ...common, status: "rejected", rejectedReason: inspection.reason });
      return "rejected";
    }
    tx.update(current.ref, {
      ...common,
      status: "ready",
      width: inspection.width,
      height: inspection.height,
      durationMs: inspection.durationMs,
      thumbnailPath: inspection.thumbnailPath,
      moderation: "pending",
    });
    tx.set(mediaReviewRef(mediaId), {
      reason: "media-moderation",
      status: "open",
      source: "media.uploads",
      uid,
      mediaId,
      kind: record.kind,
      purpose: record.purpose,
      path: record.path,
      thumbnailPath: inspection.thumbnailPath,
      createdAt: now,
    });
    return "ready";
  });
  if (outcome === "rejected") {
    await deleteObjectIfExists(object.name);
    log.info("upload rejected", { uid, mediaId, reason: inspection.ok ? null : inspection.reason });
  } else if (outcome === "ready") {
    log.info("upload ready", { uid, mediaId, kind: record.kind });
  }
  return outcome;
}
