/**
 * Following feed benchmark, on Google's Firestore emulator:
 *   1. a post by an account with BENCH_FOLLOWERS followers (default 10,000), fanned out by the real
 *      trigger's logic (syncPostFeedPage, page after page as the trigger and its page tasks run them):
 *      time, entries written and batch commits;
 *   2. a page read by a follower of BENCH_FOLLOWED accounts (default 300, BENCH_POSTS posts each): the
 *      feed's one query on users/{uid}/feed against the naive query it replaces (posts where authorUid
 *      in [followed…] in chunks of 30, merged), and the whole getFollowingFeed page (with its re-checks
 *      and post views). Median of BENCH_READS reads each; prints the ratios measured in this run.
 *
 *   npm run bench:feed          (or: npx tsx functions/bench/feed.ts; BENCH_FOLLOWERS=2000 for a quick run)
 */
import { cpus, loadavg } from "node:os";
import type { Timestamp } from "firebase-admin/firestore";
import { startFirestore } from "../../devstack/src/firestore.js";
import { ensureFirestoreJar, ensureJava } from "../../devstack/src/system.js";
import { syncPostFeedPage } from "../src/feeds/fanout.js";
import { getFollowingFeed } from "../src/feeds/following.js";
import type { FeedPageTask } from "../src/feeds/schema.js";
import { feedRef } from "../src/feeds/store.js";
import { db, firestoreValues } from "../src/kernel/app.js";
import { Collections, userRef } from "../src/kernel/collections.js";
import { followerRef, followingRef } from "../src/social/store.js";
import { medianMs } from "./timing.js";

const PROJECT = "demo-bench-feed";
const FOLLOWERS = envInt("BENCH_FOLLOWERS", 10_000);
const FOLLOWED = envInt("BENCH_FOLLOWED", 300);
const POSTS = envInt("BENCH_POSTS", 3);
const READS = envInt("BENCH_READS", 15);
const PAGE = 20;
const IN_LIMIT = 30;

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

/** Writes `count` documents made by `write`, 500 per batch, a few batches at a time. */
async function seed(count: number, write: (batch: FirebaseFirestore.WriteBatch, n: number) => void): Promise<void> {
  const batches: Promise<unknown>[] = [];
  for (let start = 0; start < count; start += 250) {
    const batch = db().batch();
    for (let n = start; n < Math.min(count, start + 250); n++) write(batch, n);
    batches.push(batch.commit());
    if (batches.length >= 4) await Promise.all(batches.splice(0));
  }
  await Promise.all(batches);
}

/**
 * The design not taken: every followed account's posts, queried 30 authors at a time and merged (30 is
 * Firestore's limit of disjunctions, so private posts are left out after the query, not in it).
 */
async function naivePage(followed: string[]): Promise<string[]> {
  const chunks: string[][] = [];
  for (let i = 0; i < followed.length; i += IN_LIMIT) chunks.push(followed.slice(i, i + IN_LIMIT));
  const pages = await Promise.all(
    chunks.map((chunk) =>
      db()
        .collection(Collections.posts)
        .where("authorUid", "in", chunk)
        .where("status", "==", "active")
        .orderBy("createdAt", "desc")
        .limit(PAGE)
        .get(),
    ),
  );
  return pages
    .flatMap((page) => page.docs)
    .filter((doc) => doc.get("visibility") !== "private")
    .sort((a, b) => (b.get("createdAt") as Timestamp).toMillis() - (a.get("createdAt") as Timestamp).toMillis())
    .slice(0, PAGE)
    .map((doc) => doc.id);
}

