/**
 * Upload URLs: the backend records the upload (media/{id}, "uploading") and signs a V4 URL that lets
 * the phone PUT exactly one object at uploads/{uid}/{mediaId}, of the declared content type and size,
 * once (x-goog-if-generation-match: 0 refuses an overwrite after the object was validated), for a few
 * minutes. The phone never gets write access to the bucket itself (storage.rules deny it).
 */
import { db, firestoreValues } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import { refuse } from "../../kernel/errors.js";
import type { Caller } from "../../kernel/guards.js";
import { log } from "../../kernel/logger.js";
import { defaultBucket } from "../../kernel/storage.js";
import { mediaConfig, uploadLimits } from "./config.js";
import type { MediaUploadRefusal, RequestMediaUploadRequest, RequestMediaUploadResponse } from "./schema.js";
import { uploadPath } from "./store.js";

export async function requestMediaUpload(caller: Caller, request: RequestMediaUploadRequest): Promise<RequestMediaUploadResponse> {
  const config = await mediaConfig();
  const limits = uploadLimits(config, request.purpose, request.kind);
  if (!limits) {
    refuse<MediaUploadRefusal>("invalid-argument", "kind-not-allowed", `A ${request.purpose} upload may not be a ${request.kind}.`);
  }
  const allowed: readonly string[] = limits.contentTypes;
  if (!allowed.includes(request.contentType)) {
    refuse<MediaUploadRefusal>(
      "invalid-argument",
      "content-type-not-allowed",
      `${request.contentType} is not accepted for ${request.purpose} uploads.`,
      {
        allowed,
      },
    );
  }
  const { maxBytes } = limits;
  if (request.sizeBytes > maxBytes) {
    refuse<MediaUploadRefusal>("invalid-argument", "file-too-large", `A ${request.purpose} ${request.kind} may be at most ${maxBytes} bytes.`, {
      maxBytes,
    });
  }

  const ref = db().collection(Collections.media).doc();
  const path = uploadPath(caller.uid, ref.id);
  const expiresAtMs = Date.now() + config.uploadUrlTtlSeconds * 1000;
  const headers = { "content-type": request.contentType, "x-goog-if-generation-match": "0" } as const;
  // Signed first: a URL that cannot be made leaves no record behind.
  const [uploadUrl] = await defaultBucket()
    .file(path)
    .getSignedUrl({
      version: "v4",
      action: "write",
      expires: expiresAtMs,
      contentType: request.contentType,
      // content-length is signed too: a body of any other length does not match the signature.
      extensionHeaders: { "content-length": String(request.sizeBytes), "x-goog-if-generation-match": "0" },
    });
  await ref.create({
    ownerUid: caller.uid,
    kind: request.kind,
    status: "uploading",
    path,
    contentType: request.contentType,
    sizeBytes: request.sizeBytes,
    purpose: request.purpose,
    createdAt: firestoreValues().FieldValue.serverTimestamp(),
  });
  log.info("media upload requested", { uid: caller.uid, mediaId: ref.id, kind: request.kind, sizeBytes: request.sizeBytes });
  return { mediaId: ref.id, uploadUrl, method: "PUT", headers, expiresAt: new Date(expiresAtMs).toISOString() };
}
