/**
 * Live ranking of a stream in Redis, updated by every gift sent in it:
 *   live:{s:ID}:gifters     ZSET sender uid    → coins given in the stream (top gifters)
 *   live:{s:ID}:recipients  ZSET recipient uid → coins received in the stream (host and guests)
 *   live:{s:ID}:totals      HASH coins, gifts  (the stream's gift totals)
 *   live:{s:ID}:gifts       SET  ledger transaction ids already counted (the idempotency guard)
 *   live:{s:ID}:uniq        HyperLogLog of viewer uids (viewers.ts), read for analytics
 * The guard and the increments run in one Lua script, so a redelivered gift event counts once even
 * when two deliveries race. When the stream ends, the final ranking is written to
 * streams/{id}/ranking from the ledger (authoritative; see analytics.ts) and these keys expire.
 */
import { db } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { redis } from "../kernel/redis.js";
import { isStaff } from "../kernel/roles.js";
import { activeVip } from "../progression/vip/store.js";
import { isBlockedPair } from "../social/store.js";
import { VenuePaths } from "../venues/paths.js";
import type { VenueGift, VenueGiftRecorder } from "../venues/ports.js";
import type { GetStreamRankingRequest, RankedGifter, StreamRankingResponse } from "./schema.js";
import { loadStream, readValue, type StoredStream, streamRef, streamVenue } from "./store.js";

export function streamKeys(streamId: string) {
  const base = `live:{s:${streamId}}`;
  return {
    gifters: `${base}:gifters`,
    recipients: `${base}:recipients`,
    totals: `${base}:totals`,
    gifts: `${base}:gifts`,
    unique: `${base}:uniq`,
  };
}

/** Live keys outlast any stream; finalisation shortens them to FINAL_TTL once the ranking is persisted. */
export const LIVE_KEY_TTL_SECONDS = 3 * 86_400;
const FINAL_TTL_SECONDS = 3_600;

const RECORD_GIFT_SCRIPT = `
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZINCRBY', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZINCRBY', KEYS[3], ARGV[2], ARGV[4])
redis.call('HINCRBY', KEYS[4], 'coins', ARGV[2])
redis.call('HINCRBY', KEYS[4], 'gifts', 1)
for i = 1, 4 do redis.call('EXPIRE', KEYS[i], ARGV[5]) end
return 1
`;

/** Counts one gift into the stream's live ranking, once per ledger transaction id. */
export const recordStreamGift: VenueGiftRecorder = async (gift: VenueGift) => {
  if (gift.venue.type !== "stream") return;
  if (!Number.isSafeInteger(gift.coins) || gift.coins <= 0) {
    log.warn("stream gift without a positive value ignored", { transactionId: gift.transactionId, coins: gift.coins });
    return;
  }
  const client = redis();
  if (!client) {
    log.warn("Redis is not configured: stream gift not ranked", { transactionId: gift.transactionId });
    return;
  }
  const keys = streamKeys(gift.venue.id);
  // Errors propagate: the ledger trigger is retried, and the guard makes the retry safe.
  const counted = await client.eval<(string | number)[], number>(
    RECORD_GIFT_SCRIPT,
    [keys.gifts, keys.gifters, keys.recipients, keys.totals],
    [gift.transactionId, gift.coins, gift.senderUid, gift.recipientUid, LIVE_KEY_TTL_SECONDS],
  );
  if (Number(counted) === 1) log.debug("stream gift ranked", { streamId: gift.venue.id, transactionId: gift.transactionId });
};

interface RankEntry {
  uid: string;
  coins: number;
}

/** [member, score, member, score, ...] → entries (members may come back parsed as numbers). */
function pairs(flat: unknown[]): RankEntry[] {
  const entries: RankEntry[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ uid: String(flat[i]), coins: Number(flat[i + 1]) });
  return entries;
}

export async function liveTopGifters(streamId: string, limit: number): Promise<{ top: RankEntry[]; totalCoins: number; giftCount: number }> {
  const client = redis();
  if (!client) return { top: [], totalCoins: 0, giftCount: 0 };
  const keys = streamKeys(streamId);
  const [flat, totals] = await Promise.all([
    client.zrange<unknown[]>(keys.gifters, 0, limit - 1, { rev: true, withScores: true }),
    client.hgetall<Record<string, unknown>>(keys.totals),
  ]);
  return { top: pairs(flat), totalCoins: Number(totals?.coins ?? 0), giftCount: Number(totals?.gifts ?? 0) };
}

