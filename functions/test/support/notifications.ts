/** Reading what domains queued for the notifications pipeline (notificationOutbox). */
import { db } from "../../src/kernel/app.js";
import { Collections } from "../../src/kernel/collections.js";
import type { NotificationType, OutboxRecord } from "../../src/notifications/schema.js";
import { renderNotification } from "../../src/notifications/templates.js";

const LANGUAGES = ["en", "ar", "hi"];

/**
 * The outbox records queued for `uid` of one type, oldest first. Each one is rendered in every language
 * on the way (renderNotification throws on a missing placeholder), so a domain that queues data its
 * template cannot fill fails its own test instead of dead-lettering in delivery.
 */
export async function queuedFor(uid: string, type: NotificationType): Promise<OutboxRecord[]> {
  const snapshot = await db().collection(Collections.notificationOutbox).where("recipient", "==", uid).where("type", "==", type).get();
  const records = snapshot.docs.map((doc) => doc.data() as OutboxRecord).sort((a, b) => a.createdAt.toMillis() - b.createdAt.toMillis());
  for (const record of records) for (const language of LANGUAGES) renderNotification(record.type, language, record.data);
  return records;
}