async function main() {
  const say = (line: string) => console.log(line);
  const java = ensureJava(say);
  const jar = ensureFirestoreJar(say);
  const firestore = await startFirestore({ java: java.bin, jar });
  Object.assign(process.env, { FIRESTORE_EMULATOR_HOST: firestore.emulatorHost, GCLOUD_PROJECT: PROJECT, GOOGLE_CLOUD_PROJECT: PROJECT });
  try {
    console.log(`feed benchmark: Firestore emulator ${firestore.emulatorHost}, ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}`);
    const { Timestamp: Ts } = firestoreValues();
    // Fanned out whatever its size: the pull path is not what this measures.
    await db()
      .collection(Collections.config)
      .doc("feeds")
      .set({ pullThreshold: FOLLOWERS + 1 });

    const star = "bench-star";
    await userRef(star).set({ uid: star, followersCount: FOLLOWERS });
    await seed(FOLLOWERS, (batch, n) => {
      batch.set(followerRef(star, `bench-fan-${n}`), { uid: `bench-fan-${n}` });
    });
    const postId = "bench-star-post";
    await db()
      .collection(Collections.posts)
      .doc(postId)
      .set({ authorUid: star, text: "hello", visibility: "public", status: "active", createdAt: Ts.now() });
    const fanStarted = performance.now();
    let written = 0;
    for (let task: FeedPageTask | null = { postId, run: "0", page: 0, startAfter: null }; task; ) {
      const page = await syncPostFeedPage(task);
      written += page.written;
      task = page.next;
    }
    const fanMs = performance.now() - fanStarted;
    console.log(`\n1. fan-out of one post to ${FOLLOWERS.toLocaleString("en")} followers`);
    console.log(
      `  ${written.toLocaleString("en")} entries written in ${Math.ceil(written / 500)} batch commits, ${(fanMs / 1000).toFixed(2)} s (${Math.round(written / (fanMs / 1000))} entries/s)`,
    );

    const reader = "bench-reader";
    const followed = Array.from({ length: FOLLOWED }, (_, n) => `bench-author-${n}`);
    await userRef(reader).set({ uid: reader });
    await seed(FOLLOWED, (batch, n) => {
      batch.set(userRef(followed[n] as string), { uid: followed[n], followersCount: 1 });
      batch.set(followingRef(reader, followed[n] as string), { uid: followed[n] });
    });
    const base = Date.now() - FOLLOWED * POSTS * 1000;
    await seed(FOLLOWED * POSTS, (batch, n) => {
      const authorUid = followed[n % FOLLOWED] as string;
      const createdAt = Ts.fromMillis(base + n * 1000);
      const id = `bench-post-${n}`;
      batch.set(db().collection(Collections.posts).doc(id), {
        authorUid,
        text: `post ${n}`,
        hashtags: [],
        mentions: [],
        media: [],
        visibility: "public",
        status: "active",
        repostOf: null,
        createdAt,
      });
      batch.set(feedRef(reader).doc(id), { postId: id, authorUid, createdAt, visibility: "public" });
    });
    const entriesPage = () => feedRef(reader).orderBy("createdAt", "desc").limit(PAGE).get();
    const [fromFeed, fromNaive] = [(await entriesPage()).docs.map((d) => d.id), await naivePage(followed)];
    if (fromFeed.join() !== fromNaive.join()) throw new Error("the two designs disagree on the first page");

    console.log(`\n2. first page (${PAGE} posts) for a follower of ${FOLLOWED} accounts, ${POSTS} posts each; median of ${READS}`);
    const feedMs = await medianMs(READS, entriesPage);
    const naiveMs = await medianMs(READS, () => naivePage(followed));
    const wholeMs = await medianMs(READS, () => getFollowingFeed({ uid: reader, roles: [], claims: {} }, { limit: PAGE, cursor: null }));
    console.log(`  feed entries query (1 query):                        ${feedMs.toFixed(1)} ms`);
    console.log(`  naive authorUid in [...] (${Math.ceil(FOLLOWED / IN_LIMIT)} queries, merged):      ${naiveMs.toFixed(1)} ms`);
    console.log(`  getFollowingFeed page (entries + re-checks + views): ${wholeMs.toFixed(1)} ms`);
    console.log(
      `  naive ÷ feed entries: ${(naiveMs / feedMs).toFixed(1)}x; reads per page: 1 query vs ${Math.ceil(FOLLOWED / IN_LIMIT)} queries (up to ${Math.ceil(FOLLOWED / IN_LIMIT) * PAGE} documents read to keep ${PAGE})`,
    );
    console.log(
      `  cost moved to the write: ${written.toLocaleString("en")} entry writes per post of a ${FOLLOWERS.toLocaleString("en")}-follower account`,
    );
  } finally {
    await firestore.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
