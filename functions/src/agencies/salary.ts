/**
 * The pure arithmetic of agency pay: salary periods (UTC, with a cut-off hour), the commission tier, and
 * the salary rule with sub-agencies. All amounts are integer diamonds; each term is rounded down.
 */
import { calendarPeriodAt, calendarPeriodOfKey, type PeriodRange } from "../kernel/periods.js";
import type { CommissionTier } from "./config.js";

export type Period = PeriodRange;

export interface PeriodRule {
  period: "weekly" | "monthly";
  cutoffHourUtc: number;
}

const kindOf = (rule: PeriodRule) => (rule.period === "weekly" ? "week" : "month");
const cutoffMs = (rule: PeriodRule) => rule.cutoffHourUtc * 3_600_000;

/** The period containing the instant `ms`. */
export const periodAt = (ms: number, rule: PeriodRule): Period => calendarPeriodAt(kindOf(rule), ms, cutoffMs(rule));

/** The period a key names under `rule`, or null when the key is of the other kind or out of range. */
export const periodOf = (key: string, rule: PeriodRule): Period | null => calendarPeriodOfKey(kindOf(rule), key, cutoffMs(rule));

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
