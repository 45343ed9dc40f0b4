/** Delivery starts when notify() writes an outbox record; the record's lease makes a duplicate event harmless. */
import { onDocumentCreated } from "firebase-functions/v2/firestore";
import { Collections } from "../kernel/collections.js";
import { REGION, UPSTASH_REDIS_REST_TOKEN } from "../kernel/config.js";
import { log } from "../kernel/logger.js";
import { deliverNotification } from "./delivery.js";
import { SMTP_PASSWORD } from "./mail.js";

export const onNotificationQueued = onDocumentCreated(
  { document: `${Collections.notificationOutbox}/{outboxId}`, region: REGION, secrets: [SMTP_PASSWORD, UPSTASH_REDIS_REST_TOKEN] },
  async (event) => {
    const result = await deliverNotification(event.params.outboxId);
    log.info("notification delivery", { outboxId: event.params.outboxId, eventId: event.id, ...result });
  },
);
