/**
 * UTC periods of the gift analytics, by key: day "2026-12-05", ISO week "2026-W49" (Monday to Monday),
 * month "2026-12". A period is the half-open range [startMs, endMs) of ledger commit times.
 */
export const ANALYTICS_PERIODS = ["day", "week", "month"] as const;
export type AnalyticsPeriod = (typeof ANALYTICS_PERIODS)[number];

const DAY_MS = 86_400_000;

export interface PeriodRange {
  key: string;
  startMs: number;
  endMs: number;
}

/** Monday 00:00 UTC of ISO week 1 of `year` (the week holding 4 January). */
function isoWeekOneStart(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7;
  return jan4 - weekday * DAY_MS;
}

/** The range of a period key, or null when the key is malformed or names no such period. */
export function periodRange(period: AnalyticsPeriod, key: string): PeriodRange | null {
  if (period === "day") {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
    if (!m) return null;
    const startMs = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    return new Date(startMs).toISOString().slice(0, 10) === key ? { key, startMs, endMs: startMs + DAY_MS } : null;
  }
  if (period === "month") {
    const m = /^(\d{4})-(\d{2})$/.exec(key);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return null;
    return { key, startMs: Date.UTC(Number(m[1]), Number(m[2]) - 1, 1), endMs: Date.UTC(Number(m[1]), Number(m[2]), 1) };
  }
  const m = /^(\d{4})-W(\d{2})$/.exec(key);
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  const weeksInYear = (isoWeekOneStart(year + 1) - isoWeekOneStart(year)) / (7 * DAY_MS);
  if (week < 1 || week > weeksInYear) return null;
  const startMs = isoWeekOneStart(year) + (week - 1) * 7 * DAY_MS;
  return { key, startMs, endMs: startMs + 7 * DAY_MS };
}

/** The key of the period holding nowMs. */
export function periodKeyAt(period: AnalyticsPeriod, nowMs: number): string {
  const iso = new Date(nowMs).toISOString();
  if (period === "day") return iso.slice(0, 10);
  if (period === "month") return iso.slice(0, 7);
  // The ISO year is the year of the week's Thursday.
  const monday = nowMs - ((new Date(nowMs).getUTCDay() + 6) % 7) * DAY_MS - (nowMs % DAY_MS);
  const year = new Date(monday + 3 * DAY_MS).getUTCFullYear();
  const week = Math.floor((monday - isoWeekOneStart(year)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}
