import { db } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";
import { pageByTime } from "../kernel/cursor.js";
import { fail, refuse } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { redis } from "../kernel/redis.js";
import { postsConfig } from "../posts/config.js";
import { normaliseHashtag } from "../posts/post-text.js";
import { viewOf } from "../posts/posts.js";
import type { PostRecord, PostView } from "../posts/schema.js";
import { postRef } from "../posts/store.js";
import { mayView, relationTo } from "../posts/visibility.js";
import { blockedAmong } from "../social/store.js";
import { feedsConfig } from "./config.js";
import type { ExploreRequest, FeedPage, FeedRefusal, HashtagPostsRequest, RecordPostViewRequest } from "./schema.js";
import { dayIncrement, dayOf, decayRate, type EngagementKind, rankScores, type Scored } from "./trend-score.js";

/** Two days are read (today and yesterday); a third covers events delivered late. */
const TREND_TTL_SECONDS = 3 * 86_400;
const GLOBAL = "global";

const trendKey = (scope: string, day: number) => `trend:{${scope}}:${day}`;
const seenKey = (day: number) => `trend:seen:${day}`;

const RECORD_ENGAGEMENT_SCRIPT = `
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('EXPIRE', KEYS[1], ARGV[4])
for i = 2, #KEYS do
  redis.call('ZINCRBY', KEYS[i], ARGV[2], ARGV[3])
  redis.call('EXPIRE', KEYS[i], ARGV[4])
end
return 1
`;

export interface Engagement {
  /** Unique per engagement (the trigger's event id, or a view's viewer and day): counted once. */
  eventId: string;
  postId: string;
  kind: EngagementKind;
  actorUid: string;
  atMs: number;
}

/** Counts one engagement into the global and the actor's country's explore sets; only active public posts rank. */
export async function recordEngagement(engagement: Engagement): Promise<boolean> {
  const client = redis();
  if (!client) return false;
  const [post, actor, config] = await Promise.all([postRef(engagement.postId).get(), userRef(engagement.actorUid).get(), feedsConfig()]);
  if (post.get("status") !== "active" || post.get("visibility") !== "public") return false;
  const day = dayOf(engagement.atMs);
  const country = actor.get("country") as string | undefined;
  const scopes = [GLOBAL, ...(typeof country === "string" && /^[A-Z]{2}$/.test(country) ? [country] : [])];
  const increment = dayIncrement(config.trendWeights[engagement.kind], engagement.atMs, decayRate(config.trendHalfLifeHours));
  if (increment <= 0) return false;
  // Errors propagate: the trigger is retried, and the guard makes the retry safe.
  const counted = await client.eval<(string | number)[], number>(
    RECORD_ENGAGEMENT_SCRIPT,
    [seenKey(day), ...scopes.map((scope) => trendKey(scope, day))],
    [`${engagement.kind}:${engagement.eventId}`, increment, engagement.postId, TREND_TTL_SECONDS],
  );
  return Number(counted) === 1;
}

/** A view by a user who may see the post, counted once per viewer and post per UTC day. */
export async function recordPostView(caller: Caller, { postId }: RecordPostViewRequest): Promise<{ counted: boolean }> {
  const post = await postRef(postId).get();
  const author = post.get("authorUid") as string | undefined;
  if (!author || !mayView(post.data() as PostRecord, await relationTo(caller.uid, author))) {
    return refuse<FeedRefusal>("not-found", "post-unavailable", "No such post.");
  }
  const now = Date.now();
  const counted = await recordEngagement({ eventId: `${caller.uid}:${postId}:${dayOf(now)}`, postId, kind: "view", actorUid: caller.uid, atMs: now });
  return { counted };
}

function scored(flat: unknown[]): Scored[] {
  const entries: Scored[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ postId: String(flat[i]), score: Number(flat[i + 1]) });
  return entries;
}

interface OffsetCursor {
  o: number;
}

function decodeOffset(raw: string | null | undefined): number {
  if (!raw) return 0;
  try {
    const { o } = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as OffsetCursor;
    if (Number.isInteger(o) && o > 0) return o;
  } catch {
    // fall through
  }
  return fail("invalid-argument", "Invalid request: cursor: malformed cursor", {
    issues: [{ path: "cursor", message: "malformed cursor", code: "custom" }],
  });
}

const encodeOffset = (o: number): string => Buffer.from(JSON.stringify({ o } satisfies OffsetCursor)).toString("base64url");

/** Public, active posts the caller is not in a block with, as views, in the order of `snapshots`. */
async function publicViews(caller: Caller, snapshots: FirebaseFirestore.DocumentSnapshot[]): Promise<PostView[]> {
  const posts = await postsConfig();
  const authors = [...new Set(snapshots.map((s) => s.get("authorUid") as string | undefined).filter((a): a is string => Boolean(a)))];
  const blocked = await blockedAmong(
    caller.uid,
    authors.filter((a) => a !== caller.uid),
  );
  const views = await Promise.all(
    snapshots.map((snapshot) => {
      const author = snapshot.get("authorUid") as string | undefined;
      if (!author || blocked.has(author) || snapshot.get("status") !== "active" || snapshot.get("visibility") !== "public") return null;
      return viewOf(caller, snapshot, posts, author === caller.uid ? "author" : "stranger");
    }),
  );
  return views.filter((view): view is PostView => view !== null);
}

/** The ranked explore page of a country (or global): decayed score, highest first, ties by post id. */
export async function getExplore(caller: Caller, request: ExploreRequest): Promise<FeedPage> {
  const offset = decodeOffset(request.cursor);
  const client = redis();
  if (!client) {
    log.warn("Redis is not configured: explore is empty");
    return { items: [], nextCursor: null };
  }
  const config = await feedsConfig();
  const scope = request.country ?? GLOBAL;
  const today = dayOf(Date.now());
  const [current, previous] = await Promise.all(
    [today, today - 1].map((day) => client.zrange<unknown[]>(trendKey(scope, day), 0, config.trendCandidates - 1, { rev: true, withScores: true })),
  );
  const ranked = rankScores(scored(current ?? []), scored(previous ?? []), decayRate(config.trendHalfLifeHours)).slice(0, config.trendCandidates);
  const slice = ranked.slice(offset, offset + request.limit);
  const nextCursor = offset + request.limit < ranked.length ? encodeOffset(offset + request.limit) : null;
  if (slice.length === 0) return { items: [], nextCursor };
  const snapshots = await db().getAll(...slice.map((entry) => postRef(entry.postId)));
  return { items: await publicViews(caller, snapshots), nextCursor };
}

/** Public posts with a hashtag, newest first. Index: posts (hashtags CONTAINS, status, visibility, createdAt DESC, __name__ DESC). */
export async function getHashtagPosts(caller: Caller, request: HashtagPostsRequest): Promise<FeedPage> {
  const tag = normaliseHashtag(request.tag.replace(/^#/, ""));
  const query = db()
    .collection(Collections.posts)
    .where("hashtags", "array-contains", tag)
    .where("status", "==", "active")
    .where("visibility", "==", "public");
  const { docs, nextCursor } = await pageByTime(query, "createdAt", request);
  return { items: await publicViews(caller, docs), nextCursor };
}
