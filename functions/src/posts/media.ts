/**
 * Media attached to posts and stories. The media domain writes media/{mediaId} ({ ownerUid, kind,
 * status, ... }); a post may use a record of its author in status "ready" that nothing else uses, and
 * claims it (attachedTo), so one upload never ends up in two posts and deleting one cannot take the
 * other's media with it. Deleting the post or story marks the media for deletion (deleteRequestedAt),
 * which the media domain's cleanup carries out.
 */
import type { Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { refuse } from "../kernel/errors.js";
import type { MediaKind, PostRefusal } from "./schema.js";
import { mediaRef } from "./store.js";

export interface AttachedMedia {
  id: string;
  kind: MediaKind;
}

/**
 * Reads `mediaIds` in `tx` and refuses unless each is `ownerUid`'s, ready and unattached, and together
 * they are at most `maxImages` images or one video alone. Returns them with their kinds, in order.
 */
export async function readAttachableMedia(tx: Transaction, ownerUid: string, mediaIds: string[], maxImages: number): Promise<AttachedMedia[]> {
  if (mediaIds.length === 0) return [];
  const snapshots = await tx.getAll(...mediaIds.map(mediaRef));
  const media = snapshots.map((snapshot) => {
    // Another user's media is reported as missing: ids of others' uploads are not confirmed.
    if (!snapshot.exists || snapshot.get("ownerUid") !== ownerUid) {
      refuse<PostRefusal>("not-found", "media-not-found", `No media ${snapshot.id} of yours.`);
    }
    if (snapshot.get("status") !== "ready") refuse<PostRefusal>("failed-precondition", "media-not-ready", `Media ${snapshot.id} is not ready.`);
    const attachedTo = snapshot.get("attachedTo");
    if (typeof attachedTo === "string" && attachedTo) {
      refuse<PostRefusal>("failed-precondition", "media-in-use", `Media ${snapshot.id} is already used.`);
    }
    return { id: snapshot.id, kind: snapshot.get("kind") === "video" ? "video" : "image" } as AttachedMedia;
  });
  const videos = media.filter((m) => m.kind === "video").length;
  if (videos > 0 && media.length > 1) refuse<PostRefusal>("invalid-argument", "media-mixed", "A video is posted alone.");
  if (media.length > maxImages) refuse<PostRefusal>("invalid-argument", "too-many-media", `At most ${maxImages} images per post.`);
  return media;
}

/** Claims the media for `owner` (a document path such as posts/{postId}), with the other writes of `tx`. */
export function attachMedia(tx: Transaction, media: AttachedMedia[], owner: string): void {
  for (const m of media) tx.update(mediaRef(m.id), { attachedTo: owner });
}

/** Marks media for deletion by the media domain; media already gone is skipped. Idempotent. */
export async function markMediaForDeletion(mediaIds: string[], reason: string): Promise<void> {
  if (mediaIds.length === 0) return;
  const snapshots = await db().getAll(...mediaIds.map(mediaRef));
  const batch = db().batch();
  const { FieldValue } = firestoreValues();
  let marked = 0;
  for (const snapshot of snapshots) {
    if (!snapshot.exists || snapshot.get("deleteRequestedAt")) continue;
    batch.update(snapshot.ref, { deleteRequestedAt: FieldValue.serverTimestamp(), deleteReason: reason });
    marked += 1;
  }
  if (marked > 0) await batch.commit();
}
