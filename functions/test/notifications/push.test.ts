import assert from "node:assert/strict";
import { db, firestoreValues } from "../../src/kernel/app.js";
import { pushToUser, removeDeadToken, sendToDevices } from "../../src/notifications/push.js";
import type { PushMessage } from "../../src/notifications/schema.js";
import { markUnregistered, pushedMessages, pushedTo } from "../support/delivery.js";
import { useCleanStack } from "../support/stack.js";

const message: PushMessage = {
  title: "Luna is live",
  body: "Join now",
  deepLink: "app://streams/s1",
  data: { streamId: "s1" },
  priority: "high",
  collapseKey: "live-s1",
  badge: 3,
};

const deviceRef = (uid: string, deviceId: string) => db().doc(`users/${uid}/devices/${deviceId}`);

async function addDevice(uid: string, deviceId: string, fcmToken: string | null) {
  const { FieldValue } = firestoreValues();
  await deviceRef(uid, deviceId).set({ deviceId, platform: "android", appVersion: "1.0.0", fcmToken, lastSeenAt: FieldValue.serverTimestamp() });
}

describe("notifications: push through the FCM stand-in (real Admin SDK path)", () => {
  useCleanStack();

  it("sends one message per device with a token, with Android and APNs options and the deep link in data", async () => {
    await addDevice("u1", "phone", "token-u1-phone");
    await addDevice("u1", "tablet", "token-u1-tablet");
    await addDevice("u1", "old", null);

    const outcome = await pushToUser("u1", message);

    assert.deepEqual(outcome, { devices: 2, sent: 2, pruned: 0, failed: 0 });
    const [sent] = await pushedTo("token-u1-phone");
    assert.equal((await pushedTo("token-u1-tablet")).length, 1);
    assert.deepEqual(sent?.message.notification, { title: "Luna is live", body: "Join now" });
    assert.deepEqual(sent?.message.data, { streamId: "s1", deepLink: "app://streams/s1" });
    assert.deepEqual(sent?.message.android, { priority: "high", collapse_key: "live-s1", notification: { tag: "live-s1" } });
    assert.deepEqual(sent?.message.apns, { headers: { "apns-priority": "10", "apns-collapse-id": "live-s1" }, payload: { aps: { badge: 3 } } });
    assert.equal((await pushedMessages()).length, 2);
  });

  it("removes a token answered UNREGISTERED at once and keeps the device's other fields and the other devices", async () => {
    await addDevice("u2", "phone", "token-u2-phone");
    await addDevice("u2", "tablet", "token-u2-tablet");
    await markUnregistered("token-u2-phone");

    const outcome = await pushToUser("u2", message);

    assert.deepEqual(outcome, { devices: 2, sent: 1, pruned: 1, failed: 0 });
    const phone = (await deviceRef("u2", "phone").get()).data();
    assert.equal(phone?.fcmToken, null);
    assert.equal(phone?.platform, "android");
    assert.equal((await deviceRef("u2", "tablet").get()).get("fcmToken"), "token-u2-tablet");
    // The next push no longer tries the dead token.
    assert.deepEqual(await pushToUser("u2", message), { devices: 1, sent: 1, pruned: 0, failed: 0 });
  });

  it("removes a token FCM refuses as INVALID_ARGUMENT (malformed)", async () => {
    await addDevice("u3", "phone", "not a token!");
    const outcome = await pushToUser("u3", message);
    assert.deepEqual(outcome, { devices: 1, sent: 0, pruned: 1, failed: 0 });
    assert.equal((await deviceRef("u3", "phone").get()).get("fcmToken"), null);
  });

  it("does not remove a token the device replaced after the send was prepared", async () => {
    await addDevice("u4", "phone", "token-u4-new");
    assert.equal(await removeDeadToken({ ref: deviceRef("u4", "phone"), token: "token-u4-old" }), false);
    assert.equal((await deviceRef("u4", "phone").get()).get("fcmToken"), "token-u4-new");
  });

  it("sends to more than 500 devices in batches sendEach accepts", async function () {
    this.timeout(60_000);
    const writer = db().bulkWriter();
    const devices = Array.from({ length: 501 }, (_, index) => {
      const ref = deviceRef("u5", `d${index}`);
      void writer.set(ref, { fcmToken: `token-u5-${index}` });
      return { ref, token: `token-u5-${index}` };
    });
    await writer.close();
    const outcome = await sendToDevices(devices, message);
    assert.deepEqual(outcome, { devices: 501, sent: 501, pruned: 0, failed: 0 });
    assert.equal(new Set((await pushedMessages()).map((sent) => sent.deliveredTo[0])).size, 501);
  });
});
