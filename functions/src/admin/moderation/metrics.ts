/**
 * Moderation metrics: every action adds, with blind writes in its own transaction, to its moderator's day
 * (moderationDays/{day}__{moderatorUid}): a count per outcome and the item's seconds to action under the
 * item's id. A range is read as those day documents only (at most days × moderators), never the items.
 */
import type { Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import { type ActionStats, type GetModerationMetricsRequest, type ModerationMetricsResponse, type ModerationOutcome, OUTCOMES } from "./schema.js";
import { moderatorDayRef } from "./store.js";

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function recordActionMetrics(
  tx: Transaction,
  action: { now: number; moderatorUid: string; outcome: ModerationOutcome; itemId: string; secondsToAction: number },
): void {
  const { FieldValue } = firestoreValues();
  const day = utcDay(action.now);
  tx.set(
    moderatorDayRef(day, action.moderatorUid),
    {
      day,
      moderatorUid: action.moderatorUid,
      actions: { [action.outcome]: FieldValue.increment(1) },
      total: FieldValue.increment(1),
      // Keyed by the item: an item is actioned once, so the map holds each item's time exactly once.
      secondsToAction: { [action.itemId]: action.secondsToAction },
    },
    { merge: true },
  );
}

/** The value below which `fraction` of the sorted values fall (nearest rank). */
export function percentile(sorted: number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

interface Accumulator {
  actions: Record<ModerationOutcome, number>;
  total: number;
  seconds: number[];
}

const emptyAccumulator = (): Accumulator => ({
  actions: Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<ModerationOutcome, number>,
  total: 0,
  seconds: [],
});

function add(into: Accumulator, actions: Record<string, unknown>, total: number, seconds: number[]): void {
  for (const outcome of OUTCOMES) {
    const n = actions[outcome];
    if (typeof n === "number") into.actions[outcome] += n;
  }
  into.total += total;
  into.seconds.push(...seconds);
}

function statsOf(acc: Accumulator): ActionStats {
  const sorted = [...acc.seconds].sort((a, b) => a - b);
  return { actions: acc.actions, total: acc.total, medianSecondsToAction: percentile(sorted, 0.5), p90SecondsToAction: percentile(sorted, 0.9) };
}

export async function getModerationMetrics(request: GetModerationMetricsRequest): Promise<ModerationMetricsResponse> {
  const snapshot = await db().collection(Collections.moderationDays).where("day", ">=", request.from).where("day", "<=", request.to).get();
  const days = new Map<string, { all: Accumulator; moderators: Map<string, Accumulator> }>();
  const moderators = new Map<string, Accumulator>();
  const total = emptyAccumulator();
  for (const doc of snapshot.docs) {
    const day = String(doc.get("day"));
    const moderatorUid = String(doc.get("moderatorUid"));
    const actions = (doc.get("actions") as Record<string, unknown> | undefined) ?? {};
    const count = typeof doc.get("total") === "number" ? (doc.get("total") as number) : 0;
    const seconds = Object.values((doc.get("secondsToAction") as Record<string, unknown> | undefined) ?? {}).filter(
      (s): s is number => typeof s === "number",
    );
    const entry = days.get(day) ?? { all: emptyAccumulator(), moderators: new Map() };
    days.set(day, entry);
    const perDay = entry.moderators.get(moderatorUid) ?? emptyAccumulator();
    entry.moderators.set(moderatorUid, perDay);
    const perModerator = moderators.get(moderatorUid) ?? emptyAccumulator();
    moderators.set(moderatorUid, perModerator);
    for (const acc of [entry.all, perDay, perModerator, total]) add(acc, actions, count, seconds);
  }
  const byUid = <T>(map: Map<string, Accumulator>) =>
    [...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([moderatorUid, acc]) => ({ moderatorUid, ...statsOf(acc) })) as T;
  return {
    from: request.from,
    to: request.to,
    days: [...days.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([day, { all, moderators: perDay }]) => ({ day, ...statsOf(all), moderators: byUid(perDay) })),
    moderators: byUid(moderators),
    total: statsOf(total),
  };
}
