/**
 * Who sees a post (or a story): its author; nobody in a block with the author, either direction; then
 * everyone for public, followers for followers-only, nobody else for private. The same reads serve
 * transactions (likes, comments), so a follow or a block racing an interaction is seen by it.
 */
import type { Transaction } from "firebase-admin/firestore";
import { db } from "../kernel/app.js";
import { blockRef, followingRef } from "../social/store.js";
import type { PostStatus, PostVisibility } from "./schema.js";

export type Relation = "author" | "blocked" | "follower" | "stranger";

export async function relationTo(viewer: string, author: string, tx?: Transaction): Promise<Relation> {
  if (viewer === author) return "author";
  const refs = [blockRef(viewer, author), blockRef(author, viewer), followingRef(viewer, author)];
  const [blockedByViewer, blockedByAuthor, follows] = tx ? await tx.getAll(...refs) : await db().getAll(...refs);
  if (blockedByViewer?.exists || blockedByAuthor?.exists) return "blocked";
  return follows?.exists ? "follower" : "stranger";
}

/** The visibilities a viewer in `relation` may see. */
export function visibleAudiences(relation: Relation): PostVisibility[] {
  if (relation === "author") return ["public", "followers", "private"];
  if (relation === "follower") return ["public", "followers"];
  if (relation === "stranger") return ["public"];
  return [];
}

export function mayView(content: { status?: PostStatus; visibility: PostVisibility }, relation: Relation): boolean {
  if ((content.status ?? "active") !== "active") return false;
  return visibleAudiences(relation).includes(content.visibility);
}
