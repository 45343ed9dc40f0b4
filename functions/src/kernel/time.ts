/**
 * A stored instant as epoch milliseconds: a Firestore Timestamp (anything with toMillis()), a Date or a
 * finite number of ms; null for anything else (absent, malformed), so callers decide what missing means.
 */
export function millisOf(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  const toMillis = (value as { toMillis?: unknown } | null | undefined)?.toMillis;
  return typeof toMillis === "function" ? (toMillis.call(value) as number) : null;
}
