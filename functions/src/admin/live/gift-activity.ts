/**
 * Platform-wide gift activity in Redis, fed by the ledger trigger once per gift transaction:
 *   ops:{d:DAY}:seen               SET  gift transaction ids already counted (the idempotency guard)
 *   ops:{d:DAY}:m:{HHMM}:coins     coins of the gifts of that UTC minute   (TTL 2 h)
 *   ops:{d:DAY}:m:{HHMM}:count     number of gifts of that UTC minute      (TTL 2 h)
 *   ops:{d:DAY}:performers         ZSET recipient uid → coins received that day
 *   ops:{d:DAY}:venues             ZSET "stream:ID" / "room:ID" → coins given in it that day
 * Every key of a day shares the {d:DAY} hash tag, so the guard and the increments run in one Lua script:
 * a redelivered event counts once even when two deliveries race.
 */
import { log } from "../../kernel/logger.js";
import { calendarPeriodAt } from "../../kernel/periods.js";
import { redis } from "../../kernel/redis.js";
import { GIFT_MINUTES, type GiftMinute } from "./schema.js";

const MINUTE_MS = 60_000;
const MINUTE_TTL_SECONDS = 2 * 3_600;
const DAY_TTL_SECONDS = 2 * 86_400;

const dayOf = (ms: number) => calendarPeriodAt("day", ms).key;
const base = (day: string) => `ops:{d:${day}}`;

function minuteKeys(minuteMs: number) {
  const stamp = new Date(minuteMs).toISOString();
  const prefix = `${base(dayOf(minuteMs))}:m:${stamp.slice(11, 13)}${stamp.slice(14, 16)}`;
  return { coins: `${prefix}:coins`, count: `${prefix}:count` };
}

export const performersKey = (day: string) => `${base(day)}:performers`;
export const venuesKey = (day: string) => `${base(day)}:venues`;

export interface GiftActivity {
  transactionId: string;
  recipientUid: string;
  coins: number;
  /** "stream:ID" or "room:ID"; null for a gift sent outside a venue. */
  venue: string | null;
  at: number;
}

/** The gift a ledger document records, or null for any other transaction. */
export function giftActivityOf(transactionId: string, ledger: Record<string, unknown> | undefined): GiftActivity | null {
  if (ledger?.type !== "gift") return null;
  const meta = (ledger.meta ?? {}) as Record<string, unknown>;
  const at = (ledger.createdAt as { toMillis?: () => number } | undefined)?.toMillis?.();
  if (typeof meta.recipientUid !== "string" || !Number.isSafeInteger(meta.totalCoins) || (meta.totalCoins as number) <= 0 || at === undefined)
    return null;
  const context = meta.context as { type?: unknown; id?: unknown } | null | undefined;
  const venue = (context?.type === "stream" || context?.type === "room") && typeof context.id === "string" ? `${context.type}:${context.id}` : null;
  return { transactionId, recipientUid: meta.recipientUid, coins: meta.totalCoins as number, venue, at };
}

const RECORD_GIFT_SCRIPT = `
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('EXPIRE', KEYS[1], ARGV[6])
redis.call('INCRBY', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('INCRBY', KEYS[3], 1)
redis.call('EXPIRE', KEYS[3], ARGV[5])
redis.call('ZINCRBY', KEYS[4], ARGV[2], ARGV[3])
redis.call('EXPIRE', KEYS[4], ARGV[6])
if ARGV[4] ~= '' then
  redis.call('ZINCRBY', KEYS[5], ARGV[2], ARGV[4])
  redis.call('EXPIRE', KEYS[5], ARGV[6])
end
return 1
`;

/** Counts one gift into its minute, its day's performers and its venue; once per transaction id. */
export async function recordGiftActivity(gift: GiftActivity): Promise<boolean> {
  const client = redis();
  if (!client) {
    log.warn("Redis is not configured: gift activity not recorded", { transactionId: gift.transactionId });
    return false;
  }
  const day = dayOf(gift.at);
  const minute = minuteKeys(Math.floor(gift.at / MINUTE_MS) * MINUTE_MS);
  // Errors propagate: the trigger is retried, and the guard makes the retry safe.
  const counted = await client.eval<(string | number)[], number>(
    RECORD_GIFT_SCRIPT,
    [`${base(day)}:seen`, minute.coins, minute.count, performersKey(day), venuesKey(day)],
    [gift.transactionId, gift.coins, gift.recipientUid, gift.venue ?? "", MINUTE_TTL_SECONDS, DAY_TTL_SECONDS],
  );
  return Number(counted) === 1;
}

/** The last GIFT_MINUTES UTC minutes up to the one holding `nowMs`, oldest first. */
export async function giftsPerMinute(nowMs: number): Promise<GiftMinute[]> {
  const current = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  const minutes = Array.from({ length: GIFT_MINUTES }, (_, i) => current - (GIFT_MINUTES - 1 - i) * MINUTE_MS);
  const client = redis();
  if (!client) return minutes.map((ms) => ({ minute: new Date(ms).toISOString(), coins: 0, count: 0 }));
  // One GET per key in a pipeline: the window may span two days, whose keys live in different slots.
  const pipeline = client.pipeline();
  for (const ms of minutes) {
    const keys = minuteKeys(ms);
    pipeline.get(keys.coins);
    pipeline.get(keys.count);
  }
  const values = await pipeline.exec<unknown[]>();
  return minutes.map((ms, i) => ({ minute: new Date(ms).toISOString(), coins: Number(values[2 * i] ?? 0), count: Number(values[2 * i + 1] ?? 0) }));
}

/** The day's top recipients by coins received. */
export async function topRecipients(day: string, limit: number): Promise<{ uid: string; coins: number }[]> {
  const client = redis();
  if (!client) return [];
  const flat = await client.zrange<unknown[]>(performersKey(day), 0, limit - 1, { rev: true, withScores: true });
  const top: { uid: string; coins: number }[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) top.push({ uid: String(flat[i]), coins: Number(flat[i + 1]) });
  return top;
}

/** Coins given today in each of `venues` ("stream:ID" / "room:ID"). */
export async function venueGiftsToday(day: string, venues: string[]): Promise<number[]> {
  const client = redis();
  if (!client || !venues.length) return venues.map(() => 0);
  const scores = await client.zmscore(venuesKey(day), venues);
  return venues.map((_, i) => Number(scores?.[i] ?? 0));
}
