/**
 * Webhook deliveries: every authenticated, well-formed delivery is recorded in
 * webhookEvents/{provider}:{eventId} with its outcome. A delivery already processed or ignored is
 * acknowledged without running again (a cheap first line); correctness under concurrent redeliveries
 * comes from the ledger keys (store transaction id, Checkout Session id, refund/dispute id), not from
 * this record.
 */
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";

export type PaymentProvider = "revenuecat" | "stripe";
export type DeliveryStatus = "processed" | "ignored" | "failed";

/** Thrown by a handler (also from inside a ledger transaction, which it aborts) to acknowledge an event without acting. */
export class IgnoredEvent extends Error {
  constructor(
    readonly reason: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(`ignored: ${reason}`);
  }
}

export interface HandledEvent {
  status: "processed" | "ignored";
  reason?: string;
  details?: Record<string, unknown>;
}

export interface DeliveryOutcome extends Omit<HandledEvent, "status"> {
  status: DeliveryStatus;
  /** True when an earlier delivery of this event id had already been processed or ignored. */
  duplicate: boolean;
}

export function webhookEventRef(provider: PaymentProvider, eventId: string) {
  return db().collection(Collections.webhookEvents).doc(`${provider}:${eventId}`);
}

const FINAL: ReadonlySet<string> = new Set(["processed", "ignored"]);

/**
 * Records an outcome. A final outcome is a plain merge (no contention between concurrent deliveries);
 * a failure is written in a transaction so that it never overwrites a final outcome recorded meanwhile.
 */
async function record(
  provider: PaymentProvider,
  eventId: string,
  type: string,
  outcome: Omit<DeliveryOutcome, "duplicate"> & { error?: string },
  firstSeen: boolean,
) {
  const { FieldValue } = firestoreValues();
  const ref = webhookEventRef(provider, eventId);
  const now = FieldValue.serverTimestamp();
  const fields = {
    provider,
    eventId,
    type,
    status: outcome.status,
    reason: outcome.reason ?? null,
    details: outcome.details ?? {},
    error: outcome.error ?? null,
    ...(firstSeen ? { receivedAt: now } : {}),
    ...(outcome.status === "failed" ? {} : { completedAt: now }),
    deliveries: FieldValue.increment(1),
    lastReceivedAt: now,
  };
  if (outcome.status !== "failed") {
    await ref.set(fields, { merge: true });
    return;
  }
  await runTransaction(async (tx) => {
    const existing = await tx.get(ref);
    if (existing.exists && FINAL.has(existing.get("status"))) tx.update(ref, { deliveries: FieldValue.increment(1), lastReceivedAt: now });
    else tx.set(ref, { ...fields, ...(existing.exists ? {} : { receivedAt: now }) }, { merge: true });
  });
}

/**
 * Runs `handle` for a delivery unless the event already reached a final outcome, and records the
 * result. Unexpected errors become status "failed" (the caller answers 5xx so the provider retries).
 */
export async function processDelivery(
  provider: PaymentProvider,
  eventId: string,
  type: string,
  handle: () => Promise<HandledEvent>,
): Promise<DeliveryOutcome> {
  const previous = await webhookEventRef(provider, eventId).get();
  if (previous.exists && FINAL.has(previous.get("status"))) {
    const { FieldValue } = firestoreValues();
    await webhookEventRef(provider, eventId).update({ deliveries: FieldValue.increment(1), lastReceivedAt: FieldValue.serverTimestamp() });
    return { status: previous.get("status"), reason: previous.get("reason") ?? undefined, duplicate: true };
  }

  let outcome: HandledEvent;
  try {
    outcome = await handle();
  } catch (err) {
    if (err instanceof IgnoredEvent) {
      outcome = { status: "ignored", reason: err.reason, details: err.details };
    } else {
      const error = err instanceof Error ? err.message : String(err);
      log.error("webhook processing failed", { provider, eventId, type, error: err instanceof Error ? err.stack : error });
      await record(provider, eventId, type, { status: "failed", error: error.slice(0, 500) }, !previous.exists).catch((recordErr) =>
        log.error("could not record a failed webhook delivery", { provider, eventId, error: String(recordErr) }),
      );
      return { status: "failed", duplicate: false };
    }
  }
  await record(provider, eventId, type, outcome, !previous.exists);
  log.info("webhook delivery", { provider, eventId, type, status: outcome.status, reason: outcome.reason });
  return { ...outcome, duplicate: false };
}
