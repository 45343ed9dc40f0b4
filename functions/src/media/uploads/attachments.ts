/**
 * Media in posts, stories, messages, the profile photo and reports: what their callables read, inside
 * their own transaction, to attach uploads by id. Each must exist, belong to the author, be "ready", not
 * marked for deletion and not attached elsewhere (deleting one owner must not take another's media with
 * it), and, when the caller names one, have been uploaded for its purpose (limits differ per purpose).
 * Another user's media answers like a missing one (ids reveal nothing).
 */
import type { Transaction } from "firebase-admin/firestore";
import { refuse } from "../../kernel/errors.js";
import { signedReadUrl } from "../../kernel/storage.js";
import type { AttachedMedia, MediaAttachRefusal, MediaPurpose, MediaRecord } from "./schema.js";
import { mediaRef } from "./store.js";

export async function readAttachableMedia(
  tx: Transaction,
  ownerUid: string,
  mediaIds: readonly string[],
  purpose?: MediaPurpose,
): Promise<AttachedMedia[]> {
  if (mediaIds.length === 0) return [];
  const snapshots = await tx.getAll(...mediaIds.map(mediaRef));
  return snapshots.map((snapshot) => {
    const record = snapshot.data() as MediaRecord | undefined;
    if (!record || record.ownerUid !== ownerUid || record.deleteRequestedAt) {
      refuse<MediaAttachRefusal>("not-found", "media-not-found", `No media ${snapshot.id} of yours exists.`, { mediaId: snapshot.id });
    }
    if (record.status !== "ready") {
      refuse<MediaAttachRefusal>("failed-precondition", "media-not-ready", `Media ${snapshot.id} is ${record.status}, not ready.`, {
        mediaId: snapshot.id,
        status: record.status,
      });
    }
    if (purpose && record.purpose !== purpose) {
      refuse<MediaAttachRefusal>("failed-precondition", "media-wrong-purpose", `Media ${snapshot.id} was not uploaded as ${purpose}.`, {
        mediaId: snapshot.id,
        purpose,
      });
    }
    if (record.attachedTo) {
      refuse<MediaAttachRefusal>("failed-precondition", "media-in-use", `Media ${snapshot.id} is already used.`, { mediaId: snapshot.id });
    }
    return {
      mediaId: snapshot.id,
      kind: record.kind,
      contentType: record.contentType,
      path: record.path,
      thumbnailPath: record.thumbnailPath ?? null,
      width: record.width ?? null,
      height: record.height ?? null,
      durationMs: record.durationMs ?? null,
    };
  });
}

/** Claims media read by readAttachableMedia for `owner` (a document path such as posts/{postId}), in the same transaction. */
export function attachMedia(tx: Transaction, media: readonly AttachedMedia[], owner: string): void {
  for (const { mediaId } of media) tx.update(mediaRef(mediaId), { attachedTo: owner });
}

/** Signed read URLs of attached media (the bucket is private), for `seconds`. */
export async function signedMediaUrls(
  media: readonly Pick<AttachedMedia, "path" | "thumbnailPath">[],
  seconds: number,
): Promise<{ url: string; thumbnailUrl: string | null; urlExpiresAt: string }[]> {
  const urlExpiresAt = new Date(Date.now() + seconds * 1000).toISOString();
  return Promise.all(
    media.map(async ({ path, thumbnailPath }) => ({
      url: await signedReadUrl(path, seconds),
      thumbnailUrl: thumbnailPath ? await signedReadUrl(thumbnailPath, seconds) : null,
      urlExpiresAt,
    })),
  );
}
