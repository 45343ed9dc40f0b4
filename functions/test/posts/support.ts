/** Posts test fixtures: publishing through the callables, media records as the media domain writes them, outbox reads. */
import { randomUUID } from "node:crypto";
import { db } from "../../src/kernel/app.js";
import { clearConfigCaches } from "../../src/kernel/config-document.js";
import type { NotificationType, OutboxRecord } from "../../src/notifications/schema.js";
import { commentOnPost, createPost, likePost } from "../../src/posts/callables.js";
import type { AddCommentResponse, CreatePostResponse, SetLikeResponse } from "../../src/posts/schema.js";
import { blockUser, followUser } from "../../src/social/callables.js";
import { makeUser, type SocialUser } from "../social/support.js";
import { callInProcess } from "../support/callables.js";
import { queuedFor } from "../support/notifications.js";
import { useCleanStack } from "../support/stack.js";

export { makeUser, makeUsers, type SocialUser } from "../social/support.js";

/** A user with a claimed username (usernames/{lower}, as setUsername leaves it). */
export async function makeNamedUser(username: string): Promise<SocialUser> {
  const user = await makeUser({ username, usernameLower: username.toLowerCase() });
  await db().collection("usernames").doc(username.toLowerCase()).set({ uid: user.uid, username });
  return user;
}

export const publish = (user: SocialUser, data: Record<string, unknown>) =>
  callInProcess(createPost, { user, data: { visibility: "public", requestId: randomUUID(), ...data } }) as Promise<CreatePostResponse>;

export const like = (user: SocialUser, postId: string, liked = true, commentId?: string) =>
  callInProcess(likePost, { user, data: { postId, liked, ...(commentId ? { commentId } : {}) } }) as Promise<SetLikeResponse>;

export const comment = (user: SocialUser, postId: string, text: string, parentId?: string) =>
  callInProcess(commentOnPost, {
    user,
    data: { postId, text, requestId: randomUUID(), ...(parentId ? { parentId } : {}) },
  }) as Promise<AddCommentResponse>;

export const follow = (user: SocialUser, uid: string) => callInProcess(followUser, { user, data: { uid } });
export const block = (user: SocialUser, uid: string) => callInProcess(blockUser, { user, data: { uid } });

/** media/{id} as the media domain leaves it. */
export async function makeMedia(ownerUid: string, fields: Record<string, unknown> = {}): Promise<string> {
  const ref = db()
    .collection("media")
    .doc(`m-${randomUUID().slice(0, 12)}`);
  await ref.set({ ownerUid, kind: "image", status: "ready", width: 1080, height: 1350, path: `media/${ownerUid}/${ref.id}.jpg`, ...fields });
  return ref.id;
}

/** Call inside a describe(): a clean stack, and config/posts read afresh (a test may have changed it). */
export function useCleanPostsStack(): void {
  useCleanStack();
  beforeEach(() => clearConfigCaches());
}

export async function setPostsConfig(fields: Record<string, unknown>): Promise<void> {
  await db().collection("config").doc("posts").set(fields);
  clearConfigCaches();
}

/** Outbox records for `recipient` of `type`, oldest first, each rendered in every language on the way (queuedFor). */
export const outbox = (recipient: string, type: NotificationType): Promise<OutboxRecord[]> => queuedFor(recipient, type);

/** The count fields of a post's or comment's shards, summed. */
export async function shardTotals(path: string): Promise<Record<string, number>> {
  const shards = await db().doc(path).collection("shards").get();
  const totals: Record<string, number> = {};
  for (const shard of shards.docs) for (const [field, value] of Object.entries(shard.data())) totals[field] = (totals[field] ?? 0) + Number(value);
  return totals;
}
