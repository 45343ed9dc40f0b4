/**
 * Gift streaks: consecutive sends of one gift from one sender to one recipient, each within the window of
 * the previous one. The counter lives on giftStreaks/{sender}__{recipient}__{gift} and moves inside the
 * gift's ledger transaction: exactly once per transaction (a replayed request returns the stored result
 * and writes nothing), and only the sender's own sends write it. The count is also recorded on the ledger
 * transaction (meta.streak) and in the venue's feed event (k), so rankings can reward streaks from the
 * ledger alone.
 */
import { numberOf } from "../kernel/fields.js";

export interface StoredStreak {
  count: number;
  best: number;
  lastAtMs: number;
}

/** The streak after a send at nowMs, given what giftStreaks stored (undefined when never sent). */
export function nextStreak(previous: Record<string, unknown> | undefined, nowMs: number, windowMs: number): StoredStreak {
  const count = numberOf(previous?.count);
  const lastAtMs = numberOf(previous?.lastAtMs);
  // A clock step backwards (another instance's clock) still counts as within the window.
  const continues = count > 0 && nowMs - lastAtMs <= windowMs;
  const next = continues ? count + 1 : 1;
  return { count: next, best: Math.max(numberOf(previous?.best), next), lastAtMs: Math.max(nowMs, lastAtMs) };
}
