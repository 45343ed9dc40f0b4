/**
 * Stored fields read defensively: a document written by older code, by hand or by another domain may lack
 * a field or hold another type, and a read must not turn that into NaN or an exception.
 */

/** A stored count or amount: the number, or 0 when absent or not a number. */
export function numberOf(value: unknown): number {
  return typeof value === "number" ? value : 0;
}

/**
 * A stored instant as epoch milliseconds: a Firestore Timestamp (anything with toMillis()) or a Date; null
 * for anything else, a raw number included (instants are stored as Timestamps, so a number there is a
 * malformed document), and callers decide what missing means.
 */
export function millisOf(value: unknown): number | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  const toMillis = (value as { toMillis?: unknown } | null | undefined)?.toMillis;
  return typeof toMillis === "function" ? (toMillis.call(value) as number) : null;
}

/** A stored instant as an ISO 8601 string (for responses), or null, on millisOf's terms. */
export function isoOf(value: unknown): string | null {
  const ms = millisOf(value);
  return ms === null ? null : new Date(ms).toISOString();
}
