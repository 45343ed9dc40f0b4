/**
 * Leaderboard periods, all in UTC (kernel/periods.ts). Keys:
 *   daily    YYYY-MM-DD   the calendar day, [00:00, 24:00)
 *   weekly   YYYY-Www     the ISO 8601 week, Monday 00:00 to the next Monday (its year is the ISO week-year:
 *                         2024-12-30 is in 2025-W01, 2027-01-01 in 2026-W53)
 *   monthly  YYYY-MM      the calendar month
 *   alltime  all          never ends
 * A ledger transaction counts in the periods containing its createdAt.
 */
import { type CalendarPeriod, calendarPeriodAt, calendarPeriodOfKey } from "../kernel/periods.js";
import type { ClosingPeriod, Period } from "./schema.js";

export interface PeriodRange {
  period: Period;
  key: string;
  startMs: number;
  /** Exclusive; null for all-time. */
  endMs: number | null;
}

const CALENDAR: Record<Exclude<Period, "alltime">, CalendarPeriod> = { daily: "day", weekly: "week", monthly: "month" };

export function periodAt(period: Period, ms: number): PeriodRange {
  if (period === "alltime") return { period, key: "all", startMs: 0, endMs: null };
  return { period, ...calendarPeriodAt(CALENDAR[period], ms) };
}

/** The period before the one containing `ms` (the one a close at `ms` settles). */
export function previousPeriod(period: ClosingPeriod, ms: number): PeriodRange {
  return periodAt(period, periodAt(period, ms).startMs - 1);
}

/** The range a period key names, or null when the key is not one of `period`'s. */
export function periodOfKey(period: Period, key: string): PeriodRange | null {
  if (period === "alltime") return key === "all" ? periodAt(period, 0) : null;
  const range = calendarPeriodOfKey(CALENDAR[period], key);
  return range ? { period, ...range } : null;
}

/** The four periods a transaction at `ms` counts in. */
export function periodsAt(ms: number): PeriodRange[] {
  return (["daily", "weekly", "monthly", "alltime"] as const).map((period) => periodAt(period, ms));
}
