/**
 * Topic subscriptions follow the devices and the profile: a device written or removed, or a profile
 * whose country or language changed, brings the tokens' topics in line (topics.ts syncDeviceTopics is
 * state-based, so a redelivered event is harmless).
 */
import { onDocumentUpdated, onDocumentWritten } from "firebase-functions/v2/firestore";
import { Collections, userRef } from "../kernel/collections.js";
import { REGION } from "../kernel/config.js";
import { syncDeviceTopics } from "./topics.js";

export const syncDeviceTopicsOnWrite = onDocumentWritten(
  { document: `${Collections.users}/{uid}/${Collections.devices}/{deviceId}`, region: REGION },
  async (event) => {
    const removed = event.data?.after.exists ? undefined : event.data?.before.data();
    await syncDeviceTopics(event.params.uid, event.params.deviceId, removed);
  },
);

export const syncDeviceTopicsOnProfileChange = onDocumentUpdated({ document: `${Collections.users}/{uid}`, region: REGION }, async (event) => {
  const before = event.data?.before;
  const after = event.data?.after;
  if (before?.get("country") === after?.get("country") && before?.get("language") === after?.get("language")) return;
  const devices = await userRef(event.params.uid).collection(Collections.devices).select().get();
  for (const device of devices.docs) await syncDeviceTopics(event.params.uid, device.id);
});
