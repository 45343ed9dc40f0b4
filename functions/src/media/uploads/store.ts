/** Where uploaded media lives: media/{mediaId} records, their objects in the default bucket, their review entries. */
import type { DocumentReference } from "firebase-admin/firestore";
import { db } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";

export const mediaRef = (mediaId: string): DocumentReference => db().collection(Collections.media).doc(mediaId);

/** The uploaded bytes; only signed URLs the backend issues write here. */
export const uploadPath = (uid: string, mediaId: string): string => `uploads/${uid}/${mediaId}`;

/** uploads/{uid}/{mediaId} → its parts; anything else in the bucket is not an upload. */
export function parseUploadPath(path: string): { uid: string; mediaId: string } | null {
  const match = /^uploads\/([^/]+)\/([^/]+)$/.exec(path);
  return match ? { uid: match[1] as string, mediaId: match[2] as string } : null;
}

/** The JPEG thumbnail of an image (outside uploads/, so writing it fires no upload processing). */
export const thumbnailPath = (uid: string, mediaId: string): string => `thumbnails/${uid}/${mediaId}.jpg`;

/** reviewQueue/media__{mediaId}: the moderation entry of a ready upload. */
export const mediaReviewRef = (mediaId: string): DocumentReference => db().collection(Collections.reviewQueue).doc(`media__${mediaId}`);
