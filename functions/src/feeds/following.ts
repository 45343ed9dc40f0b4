/**
 * The following feed, read: the caller's fanned-out entries merged with the latest posts of the large
 * accounts they follow (pulled at read time, never fanned out), newest first. Every post is re-checked
 * against its current state (deleted, removed, visibility, blocks, the follow itself), so an entry that
 * outlived a change is never shown.
 */
import type { Query, Timestamp } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { decodeTimeCursor, encodeTimeCursor } from "../kernel/cursor.js";
import type { Caller } from "../kernel/guards.js";
import { postsConfig } from "../posts/config.js";
import { viewOf } from "../posts/posts.js";
import type { PostRecord, PostView } from "../posts/schema.js";
import { postRef } from "../posts/store.js";
import { mayView, type Relation, relationTo } from "../posts/visibility.js";
import { followingRef } from "../social/store.js";
import { feedsConfig } from "./config.js";
import { FEED_VISIBILITIES } from "./fanout.js";
import type { FeedPage, FollowingFeedRequest } from "./schema.js";
import { feedRef } from "./store.js";

interface Candidate {
  postId: string;
  createdAt: Timestamp;
}

/**
 * The accounts at or above the pull threshold that `uid` follows (the largest first, at most
 * maxPulledAuthors). Large accounts are few, so they are listed from users by followersCount.
 */
async function pulledAuthorsFollowedBy(uid: string, threshold: number, max: number): Promise<string[]> {
  if (max === 0) return [];
  const large = await db().collection(Collections.users).where("followersCount", ">=", threshold).orderBy("followersCount", "desc").limit(500).get();
  const candidates = large.docs.map((doc) => doc.id).filter((author) => author !== uid);
  if (candidates.length === 0) return [];
  const edges = await db().getAll(...candidates.map((author) => followingRef(uid, author)));
  return candidates.filter((_, i) => edges[i]?.exists).slice(0, max);
}

/** The queries' own order: createdAt descending to the nanosecond, then document id descending. */
function newestFirst(a: Candidate, b: Candidate): number {
  return (
    b.createdAt.seconds - a.createdAt.seconds ||
    b.createdAt.nanoseconds - a.createdAt.nanoseconds ||
    (a.postId < b.postId ? 1 : a.postId > b.postId ? -1 : 0)
  );
}

export async function getFollowingFeed(caller: Caller, request: FollowingFeedRequest): Promise<FeedPage> {
  const [config, posts] = await Promise.all([feedsConfig(), postsConfig()]);
  const { FieldPath, Timestamp: Ts } = firestoreValues();
  const cursor = request.cursor ? decodeTimeCursor(request.cursor) : null;
  const page = (query: Query): Query => {
    const ordered = query.orderBy("createdAt", "desc").orderBy(FieldPath.documentId(), "desc").limit(request.limit);
    return cursor ? ordered.startAfter(new Ts(cursor.t[0], cursor.t[1]), cursor.id) : ordered;
  };
  const pulled = await pulledAuthorsFollowedBy(caller.uid, config.pullThreshold, config.maxPulledAuthors);
  const sources = await Promise.all([
    page(feedRef(caller.uid)).get(),
    ...pulled.map((author) =>
      page(
        db()
          .collection(Collections.posts)
          .where("authorUid", "==", author)
          .where("status", "==", "active")
          .where("visibility", "in", [...FEED_VISIBILITIES]),
      ).get(),
    ),
  ]);
  const byId = new Map<string, Candidate>();
  for (const source of sources) for (const doc of source.docs) byId.set(doc.id, { postId: doc.id, createdAt: doc.get("createdAt") as Timestamp });
  const merged = [...byId.values()].filter((c) => c.createdAt).sort(newestFirst);
  const taken = merged.slice(0, request.limit);
  const more = merged.length > request.limit || sources.some((source) => source.size === request.limit);
  const last = taken.at(-1);
  const nextCursor = more && last ? encodeTimeCursor(last.createdAt, last.postId) : null;
  if (taken.length === 0) return { items: [], nextCursor };

  const snapshots = await db().getAll(...taken.map((c) => postRef(c.postId)));
  const relations = new Map<string, Promise<Relation>>();
  const relationWith = (author: string) => {
    if (!relations.has(author)) relations.set(author, relationTo(caller.uid, author));
    return relations.get(author) as Promise<Relation>;
  };
  const views = await Promise.all(
    snapshots.map(async (snapshot): Promise<PostView | null> => {
      const author = snapshot.get("authorUid") as string | undefined;
      if (!author) return null;
      const relation = await relationWith(author);
      // The feed is the posts of people the caller follows: a public post stays out once they unfollowed.
      if (relation !== "follower" || !mayView(snapshot.data() as PostRecord, relation)) return null;
      return viewOf(caller, snapshot, posts, relation);
    }),
  );
  return { items: views.filter((view): view is PostView => view !== null), nextCursor };
}
