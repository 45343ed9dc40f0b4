/**
 * The one entry point every domain calls: notify() writes an outbox record and returns. Delivery (inbox,
 * push, e-mail) happens later from that record, so a domain never waits on FCM or SMTP, and the record's
 * id derives from (recipient, type, dedupe key), so a retried event or a duplicate trigger notifies once.
 */
import { createHash } from "node:crypto";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { isAlreadyExists } from "../kernel/transactions.js";
import { type NotifyInput, NotifyInputSchema, type OutboxRecord } from "./outbox.js";

/** The outbox id of one notification: the same event for the same recipient always maps to one record. */
export function outboxIdFor(recipient: string, type: string, dedupeKey: string): string {
  return createHash("sha256").update(`${recipient}\n${type}\n${dedupeKey}`).digest("hex").slice(0, 40);
}

export const outboxRef = (id: string) => db().collection(Collections.notificationOutbox).doc(id);

function outboxRecord(input: NotifyInput): Omit<OutboxRecord, "createdAt"> & { createdAt: unknown } {
  return {
    ...input,
    createdAt: firestoreValues().FieldValue.serverTimestamp(),
    status: "pending",
    attempts: 0,
    lastError: null,
    nextAttemptAt: null,
    channels: {},
  };
}

/**
 * Queues one notification. Returns the outbox id and whether this call created it (false: this event
 * was already queued for this recipient). A malformed input is a programming error and throws.
 */
export async function notify(input: NotifyInput): Promise<{ id: string; created: boolean }> {
  const parsed = NotifyInputSchema.parse(input);
  const id = outboxIdFor(parsed.recipient, parsed.type, parsed.dedupeKey);
  try {
    await outboxRef(id).create(outboxRecord(parsed));
    return { id, created: true };
  } catch (err) {
    if (isAlreadyExists(err)) return { id, created: false };
    throw err;
  }
}
