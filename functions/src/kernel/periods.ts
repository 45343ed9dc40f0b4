/**
 * Calendar periods in UTC, named by key: day "2026-12-05", ISO 8601 week "2026-W49" (Monday to Monday; its
 * year is the ISO week-year, the year of its Thursday: 2024-12-30 is in 2025-W01), month "2026-12". A period
 * is the half-open range [startMs, endMs). An offset moves every boundary (a cut-off at 06:00 UTC is an
 * offset of 6 hours); keys are unchanged.
 */
export const CALENDAR_PERIODS = ["day", "week", "month"] as const;
export type CalendarPeriod = (typeof CALENDAR_PERIODS)[number];

export interface PeriodRange {
  key: string;
  startMs: number;
  /** Exclusive. */
  endMs: number;
}

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const pad = (n: number) => String(n).padStart(2, "0");

/** Monday 00:00 UTC of ISO week 1 of `year` (the week holding January 4th). */
function isoWeekOneMonday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  return jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
}

/** The period of `kind` holding the instant `ms`. */
export function calendarPeriodAt(kind: CalendarPeriod, ms: number, offsetMs = 0): PeriodRange {
  const shifted = ms - offsetMs;
  const midnight = Math.floor(shifted / DAY_MS) * DAY_MS;
  const date = new Date(midnight);
  let range: PeriodRange;
  if (kind === "day") {
    range = { key: date.toISOString().slice(0, 10), startMs: midnight, endMs: midnight + DAY_MS };
  } else if (kind === "month") {
    const [year, month] = [date.getUTCFullYear(), date.getUTCMonth()];
    range = { key: `${year}-${pad(month + 1)}`, startMs: Date.UTC(year, month, 1), endMs: Date.UTC(year, month + 1, 1) };
  } else {
    const monday = midnight - ((date.getUTCDay() + 6) % 7) * DAY_MS;
    const year = new Date(monday + 3 * DAY_MS).getUTCFullYear();
    const week = Math.floor((monday - isoWeekOneMonday(year)) / WEEK_MS) + 1;
    range = { key: `${year}-W${pad(week)}`, startMs: monday, endMs: monday + WEEK_MS };
  }
  return { key: range.key, startMs: range.startMs + offsetMs, endMs: range.endMs + offsetMs };
}

/** The period a key names, or null when it is not a key of `kind` (2026-13, 2026-02-30, 2026-W54...). */
export function calendarPeriodOfKey(kind: CalendarPeriod, key: string, offsetMs = 0): PeriodRange | null {
  let startMs: number;
  if (kind === "day") {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
    if (!match) return null;
    startMs = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  } else if (kind === "month") {
    const match = /^(\d{4})-(\d{2})$/.exec(key);
    if (!match) return null;
    startMs = Date.UTC(Number(match[1]), Number(match[2]) - 1, 1);
  } else {
    const match = /^(\d{4})-W(\d{2})$/.exec(key);
    if (!match) return null;
    startMs = isoWeekOneMonday(Number(match[1])) + (Number(match[2]) - 1) * WEEK_MS;
  }
  const range = calendarPeriodAt(kind, startMs + offsetMs, offsetMs);
  // The round trip refuses the keys that name no such period.
  return range.key === key ? range : null;
}

/** The period before the one holding `ms`. */
export function previousCalendarPeriod(kind: CalendarPeriod, ms: number, offsetMs = 0): PeriodRange {
  return calendarPeriodAt(kind, calendarPeriodAt(kind, ms, offsetMs).startMs - 1, offsetMs);
}
