/** Where posts live: document references and the sharded counters of posts and comments. */
import type { DocumentReference } from "firebase-admin/firestore";
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { type ShardedCounter, shardedCounter } from "../kernel/sharded-counter.js";

export const postRef = (postId: string): DocumentReference => db().collection(Collections.posts).doc(postId);
export const commentRef = (postId: string, commentId: string): DocumentReference =>
  postRef(postId).collection(Collections.postComments).doc(commentId);

/** The like of `uid` on a post, or on one of its comments. */
export function likeRef(postId: string, uid: string, commentId?: string | null): DocumentReference {
  const target = commentId ? commentRef(postId, commentId) : postRef(postId);
  return target.collection(Collections.postLikes).doc(uid);
}

export const POST_COUNTER_FIELDS = ["likes", "comments", "reposts"] as const;
export const COMMENT_COUNTER_FIELDS = ["likes", "replies"] as const;

export function postCounter(postId: string, shards: number): ShardedCounter<(typeof POST_COUNTER_FIELDS)[number]> {
  return shardedCounter(postRef(postId), Collections.postShards, shards, POST_COUNTER_FIELDS);
}

export function commentCounter(postId: string, commentId: string, shards: number): ShardedCounter<(typeof COMMENT_COUNTER_FIELDS)[number]> {
  return shardedCounter(commentRef(postId, commentId), Collections.postShards, shards, COMMENT_COUNTER_FIELDS);
}
