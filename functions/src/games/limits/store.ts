/** The limits as stored on gamePlayers/{uid} (instants as Timestamps) and the per-day loss counters below it. */
import type { DocumentData, DocumentReference, DocumentSnapshot } from "firebase-admin/firestore";
import { firestoreValues } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import { millisOf } from "../../kernel/fields.js";
import { gamePlayerRef } from "../fairness/store.js";
import type { PlayerLimits } from "./decisions.js";

/** Day counters outlive their day for a month (history, support questions), then TTL removes them. */
const LOSS_DAY_RETENTION_MS = 31 * 86_400_000;

/** gamePlayers/{uid}/lossDays/{day}: { netLoss, expiresAt }. */
export const lossDayRef = (uid: string, day: string): DocumentReference => gamePlayerRef(uid).collection(Collections.gameLossDays).doc(day);

const limitOf = (value: unknown): number | null => (typeof value === "number" ? value : null);

export function limitsFromSnapshot(snapshot: DocumentSnapshot): PlayerLimits {
  const pending = snapshot.get("pendingDailyLossLimit") as { value?: unknown; effectiveAt?: unknown } | null | undefined;
  const pendingAt = millisOf(pending?.effectiveAt);
  const exclusion = snapshot.get("selfExclusion") as { since?: unknown; until?: unknown } | null | undefined;
  const since = millisOf(exclusion?.since);
  return {
    dailyLossLimit: limitOf(snapshot.get("dailyLossLimit")),
    pendingDailyLossLimit: pending && pendingAt !== null ? { value: limitOf(pending.value), effectiveAt: pendingAt } : null,
    selfExclusion: exclusion && since !== null ? { since, until: millisOf(exclusion.until) } : null,
  };
}

export function limitsData(limits: PlayerLimits): DocumentData {
  const { Timestamp } = firestoreValues();
  const at = (ms: number) => Timestamp.fromMillis(ms);
  const pending = limits.pendingDailyLossLimit;
  const exclusion = limits.selfExclusion;
  return {
    dailyLossLimit: limits.dailyLossLimit,
    pendingDailyLossLimit: pending ? { value: pending.value, effectiveAt: at(pending.effectiveAt) } : null,
    selfExclusion: exclusion ? { since: at(exclusion.since), until: exclusion.until === null ? null : at(exclusion.until) } : null,
  };
}

export function lossDayData(netLossChange: number, day: string): DocumentData {
  const { FieldValue, Timestamp } = firestoreValues();
  return { netLoss: FieldValue.increment(netLossChange), expiresAt: Timestamp.fromMillis(Date.parse(`${day}T00:00:00Z`) + LOSS_DAY_RETENTION_MS) };
}
