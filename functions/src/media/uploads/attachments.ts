/**
 * Media in posts, stories and messages: what their callables read, inside their own transaction, to
 * attach uploads by id. Each must exist, belong to the author, be "ready" and not marked for deletion.
 * Another user's media answers like a missing one (ids reveal nothing).
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
