/**
 * Removing media: records marked for deletion (their post, story or message is gone), uploads never
 * finished, and all of a user's media when the account is deleted. Objects go first, then the record,
 * so a crash in between leaves a record that the next run finds again (deleting a missing object is
 * a no-op).
 */
import type { DocumentSnapshot, Query, Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import { log } from "../../kernel/logger.js";
import { deleteObjectIfExists } from "../../kernel/storage.js";
import { mediaConfig } from "./config.js";
import { mediaRef } from "./store.js";

const BATCH = 100;

/**
 * Marks media for deletion, inside the caller's transaction (the post/story/message deletion): the
 * cleanup job removes the objects and records. Unknown ids are skipped; media already marked keeps its
 * first mark, so a retried deletion changes nothing.
 */
export async function markMediaForDeletion(tx: Transaction, mediaIds: readonly string[], reason: string): Promise<void> {
  const refs = mediaIds.map(mediaRef);
  const snapshots = refs.length ? await tx.getAll(...refs) : [];
  const now = firestoreValues().FieldValue.serverTimestamp();
  for (const snapshot of snapshots) {
    if (snapshot.exists && !snapshot.get("deleteRequestedAt")) tx.update(snapshot.ref, { deleteRequestedAt: now, deleteReason: reason });
  }
}

async function deleteMedia(snapshot: DocumentSnapshot): Promise<void> {
  const path = snapshot.get("path") as string | undefined;
  const thumbnail = snapshot.get("thumbnailPath") as string | null | undefined;
  if (path) await deleteObjectIfExists(path);
  if (thumbnail) await deleteObjectIfExists(thumbnail);
  await snapshot.ref.delete();
}

/** Deletes every record a query returns (and its objects), page by page; returns how many. */
async function deleteAll(query: Query): Promise<number> {
  let deleted = 0;
  for (;;) {
    const page = await query.limit(BATCH).get();
    if (page.empty) return deleted;
    await Promise.all(page.docs.map(deleteMedia));
    deleted += page.size;
  }
}

/** The job's work: marked media, and uploads still "uploading" after config.abandonedAfterHours. */
export async function cleanUpMedia(nowMs: number): Promise<{ markedDeleted: number; abandonedDeleted: number }> {
  const config = await mediaConfig();
  const { Timestamp } = firestoreValues();
  const media = db().collection(Collections.media);
  const markedDeleted = await deleteAll(media.where("deleteRequestedAt", "<=", Timestamp.fromMillis(nowMs)));
  const abandonedBefore = Timestamp.fromMillis(nowMs - config.abandonedAfterHours * 3_600_000);
  const abandonedDeleted = await deleteAll(media.where("status", "==", "uploading").where("createdAt", "<", abandonedBefore));
  if (markedDeleted || abandonedDeleted) log.info("media cleaned up", { markedDeleted, abandonedDeleted });
  return { markedDeleted, abandonedDeleted };
}

/** Account deletion: every media record of the user, with its objects. */
export function deleteMediaOf(uid: string): Promise<number> {
  return deleteAll(db().collection(Collections.media).where("ownerUid", "==", uid));
}
