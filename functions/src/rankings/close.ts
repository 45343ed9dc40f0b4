/**
 * Closing a period: once a daily, weekly or monthly period has ended (and `closeDelayMinutes` passed, so
 * late ledger events are counted), each board's top `snapshotSize` members with a positive score are
 * snapshotted to Firestore, then the configured rewards are paid (rewards.ts) and the winners notified.
 *
 * Idempotent per board, period and scope: the snapshot header and its entries are created in one
 * transaction that finds the header absent, so concurrent closes agree on one list and every close pays
 * from the stored list (rewards are exactly-once per rank); the header's status turns "paid" once every
 * winner was paid and notified, after which a close only reads the header. If the period's keys are gone
 * from Redis (flushed) while the ledger has transactions in it, the period is rebuilt from the ledger first;
 * a period with nothing to rank is left without snapshots.
 */
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { log } from "../kernel/logger.js";
import { redis } from "../kernel/redis.js";
import { runTransaction } from "../kernel/transactions.js";
import { notifyAfterCommit } from "../notifications/after-commit.js";
import { announceRoomRank } from "../progression/recognition.js";
import { type RankingsConfig, rankingsConfig } from "./config.js";
import { COUNTED_TYPES } from "./contributions.js";
import { type PeriodRange, previousPeriod } from "./periods.js";
import { rebuildPeriods } from "./rebuild.js";
import { payRankReward, prizeFor } from "./rewards.js";
import { BOARDS, type Board, type ClosingPeriod, isUserBoard, type StoredScope } from "./schema.js";
import { boardKey, scopeIndexKey, seenKey, snapshotEntryRef, snapshotId, snapshotRef } from "./store.js";

/** The rooms that close a period this high on the rooms board are announced in their own feed. */
export const ANNOUNCED_ROOM_RANKS = 3;

export interface SnapshotEntry {
  rank: number;
  member: string;
  score: number;
}

export interface CloseOutcome {
  snapshotId: string;
  status: "closed" | "already-closed";
  entries: number;
  paid: number;
}

/** The snapshot's entries, created once: the first close stores `top`, later ones read what it stored. */
async function storeSnapshot(id: string, header: Record<string, unknown>, top: SnapshotEntry[]): Promise<SnapshotEntry[]> {
  const { FieldValue } = firestoreValues();
  await runTransaction(async (tx) => {
    if ((await tx.get(snapshotRef(id))).exists) return;
    tx.create(snapshotRef(id), { ...header, entries: top.length, status: "snapshotted", closedAt: FieldValue.serverTimestamp() });
    for (const entry of top) tx.create(snapshotEntryRef(id, entry.rank), entry);
  });
  const stored = await snapshotRef(id).collection(Collections.leaderboardEntries).orderBy("rank").get();
  return stored.docs.map((d) => ({ rank: Number(d.get("rank")), member: String(d.get("member")), score: Number(d.get("score")) }));
}

async function readTop(key: string, size: number): Promise<SnapshotEntry[]> {
  const client = redis();
  if (!client) throw new Error("Redis is not configured: leaderboards cannot be closed");
  const flat = await client.zrange<unknown[]>(key, 0, size - 1, { withScores: true });
  const top: SnapshotEntry[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const score = -Number(flat[i + 1]);
    // Net game losses and the like are not ranks to snapshot or reward.
    if (score > 0) top.push({ rank: top.length + 1, member: String(flat[i]), score });
  }
  return top;
}

