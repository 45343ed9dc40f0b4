/** Where stories live: document references and the view counter. */
import type { DocumentReference } from "firebase-admin/firestore";
import { db } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import { type ShardedCounter, shardedCounter } from "../../kernel/sharded-counter.js";

export const storyRef = (storyId: string): DocumentReference => db().collection(Collections.stories).doc(storyId);
export const storyViewerRef = (storyId: string, uid: string): DocumentReference => storyRef(storyId).collection(Collections.storyViewers).doc(uid);

export function storyViewCounter(storyId: string, shards: number): ShardedCounter<"views"> {
  return shardedCounter(storyRef(storyId), Collections.storyShards, shards, ["views"]);
}
