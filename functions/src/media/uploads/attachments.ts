/**
 * Media in posts, stories and messages: what their callables read, inside their own transaction, to
 * attach uploads by id. Each must exist, belong to the author, be "ready", not marked for deletion and
 * not attached elsewhere (deleting one owner must not take another's media with it). Another user's
 * media answers like a missing one (ids reveal nothing).
 */
import type { Transaction } from "firebase-admin/firestore";
import { refuse } from "../../kernel/errors.js";
import type { AttachedMedia, MediaAttachRefusal, MediaRecord } from "./schema.js";
import { mediaRef } from "./store.js";

export async function readAttachableMedia(tx: Transaction, ownerUid: string, mediaIds: readonly string[]): Promise<AttachedMedia[]> {
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
      durationSeconds: record.durationSeconds ?? null,
    };
  });
}

/** Claims media read by readAttachableMedia for `owner` (a document path such as posts/{postId}), in the same transaction. */
export function attachMedia(tx: Transaction, media: readonly AttachedMedia[], owner: string): void {
  for (const { mediaId } of media) tx.update(mediaRef(mediaId), { attachedTo: owner });
}
