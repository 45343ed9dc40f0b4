/**
 * Leaderboard periods, all in UTC. Keys:
 *   daily    YYYY-MM-DD   the calendar day, [00:00, 24:00)
 *   weekly   YYYY-Www     the ISO 8601 week, Monday 00:00 to the next Monday (its year is the ISO week-year:
 *                         2024-12-30 is in 2025-W01, 2027-01-01 in 2026-W53)
 *   monthly  YYYY-MM      the calendar month
 *   alltime  all          never ends
 * A ledger transaction counts in the periods containing its createdAt.
 */
import type { ClosingPeriod, Period } from "./schema.js";

const DAY_MS = 86_400_000;

export interface PeriodRange {
  period: Period;
  key: string;
  startMs: number;
  /** Exclusive; null for all-time. */
  endMs: number | null;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function dayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** Monday 00:00 UTC of the ISO week containing `ms`. */
function weekStart(ms: number): number {
  const day = dayStart(ms);
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return day - weekday * DAY_MS;
}

/** The ISO week-year and week number of the week starting at `monday`: the year of its Thursday. */
function isoWeek(monday: number): { year: number; week: number } {
  const thursday = new Date(monday + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const dayOfYear = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS);
  return { year, week: Math.floor(dayOfYear / 7) + 1 };
}

export function periodAt(period: Period, ms: number): PeriodRange {
  const date = new Date(ms);
  switch (period) {
    case "daily": {
      const startMs = dayStart(ms);
      return { period, key: `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`, startMs, endMs: startMs + DAY_MS };
    }
    case "weekly": {
      const startMs = weekStart(ms);
      const { year, week } = isoWeek(startMs);
      return { period, key: `${year}-W${pad(week)}`, startMs, endMs: startMs + 7 * DAY_MS };
    }
    case "monthly": {
      const year = date.getUTCFullYear();
      const month = date.getUTCMonth();
      return { period, key: `${year}-${pad(month + 1)}`, startMs: Date.UTC(year, month, 1), endMs: Date.UTC(year, month + 1, 1) };
    }
    case "alltime":
      return { period, key: "all", startMs: 0, endMs: null };
  }
}

/** The period before the one containing `ms` (the one a close at `ms` settles). */
export function previousPeriod(period: ClosingPeriod, ms: number): PeriodRange {
  return periodAt(period, periodAt(period, ms).startMs - 1);
}

/** The range a period key names, or null when the key is not one of `period`'s. */
export function periodOfKey(period: Period, key: string): PeriodRange | null {
  let startMs: number;
  if (period === "alltime") return key === "all" ? periodAt(period, 0) : null;
  if (period === "daily") {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
    if (!match) return null;
    startMs = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  } else if (period === "monthly") {
    const match = /^(\d{4})-(\d{2})$/.exec(key);
    if (!match) return null;
    startMs = Date.UTC(Number(match[1]), Number(match[2]) - 1, 1);
  } else {
    const match = /^(\d{4})-W(\d{2})$/.exec(key);
    if (!match) return null;
    // ISO week 1 holds January 4th.
    startMs = weekStart(Date.UTC(Number(match[1]), 0, 4)) + (Number(match[2]) - 1) * 7 * DAY_MS;
  }
  const range = periodAt(period, startMs);
  // Round trip: refuses 2026-13, 2026-02-30, 2026-W54 and the like.
  return range.key === key ? range : null;
}

/** The four periods a transaction at `ms` counts in. */
export function periodsAt(ms: number): PeriodRange[] {
  return (["daily", "weekly", "monthly", "alltime"] as const).map((period) => periodAt(period, ms));
}
