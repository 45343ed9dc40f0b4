/**
 * Media in posts and stories. The media domain owns media/{mediaId} (media/uploads: readAttachableMedia,
 * attachMedia, markMediaForDeletion); what posts add is their own limit: at most `maxImages` images, or
 * one video alone. A post keeps { id, kind } of each.
 */
import type { Transaction } from "firebase-admin/firestore";
import { refuse } from "../kernel/errors.js";
import { readAttachableMedia } from "../media/uploads/attachments.js";
import type { AttachedMedia } from "../media/uploads/schema.js";
import type { MediaKind, PostRefusal } from "./schema.js";

export interface PostMedia {
  id: string;
  kind: MediaKind;
}

/** Reads `mediaIds` in `tx` through the media domain (which refuses what may not be attached), then checks the post's limits. */
export async function readPostMedia(
  tx: Transaction,
  ownerUid: string,
  mediaIds: string[],
  maxImages: number,
): Promise<{ attached: AttachedMedia[]; media: PostMedia[] }> {
  const attached = await readAttachableMedia(tx, ownerUid, mediaIds);
  const media = attached.map(({ mediaId, kind }) => ({ id: mediaId, kind }));
  const videos = media.filter((m) => m.kind === "video").length;
  if (videos > 0 && media.length > 1) refuse<PostRefusal>("invalid-argument", "media-mixed", "A video is posted alone.");
  if (media.length > maxImages) refuse<PostRefusal>("invalid-argument", "too-many-media", `At most ${maxImages} images per post.`);
  return { attached, media };
}
