/**
 * Redis is a cache of the boards: rebuildPeriods restores periods from the ledger. It deletes every key of
 * the periods, then pages through the ledger transactions that count (gifts, game stakes and payouts) by
 * createdAt from the earliest start, and counts each through the trigger's own path (counting.ts) limited
 * to those periods: the same contributions, the same dedupe sets, so the same scores. A trigger counting
 * concurrently is harmless (the dedupe set admits each transaction once per period), except one that
 * lands between the deletion and the replay's pass over it, which the replay then counts.
 * Country and agency boards use each profile's country and agency now (the trigger reads them when it runs).
 */
import type { Query } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { log } from "../kernel/logger.js";
import { redis } from "../kernel/redis.js";
import { COUNTED_TYPES, usersToRead } from "./contributions.js";
import { countLedgerTransaction, readProfileScopes } from "./counting.js";
import { type PeriodRange, periodAt } from "./periods.js";
import type { RebuildLeaderboardsResponse } from "./schema.js";
import { periodKeyPattern } from "./store.js";

const PAGE = 300;

async function deletePeriodKeys(periodKey: string): Promise<number> {
  const client = redis();
  if (!client) throw new Error("Redis is not configured: leaderboards cannot be rebuilt");
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, { match: periodKeyPattern(periodKey), count: 500 });
    cursor = String(next);
    if (keys.length) deleted += Number(await client.del(...keys));
  } while (cursor !== "0");
  return deleted;
}

export async function rebuildPeriods(ranges: PeriodRange[], keyGraceDays: number): Promise<RebuildLeaderboardsResponse> {
  const periodKeys = ranges.map((r) => r.key);
  for (const key of periodKeys) await deletePeriodKeys(key);
  const { Timestamp } = firestoreValues();
  const fromMs = Math.min(...ranges.map((r) => r.startMs));
  const ends = ranges.map((r) => r.endMs);
  const untilMs = ends.includes(null) ? null : Math.max(...(ends as number[]));
  let query: Query = db()
    .collection(Collections.ledger)
    .where("type", "in", [...COUNTED_TYPES])
    .where("createdAt", ">=", Timestamp.fromMillis(fromMs));
  if (untilMs !== null) query = query.where("createdAt", "<", Timestamp.fromMillis(untilMs));
  query = query.orderBy("createdAt").limit(PAGE);

  const only = new Set(periodKeys);
  let scanned = 0;
  let counted = 0;
  let page = await query.get();
  while (!page.empty) {
    const docs = page.docs;
    const profiles = await readProfileScopes(docs.flatMap((d) => usersToRead(d.data())));
    for (const doc of docs) {
      scanned++;
      if ((await countLedgerTransaction(doc.id, doc.data(), { keyGraceDays, onlyPeriodKeys: only }, profiles)) > 0) counted++;
    }
    if (docs.length < PAGE) break;
    page = await query.startAfter(docs[docs.length - 1]).get();
  }
  log.info("leaderboards rebuilt from the ledger", { periodKeys, scanned, counted });
  return { periodKeys, transactionsScanned: scanned, transactionsCounted: counted };
}

/** The current daily, weekly and monthly periods (and all-time, unless left out). */
export function currentPeriods(nowMs: number, includeAllTime: boolean): PeriodRange[] {
  const periods = (["daily", "weekly", "monthly"] as const).map((period) => periodAt(period, nowMs));
  return includeAllTime ? [...periods, periodAt("alltime", nowMs)] : periods;
}
