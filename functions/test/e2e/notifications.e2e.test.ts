/**
 * Notifications end to end on the functions emulator: an outbox record (what notify() writes) fires the
 * deployed onNotificationQueued trigger, which writes the inbox entry, pushes through the FCM stand-in
 * and mails through the SMTP catcher; the apps then read and clear their inbox over HTTP.
 */
import assert from "node:assert/strict";
import { Collections } from "../../src/kernel/collections.js";
import { outboxIdFor } from "../../src/notifications/notify.js";
import { callOverHttp } from "../support/callables.js";
import { caughtMail, pushedTo } from "../support/delivery.js";
import { callOk, signUp, useStackAdmin } from "../support/e2e.js";
import { waitUntil } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";

describe("e2e: a queued notification reaches the inbox, the phone and the mailbox once", function () {
  this.timeout(90_000);
  useCleanStack();
  const stack = useStackAdmin();

  it("a withdrawal-paid record is delivered on every channel by the deployed trigger; the inbox is read over HTTP", async () => {
    const user = await signUp(stack, "payee");
    const uid = user.localId;
    await stack.firestore.doc(`users/${uid}`).set({ language: "hi" }, { merge: true });
    await stack.firestore
      .doc(`users/${uid}/devices/phone`)
      .set({ deviceId: "phone", platform: "android", fcmToken: "tok-e2e-payee", lastSeenAt: new Date() });
    const record = { recipient: uid, type: "withdrawal-paid", data: { amount: "₹500", withdrawalId: "w-e2e" }, dedupeKey: "w-e2e:paid" };
    const id = outboxIdFor(record.recipient, record.type, record.dedupeKey);
    await stack.firestore
      .collection(Collections.notificationOutbox)
      .doc(id)
      .create({ ...record, createdAt: new Date(), status: "pending", attempts: 0, lastError: null, nextAttemptAt: null, channels: {} });

    const sent = await waitUntil(
      "the trigger delivers the record",
      async () => {
        const snap = await stack.firestore.collection(Collections.notificationOutbox).doc(id).get();
        return snap.get("status") === "sent" ? snap.data() : null;
      },
      60_000,
    );
    assert.deepEqual(sent.channels, { inbox: "sent", push: "sent", email: "sent" });
    const pushes = await pushedTo("tok-e2e-payee");
    assert.equal(pushes.length, 1);
    assert.deepEqual(pushes[0]?.message.notification, { title: "निकासी का भुगतान हुआ", body: "आपकी ₹500 की निकासी का भुगतान कर दिया गया है" });
    const mail = await caughtMail(user.email);
    assert.equal(mail.length, 1);
    assert.equal(mail[0]?.subject, "निकासी का भुगतान हुआ");

    const listed = await callOk<{ items: { id: string; read: boolean; deepLink: string }[]; unreadCount: number }>("listNotifications", {}, user);
    assert.deepEqual(
      listed.items.map((item) => [item.id, item.read, item.deepLink]),
      [[id, false, "app://wallet/withdrawals/w-e2e"]],
    );
    assert.equal(listed.unreadCount, 1);
    assert.deepEqual(await callOk("markNotificationsRead", { ids: [id] }, user), { changed: 1, unreadCount: 0 });
    const refused = await callOverHttp("markNotificationsRead", { ids: [] }, user.idToken);
    assert.equal(refused.status, 400);
  });
});
