/** Reading what domains queued for the notifications pipeline (notificationOutbox). */
import { db } from "../../src/kernel/app.js";
import { Collections } from "../../src/kernel/collections.js";
import type { NotificationType, OutboxRecord } from "../../src/notifications/schema.js";

/** The outbox records queued for `uid` of one type, oldest first. */
export async function queuedFor(uid: string, type: NotificationType): Promise<OutboxRecord[]> {
  const snapshot = await db().collection(Collections.notificationOutbox).where("recipient", "==", uid).where("type", "==", type).get();
  return snapshot.docs.map((doc) => doc.data() as OutboxRecord).sort((a, b) => a.createdAt.toMillis() - b.createdAt.toMillis());
}