/** Everyone who received a gift in the stream, per Redis (candidates for the ledger scan at the end). */
export async function liveRecipients(streamId: string): Promise<string[]> {
  const client = redis();
  if (!client) return [];
  return (await client.zrange<unknown[]>(streamKeys(streamId).recipients, 0, -1)).map(String);
}

export async function uniqueViewerCount(streamId: string): Promise<number | null> {
  const client = redis();
  if (!client) return null;
  try {
    return await client.pfcount(streamKeys(streamId).unique);
  } catch (err) {
    log.warn("unique viewers unavailable", { streamId, error: String(err) });
    return null;
  }
}

export async function addUniqueViewer(streamId: string, uid: string): Promise<void> {
  const client = redis();
  if (!client) return;
  const key = streamKeys(streamId).unique;
  try {
    const pipeline = client.pipeline();
    pipeline.pfadd(key, uid);
    pipeline.expire(key, LIVE_KEY_TTL_SECONDS);
    await pipeline.exec();
  } catch (err) {
    // Analytics only: a viewer must not be refused because Redis is slow.
    log.warn("unique viewer not counted", { streamId, error: String(err) });
  }
}

/** After the final ranking is persisted the live keys are only a cache for late readers. */
export async function expireLiveKeys(streamId: string): Promise<void> {
  const client = redis();
  if (!client) return;
  const keys = streamKeys(streamId);
  try {
    const pipeline = client.pipeline();
    for (const key of Object.values(keys)) pipeline.expire(key, FINAL_TTL_SECONDS);
    await pipeline.exec();
  } catch (err) {
    log.warn("live ranking keys not expired early (they expire on their own)", { streamId, error: String(err) });
  }
}

/** Who may see a stream's ranking: staff, the host, members while live; otherwise per visibility. */
async function assertMayViewRanking(caller: Caller, stream: StoredStream): Promise<void> {
  if (caller.uid === stream.hostUid || isStaff(caller.roles)) return;
  if (await isBlockedPair(caller.uid, stream.hostUid)) fail("permission-denied", "You cannot see this stream.");
  if (stream.status === "live" && (await readValue(VenuePaths.member(streamVenue(stream.id), caller.uid))) !== null) return;
  if (stream.visibility !== "public") fail("permission-denied", "Join the stream to see its ranking.");
}

async function withProfiles(entries: RankEntry[]): Promise<RankedGifter[]> {
  if (entries.length === 0) return [];
  const profiles = await db().getAll(...entries.map((e) => userRef(e.uid)));
  const nowMs = Date.now();
  return entries.map((entry, i) => {
    const data = profiles[i]?.data();
    return {
      rank: i + 1,
      uid: entry.uid,
      coins: entry.coins,
      displayName: typeof data?.displayName === "string" ? data.displayName : null,
      avatarPath: typeof data?.avatarPath === "string" ? data.avatarPath : null,
      vipTier: activeVip(data, nowMs)?.tier ?? 0,
    };
  });
}

export async function getStreamRanking(caller: Caller, request: GetStreamRankingRequest): Promise<StreamRankingResponse> {
  const stream = await loadStream(request.streamId);
  await assertMayViewRanking(caller, stream);
  if (stream.status === "live" || !stream.finalized) {
    const live = await liveTopGifters(stream.id, request.limit);
    return {
      streamId: stream.id,
      source: "live",
      totalCoins: live.totalCoins,
      giftCount: live.giftCount,
      topGifters: await withProfiles(live.top),
    };
  }
  const page = await streamRef(stream.id).collection(Collections.streamRanking).orderBy("rank").limit(request.limit).get();
  const entries = page.docs.map((d) => ({ uid: d.id, coins: Number(d.get("coins")) }));
  return {
    streamId: stream.id,
    source: "final",
    totalCoins: stream.analytics?.gifts.coins ?? 0,
    giftCount: stream.analytics?.gifts.transactions ?? 0,
    topGifters: await withProfiles(entries),
  };
}
