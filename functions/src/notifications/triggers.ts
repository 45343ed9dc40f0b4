/**
 * Delivery starts when notify() writes an outbox record; the record's lease makes a duplicate event
 * harmless. Topic subscriptions follow the devices and the profile: a device written or removed, or a
 * profile whose country or language changed, brings the tokens' topics in line (topics.ts
 * syncDeviceTopics is state-based, so a redelivered event is harmless).
 */
import { onDocumentCreated, onDocumentUpdated, onDocumentWritten } from "firebase-functions/v2/firestore";
import { Collections, userRef } from "../kernel/collections.js";
import { REGION, UPSTASH_REDIS_REST_TOKEN } from "../kernel/config.js";
import { log } from "../kernel/logger.js";
import { deliverNotification } from "./delivery.js";
import { SMTP_PASSWORD } from "./mail.js";
import { syncDeviceTopics } from "./topics.js";

export const onNotificationQueued = onDocumentCreated(
  { document: `${Collections.notificationOutbox}/{outboxId}`, region: REGION, secrets: [SMTP_PASSWORD, UPSTASH_REDIS_REST_TOKEN] },
  async (event) => {
    const result = await deliverNotification(event.params.outboxId);
    log.info("notification delivery", { outboxId: event.params.outboxId, eventId: event.id, ...result });
  },
);

export const syncDeviceTopicsOnWrite = onDocumentWritten(
  { document: `${Collections.users}/{uid}/${Collections.devices}/{deviceId}`, region: REGION, secrets: [UPSTASH_REDIS_REST_TOKEN] },
  async (event) => {
    const removed = event.data?.after.exists ? undefined : event.data?.before.data();
    await syncDeviceTopics(event.params.uid, event.params.deviceId, removed);
  },
);

export const syncDeviceTopicsOnProfileChange = onDocumentUpdated(
  { document: `${Collections.users}/{uid}`, region: REGION, secrets: [UPSTASH_REDIS_REST_TOKEN] },
  async (event) => {
    const before = event.data?.before;
    const after = event.data?.after;
    const unchanged = (field: string) => JSON.stringify(before?.get(field) ?? null) === JSON.stringify(after?.get(field) ?? null);
    if (unchanged("country") && unchanged("language") && unchanged("roles")) return;
    const devices = await userRef(event.params.uid).collection(Collections.devices).select().get();
    for (const device of devices.docs) await syncDeviceTopics(event.params.uid, device.id);
  },
);