/** Snapshots one board of a closed period and pays its rewards (see the file header). */
export async function closeBoard(
  board: Board,
  range: PeriodRange,
  scope: StoredScope,
  scopeId: string | null,
  config: RankingsConfig,
): Promise<CloseOutcome> {
  const id = snapshotId(board, range.key, scope, scopeId);
  const existing = await snapshotRef(id).get();
  if (existing.get("status") === "paid") return { snapshotId: id, status: "already-closed", entries: Number(existing.get("entries") ?? 0), paid: 0 };

  const header = { board, period: range.period, periodKey: range.key, scope, scopeId, startMs: range.startMs, endMs: range.endMs };
  const entries = existing.exists
    ? await storeSnapshot(id, header, [])
    : await storeSnapshot(id, header, await readTop(boardKey(range.key, board, scope, scopeId), config.snapshotSize));

  const rules = isUserBoard(board) ? config.rewards.filter((r) => r.board === board && r.period === range.period && r.scope === scope) : [];
  let paid = 0;
  for (const entry of entries) {
    const prize = prizeFor(rules, entry.rank);
    if (!prize) continue;
    const outcome = await payRankReward(id, entry.rank, entry.member, prize);
    if (outcome.paid) paid++;
    if (outcome.skipped) continue;
    // Queued on every close until the header says paid; the dedupe key makes it once.
    await notifyAfterCommit({
      recipient: entry.member,
      type: "ranking-reward",
      data: { board, period: range.period, periodKey: range.key, scope, rank: entry.rank, coins: prize.coins, snapshotId: id },
      dedupeKey: id,
    });
  }
  if (board === "rooms" && scope === "global") {
    for (const entry of entries.filter((e) => e.rank <= ANNOUNCED_ROOM_RANKS)) {
      await announceRoomRank({ roomId: entry.member, rank: entry.rank, snapshotId: id, period: range.period, periodKey: range.key });
    }
  }
  await snapshotRef(id).update({ status: "paid", paidAt: firestoreValues().FieldValue.serverTimestamp() });
  log.info("leaderboard closed", { snapshotId: id, entries: entries.length, paid });
  return { snapshotId: id, status: "closed", entries: entries.length, paid };
}

/**
 * Whether the period has anything to rank: its dedupe set exists, or the ledger has counted types in it
 * (then Redis lost it, and it is rebuilt from the ledger first). A period without any is not snapshotted.
 */
async function hasCounts(range: PeriodRange, config: RankingsConfig): Promise<boolean> {
  const client = redis();
  if (!client) throw new Error("Redis is not configured: leaderboards cannot be closed");
  if (Number(await client.exists(seenKey(range.key, range.key))) > 0) return true;
  const { Timestamp } = firestoreValues();
  const any = await db()
    .collection(Collections.ledger)
    .where("type", "in", [...COUNTED_TYPES])
    .where("createdAt", ">=", Timestamp.fromMillis(range.startMs))
    .where("createdAt", "<", Timestamp.fromMillis(range.endMs as number))
    .limit(1)
    .get();
  if (any.empty) return false;
  log.warn("leaderboard period missing from Redis at close: rebuilding it from the ledger", { periodKey: range.key });
  await rebuildPeriods([range], config.keyGraceDays);
  return true;
}

/** The scopes of `board` to close: the country or agency boards a reward rule pays, then global (last: see isClosed). */
async function scopesToClose(board: Board, range: PeriodRange, config: RankingsConfig): Promise<{ scope: StoredScope; scopeId: string | null }[]> {
  const scopes: { scope: StoredScope; scopeId: string | null }[] = [];
  const client = redis();
  for (const scope of ["country", "agency"] as const) {
    if (!client || !config.rewards.some((r) => r.board === board && r.period === range.period && r.scope === scope)) continue;
    const ids = (await client.smembers(scopeIndexKey(range.key, board, scope))).map(String).sort();
    for (const scopeId of ids) scopes.push({ scope, scopeId });
  }
  scopes.push({ scope: "global", scopeId: null });
  return scopes;
}

/** A period is closed when every board's global snapshot is paid (global closes after the other scopes). */
async function isClosed(range: PeriodRange): Promise<boolean> {
  const headers = await db().getAll(...BOARDS.map((board) => snapshotRef(snapshotId(board, range.key, "global", null))));
  return headers.every((header) => header.get("status") === "paid");
}

/** Closes every board of the periods that ended (the last two of each kind, so a missed run catches up). */
export async function closeDuePeriods(nowMs = Date.now()): Promise<CloseOutcome[]> {
  const config = await rankingsConfig();
  const outcomes: CloseOutcome[] = [];
  for (const period of ["daily", "weekly", "monthly"] as ClosingPeriod[]) {
    const last = previousPeriod(period, nowMs);
    for (const range of [previousPeriod(period, last.startMs), last]) {
      if (nowMs < (range.endMs as number) + config.closeDelayMinutes * 60_000 || (await isClosed(range)) || !(await hasCounts(range, config)))
        continue;
      for (const board of BOARDS) {
        for (const { scope, scopeId } of await scopesToClose(board, range, config))
          outcomes.push(await closeBoard(board, range, scope, scopeId, config));
      }
    }
  }
  return outcomes;
}
