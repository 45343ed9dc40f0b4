/**
 * The pure arithmetic of agency pay: salary periods (UTC, with a cut-off hour), the commission tier, and
 * the salary rule with sub-agencies. All amounts are integer diamonds; each term is rounded down.
 */
import type { CommissionTier } from "./config.js";

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export interface Period {
  key: string;
  startMs: number;
  endMs: number;
}

export interface PeriodRule {
  period: "weekly" | "monthly";
  cutoffHourUtc: number;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Monday 00:00 UTC of ISO week 1 of `year` (the week with January 4th). */
function isoWeekOneMonday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  return jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
}

/** The period containing the instant `ms`. */
export function periodAt(ms: number, rule: PeriodRule): Period {
  const cutoffMs = rule.cutoffHourUtc * 3_600_000;
  const shifted = new Date(ms - cutoffMs);
  if (rule.period === "monthly") {
    return periodOf(`${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}`, rule) as Period;
  }
  const midnight = Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth(), shifted.getUTCDate());
  const monday = midnight - ((shifted.getUTCDay() + 6) % 7) * DAY_MS;
  const year = new Date(monday + 3 * DAY_MS).getUTCFullYear();
  const week = Math.floor((monday - isoWeekOneMonday(year)) / WEEK_MS) + 1;
  return { key: `${year}-W${pad(week)}`, startMs: monday + cutoffMs, endMs: monday + WEEK_MS + cutoffMs };
}

/** The period a key names under `rule`, or null when the key is of the other kind or out of range. */
export function periodOf(key: string, rule: PeriodRule): Period | null {
  const cutoffMs = rule.cutoffHourUtc * 3_600_000;
  const monthly = /^(\d{4})-(\d{2})$/.exec(key);
  if (rule.period === "monthly") {
    if (!monthly) return null;
    const [year, month] = [Number(monthly[1]), Number(monthly[2])];
    if (month < 1 || month > 12) return null;
    return { key, startMs: Date.UTC(year, month - 1, 1) + cutoffMs, endMs: Date.UTC(year, month, 1) + cutoffMs };
  }
  const weekly = /^(\d{4})-W(\d{2})$/.exec(key);
  if (!weekly) return null;
  const [year, week] = [Number(weekly[1]), Number(weekly[2])];
  const startMs = isoWeekOneMonday(year) + (week - 1) * WEEK_MS + cutoffMs;
  // Week 53 exists only in some years: the key must round-trip.
  if (week < 1 || periodAt(startMs, rule).key !== key) return null;
  return { key, startMs, endMs: startMs + WEEK_MS };
}

/** The period before the one containing `ms`. */
export const previousPeriod = (ms: number, rule: PeriodRule): Period => periodAt(periodAt(ms, rule).startMs - 1, rule);

/** The ratio of the highest tier whose minVolume the volume reaches (0 below every tier). */
export function tierRatio(volume: number, tiers: readonly CommissionTier[]): number {
  let best: CommissionTier | null = null;
  for (const tier of tiers) if (volume >= tier.minVolume && (!best || tier.minVolume >= best.minVolume)) best = tier;
  return best?.ratioBps ?? 0;
}

export const shareOfBps = (amount: number, bps: number): number => Math.floor((amount * bps) / 10_000);

/**
 * The agency's salary: own hosts' earnings × agency ratio + (agency ratio − sub-agent ratio) × each
 * sub-agency's hosts' earnings. A sub-agent whose ratio exceeds the agency's (the agency fell to a lower
 * tier) leaves the agency nothing on its hosts, never a negative amount.
 */
export function agencySalary(ownEarnings: number, ratioBps: number, subAgencies: readonly { earnings: number; ratioBps: number }[]): number {
  let salary = shareOfBps(ownEarnings, ratioBps);
  for (const sub of subAgencies) salary += shareOfBps(sub.earnings, Math.max(0, ratioBps - sub.ratioBps));
  return salary;
}

/** A sub-agency's salary: its hosts' earnings × its own ratio. */
export const subAgencySalary = (earnings: number, ratioBps: number): number => shareOfBps(earnings, ratioBps);

/**
 * What a payee is paid for a period: its salary less the per-gift shares the same gifts already
 * credited to it (those are an advance on the salary), never negative (an advance is not clawed back).
 */
export const payoutAfterAdvances = (salary: number, giftShares: number): number => Math.max(0, salary - giftShares);
