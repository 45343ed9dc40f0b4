/** Dead letters: outbox records whose retries ran out, listed for admins and retried by hand (audited). */
import type { DocumentSnapshot, Timestamp } from "firebase-admin/firestore";
import { firestoreValues } from "../kernel/app.js";
import { recordAudit } from "../kernel/audit.js";
import { pageByTime } from "../kernel/cursor.js";
import { refuse } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { runTransaction } from "../kernel/transactions.js";
import { deliverNotification } from "./delivery.js";
import type {
  Channel,
  DeadNotification,
  ListDeadNotificationsRequest,
  ListDeadNotificationsResponse,
  NotificationRefusal,
  NotificationType,
  RetryDeadNotificationRequest,
  RetryDeadNotificationResponse,
} from "./schema.js";
import { outboxCollection, outboxRef } from "./store.js";

const isoOf = (value: unknown) => (value as Timestamp | undefined)?.toDate?.().toISOString() ?? null;

function deadNotification(doc: DocumentSnapshot): DeadNotification {
  return {
    id: doc.id,
    recipient: doc.get("recipient") as string,
    type: doc.get("type") as NotificationType,
    attempts: (doc.get("attempts") as number | undefined) ?? 0,
    lastError: (doc.get("lastError") as string | null | undefined) ?? null,
    channels: (doc.get("channels") as Partial<Record<Channel, string>> | undefined) ?? {},
    createdAt: isoOf(doc.get("createdAt")),
    deadAt: isoOf(doc.get("deadAt")),
  };
}

export async function listDeadNotifications(request: ListDeadNotificationsRequest): Promise<ListDeadNotificationsResponse> {
  const { docs, nextCursor } = await pageByTime(outboxCollection().where("status", "==", "dead"), "deadAt", request);
  return { items: docs.map(deadNotification), nextCursor };
}

/** Gives a dead record a fresh set of attempts and delivers it now; channels already sent stay sent. */
export async function retryDeadNotification(caller: Caller, request: RetryDeadNotificationRequest): Promise<RetryDeadNotificationResponse> {
  const { FieldValue } = firestoreValues();
  await runTransaction(async (tx) => {
    const snap = await tx.get(outboxRef(request.id));
    if (!snap.exists) refuse<NotificationRefusal>("not-found", "notification-not-found", "No such notification.");
    if (snap.get("status") !== "dead")
      refuse<NotificationRefusal>("failed-precondition", "not-dead", "Only a dead notification can be retried.", { status: snap.get("status") });
    tx.update(snap.ref, {
      status: "failed",
      attempts: 0,
      nextAttemptAt: null,
      leaseOwner: null,
      leaseUntil: null,
      updatedAt: FieldValue.serverTimestamp(),
    });
    recordAudit(tx, {
      action: "notifications.retryDead",
      actorUid: caller.uid,
      targetUid: snap.get("recipient") as string,
      reason: request.reason,
      before: { status: "dead", attempts: snap.get("attempts") ?? 0, lastError: snap.get("lastError") ?? null },
      after: { status: "failed", attempts: 0 },
      details: { outboxId: request.id, type: snap.get("type") },
    });
  });
  const result = await deliverNotification(request.id, Date.now(), { force: true });
  return { id: request.id, outcome: result.outcome, channels: result.channels ?? {} };
}
