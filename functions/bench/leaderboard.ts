/**
 * Leaderboard benchmark: a board of BENCH_USERS members (default 100,000), in Redis as the rankings
 * domain stores it (a sorted set of negated scores, functions/src/rankings/store.ts) and in Firestore as
 * the design it replaces (one document per member with its score), on a Firestore emulator and a Redis
 * server of its own. Same run, median of BENCH_READS reads each:
 *   1. the top 100: ZRANGE 0 99 against orderBy("score", "desc").limit(100);
 *   2. one member's rank: ZRANK against a count() of the documents with a higher score.
 * Both designs must agree on the answers (distinct scores, so there are no ties to order). The Firestore
 * emulator answers from memory without Firestore's indexes: its query times are not production's, but
 * both are measured on one machine in one run, and the reads billed are printed besides.
 *
 *   npm run bench:leaderboard          (or: npx tsx functions/bench/leaderboard.ts; BENCH_USERS=20000 for a quick run)
 */
import { cpus, loadavg } from "node:os";
import { startFirestore } from "../../devstack/src/firestore.js";
import { findRedisServer, startRedis } from "../../devstack/src/redis/index.js";
import { ensureFirestoreJar, ensureJava, ensureRedisServer } from "../../devstack/src/system.js";
import { db } from "../src/kernel/app.js";
import { redis, resetRedisClient } from "../src/kernel/redis.js";
import { boardKey } from "../src/rankings/store.js";
import { medianMs } from "./timing.js";

const PROJECT = "demo-bench-leaderboard";
const USERS = envInt("BENCH_USERS", 100_000);
const READS = envInt("BENCH_READS", 15);
const TOP = 100;
/** The Firestore collection of the design not taken (not a collection of the backend). */
const NAIVE_COLLECTION = "benchLeaderboardScores";

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

const row = (label: string, ms: number) => console.log(`  ${`${label}:`.padEnd(46)} ${ms.toFixed(1).padStart(8)} ms`);

/** Distinct scores: member n scores a fixed permutation of 1..USERS (a multiplicative hash). */
const memberOf = (n: number) => `bench-user-${String(n).padStart(6, "0")}`;
function scoreOf(n: number): number {
  return ((n * 7_919) % USERS) + 1;
}

async function main() {
  const say = (line: string) => console.log(line);
  const java = ensureJava(say);
  const jar = ensureFirestoreJar(say);
  const redisServerPath = ensureRedisServer(findRedisServer, say);
  if (USERS % 7_919 === 0) throw new Error("BENCH_USERS must not be a multiple of 7919 (scores must be distinct)");
  const [firestore, redisHandle] = await Promise.all([startFirestore({ java: java.bin, jar }), startRedis({ redisServerPath })]);
  Object.assign(process.env, {
    FIRESTORE_EMULATOR_HOST: firestore.emulatorHost,
    GCLOUD_PROJECT: PROJECT,
    GOOGLE_CLOUD_PROJECT: PROJECT,
    UPSTASH_REDIS_REST_URL: redisHandle.restUrl,
    UPSTASH_REDIS_REST_TOKEN: redisHandle.restToken,
  });
  resetRedisClient();
  try {
    const client = redis();
    if (!client) throw new Error("Redis is not configured");
    console.log(`leaderboard benchmark: ${USERS.toLocaleString("en")} members, ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}`);
    const key = boardKey("2026-12", "wealth", "global", null);

    const seedStarted = performance.now();
    for (let start = 0; start < USERS; start += 2_000) {
      const members: { score: number; member: string }[] = [];
      for (let n = start; n < Math.min(USERS, start + 2_000); n++) members.push({ score: -scoreOf(n), member: memberOf(n) });
      await client.zadd(key, members[0] as { score: number; member: string }, ...members.slice(1));
    }
    const redisSeedMs = performance.now() - seedStarted;
    const firestoreStarted = performance.now();
    const commits: Promise<unknown>[] = [];
    for (let start = 0; start < USERS; start += 500) {
      const batch = db().batch();
      for (let n = start; n < Math.min(USERS, start + 500); n++) batch.set(db().collection(NAIVE_COLLECTION).doc(memberOf(n)), { score: scoreOf(n) });
      commits.push(batch.commit());
      // A few batches in flight: bounded load on the shared machine.
      if (commits.length >= 4) await Promise.all(commits.splice(0));
    }
    await Promise.all(commits);
    console.log(
      `  seeded: Redis ${(redisSeedMs / 1000).toFixed(1)} s (ZADD of 2,000), Firestore ${((performance.now() - firestoreStarted) / 1000).toFixed(1)} s (batches of 500)`,
    );

    const fromRedis = async () => {
      const flat = await client.zrange<unknown[]>(key, 0, TOP - 1, { withScores: true });
      const top: string[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) top.push(`${String(flat[i])}=${-Number(flat[i + 1])}`);
      return top;
    };
    const fromFirestore = async () => {
      const page = await db().collection(NAIVE_COLLECTION).orderBy("score", "desc").limit(TOP).get();
      return page.docs.map((d) => `${d.id}=${d.get("score")}`);
    };
    const [redisTop, firestoreTop] = [await fromRedis(), await fromFirestore()];
    if (redisTop.join() !== firestoreTop.join()) throw new Error("the two designs disagree on the top 100");

    const probe = memberOf(Math.floor(USERS / 3));
    const probeScore = scoreOf(Math.floor(USERS / 3));
    const rankFromRedis = async () => Number(await client.zrank(key, probe)) + 1;
    const rankFromFirestore = async () => (await db().collection(NAIVE_COLLECTION).where("score", ">", probeScore).count().get()).data().count + 1;
    const [redisRank, firestoreRank] = [await rankFromRedis(), await rankFromFirestore()];
    if (redisRank !== firestoreRank || redisRank !== USERS - probeScore + 1) throw new Error(`rank mismatch: ${redisRank} vs ${firestoreRank}`);

    const topRedisMs = await medianMs(READS, fromRedis);
    const topFirestoreMs = await medianMs(READS, fromFirestore);
    const rankRedisMs = await medianMs(READS, rankFromRedis);
    const rankFirestoreMs = await medianMs(READS, rankFromFirestore);
    console.log(`\n1. top ${TOP} of ${USERS.toLocaleString("en")} (median of ${READS})`);
    row(`Redis ZRANGE 0 ${TOP - 1} WITHSCORES`, topRedisMs);
    row(`Firestore orderBy(score desc).limit(${TOP})`, topFirestoreMs);
    console.log(`  Firestore ÷ Redis: ${(topFirestoreMs / topRedisMs).toFixed(1)}x (and ${TOP} document reads per page vs none)`);
    console.log(`\n2. rank of one member (rank ${redisRank.toLocaleString("en")}; median of ${READS})`);
    row("Redis ZRANK", rankRedisMs);
    row("Firestore count() where score > mine", rankFirestoreMs);
    console.log(
      `  Firestore ÷ Redis: ${(rankFirestoreMs / rankRedisMs).toFixed(1)}x (a count() is billed per 1,000 index entries: ~${Math.ceil(redisRank / 1000)} reads here)`,
    );
  } finally {
    await Promise.allSettled([firestore.stop(), redisHandle.stop()]);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
