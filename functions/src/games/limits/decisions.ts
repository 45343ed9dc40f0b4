/**
 * The pure rules of the responsible limits. A player may cut their daily loss limit at once but raise or
 * remove it only 24 h after asking (time to cool off); a self-exclusion runs its whole term and is only
 * ever extended; a stake is refused while excluded or when it would take the day's net loss past the limit.
 */
import { LIMIT_RAISE_DELAY_MS, type LimitsRefusal } from "./schema.js";

const DAY_MS = 86_400_000;

export interface PlayerLimits {
  dailyLossLimit: number | null;
  pendingDailyLossLimit: { value: number | null; effectiveAt: number } | null;
  /** until null: permanent. */
  selfExclusion: { since: number; until: number | null } | null;
}

export const NO_LIMITS: PlayerLimits = { dailyLossLimit: null, pendingDailyLossLimit: null, selfExclusion: null };

/** The UTC day of `ms` ("2026-01-31"): the period of the daily loss limit. */
export function gameDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The limits in force at `now`: a pending raise whose time has come applies, an ended exclusion is gone. */
export function limitsAt(limits: PlayerLimits, now: number): PlayerLimits {
  const pending = limits.pendingDailyLossLimit;
  const raised = pending !== null && pending.effectiveAt <= now;
  const exclusion = limits.selfExclusion;
  const excluded = exclusion !== null && (exclusion.until === null || exclusion.until > now);
  return {
    dailyLossLimit: raised ? pending.value : limits.dailyLossLimit,
    pendingDailyLossLimit: raised ? null : pending,
    selfExclusion: excluded ? exclusion : null,
  };
}

/** Whether `requested` is at most `current` (null: no limit, the highest). */
function isNoHigher(requested: number | null, current: number | null): boolean {
  if (current === null) return true;
  return requested !== null && requested <= current;
}

/** A cut (or the same limit) applies now and cancels a pending raise; a raise waits 24 h (asking again does not restart it). */
export function changeDailyLossLimit(limits: PlayerLimits, requested: number | null, now: number): PlayerLimits {
  const current = limitsAt(limits, now);
  if (isNoHigher(requested, current.dailyLossLimit)) return { ...current, dailyLossLimit: requested, pendingDailyLossLimit: null };
  if (current.pendingDailyLossLimit?.value === requested) return current;
  return { ...current, pendingDailyLossLimit: { value: requested, effectiveAt: now + LIMIT_RAISE_DELAY_MS } };
}

/** Excludes from `now` for `days` (or permanently); an exclusion in force is only ever lengthened. */
export function selfExclude(limits: PlayerLimits, days: number | "permanent", now: number): PlayerLimits {
  const current = limitsAt(limits, now);
  const requestedUntil = days === "permanent" ? null : now + days * DAY_MS;
  const existing = current.selfExclusion;
  if (existing === null) return { ...current, selfExclusion: { since: now, until: requestedUntil } };
  const until = existing.until === null || requestedUntil === null ? null : Math.max(existing.until, requestedUntil);
  return { ...current, selfExclusion: { since: existing.since, until } };
}

/** Why a stake of `amount` is refused at `now` given the day's net loss so far, or null when it may go ahead. */
export function stakeRefusal(limits: PlayerLimits, netLossToday: number, amount: number, now: number): LimitsRefusal | null {
  const current = limitsAt(limits, now);
  if (current.selfExclusion !== null) return "self-excluded";
  if (current.dailyLossLimit !== null && netLossToday + amount > current.dailyLossLimit) return "daily-loss-limit";
  return null;
}
