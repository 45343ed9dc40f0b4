/**
 * Counting a ledger transaction into the boards: for each period containing its createdAt, one Lua script
 * adds the transaction id to the period's dedupe set and, only if it was not there, applies every
 * ZINCRBY of the transaction (global, country and agency boards), records the country and agency ids
 * seen, and sets the keys' expiry. A redelivered or concurrently delivered event, or the rebuild
 * replaying a transaction the trigger counted, changes nothing.
 */

import { db } from "../kernel/app.js";
import { userRef } from "../kernel/collections.js";
import { millisOf } from "../kernel/fields.js";
import { redis } from "../kernel/redis.js";
import { type Contribution, contributionsOf, type ProfileScopes, profileScopesOf, usersToRead } from "./contributions.js";
import { type PeriodRange, periodAt, periodsAt } from "./periods.js";
import { boardKey, scopeIndexKey, seenKey } from "./store.js";

/** How long the all-time dedupe sets (one per day) are kept: redeliveries come within minutes or hours. */
const ALL_TIME_SEEN_DAYS = 8;
const DAY_SECONDS = 86_400;

const COUNT_SCRIPT = `
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('EXPIREAT', KEYS[1], ARGV[2])
local n = tonumber(ARGV[4])
for i = 1, n do
  redis.call('ZINCRBY', KEYS[1 + i], ARGV[3 + 2 * i], ARGV[4 + 2 * i])
  if ARGV[3] ~= '0' then redis.call('EXPIREAT', KEYS[1 + i], ARGV[3]) end
end
local m = tonumber(ARGV[5 + 2 * n])
for j = 1, m do
  redis.call('SADD', KEYS[1 + n + j], ARGV[5 + 2 * n + j])
  if ARGV[3] ~= '0' then redis.call('EXPIREAT', KEYS[1 + n + j], ARGV[3]) end
end
return 1
`;

export interface CountOptions {
  keyGraceDays: number;
  /** Only these period keys (the rebuild restores some periods); all four otherwise. */
  onlyPeriodKeys?: ReadonlySet<string>;
}

/** The script's keys and arguments for one period. Scores are negated (store.ts). */
export function countCommand(transactionId: string, at: number, range: PeriodRange, contributions: Contribution[], keyGraceDays: number) {
  const day = periodAt("daily", at);
  const keysExpireAt = range.endMs === null ? 0 : Math.ceil(range.endMs / 1000) + keyGraceDays * DAY_SECONDS;
  const seenExpireAt = range.endMs === null ? Math.ceil((day.endMs as number) / 1000) + ALL_TIME_SEEN_DAYS * DAY_SECONDS : keysExpireAt;
  const increments: [string, string, string][] = [];
  // Each (index key, scope id) once: [index key, scope id] by "key id".
  const indexes = new Map<string, [string, string]>();
  for (const c of contributions) {
    increments.push([boardKey(range.key, c.board, "global", null), String(-c.points), c.member]);
    for (const s of c.scopes) {
      increments.push([boardKey(range.key, c.board, s.scope, s.id), String(-c.points), c.member]);
      const indexKey = scopeIndexKey(range.key, c.board, s.scope);
      indexes.set(`${indexKey} ${s.id}`, [indexKey, s.id]);
    }
  }
  const keys = [seenKey(range.key, day.key), ...increments.map(([key]) => key), ...[...indexes.values()].map(([key]) => key)];
  const args = [
    transactionId,
    String(seenExpireAt),
    String(keysExpireAt),
    String(increments.length),
    ...increments.flatMap(([, delta, member]) => [delta, member]),
    String(indexes.size),
    ...[...indexes.values()].map(([, id]) => id),
  ];
  return { keys, args };
}

/** Country and agency of each user now (missing profiles have neither). */
export async function readProfileScopes(uids: string[]): Promise<Map<string, ProfileScopes>> {
  const unique = [...new Set(uids)];
  const profiles = new Map<string, ProfileScopes>();
  if (!unique.length) return profiles;
  const snaps = await db().getAll(...unique.map((uid) => userRef(uid)));
  unique.forEach((uid, i) => {
    profiles.set(uid, profileScopesOf(snaps[i]?.data()));
  });
  return profiles;
}

/**
 * Counts `ledger` (the ledger/{transactionId} document) into every board of its periods; returns the
 * number of periods it was newly counted in. Throws on a Redis failure (the trigger retries).
 */
export async function countLedgerTransaction(
  transactionId: string,
  ledger: Record<string, unknown>,
  options: CountOptions,
  profiles?: ReadonlyMap<string, ProfileScopes>,
): Promise<number> {
  const at = millisOf(ledger.createdAt);
  const uids = usersToRead(ledger);
  if (at === null || (!uids.length && ledger.type !== "gift")) return 0;
  const contributions = contributionsOf(ledger, profiles ?? (await readProfileScopes(uids)));
  if (!contributions.length) return 0;
  const client = redis();
  if (!client) throw new Error("Redis is not configured: leaderboards cannot be counted");
  let counted = 0;
  for (const range of periodsAt(at)) {
    if (options.onlyPeriodKeys && !options.onlyPeriodKeys.has(range.key)) continue;
    const { keys, args } = countCommand(transactionId, at, range, contributions, options.keyGraceDays);
    counted += Number(await client.eval<string[], number>(COUNT_SCRIPT, keys, args));
  }
  return counted;
}
