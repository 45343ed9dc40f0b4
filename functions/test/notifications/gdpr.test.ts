import assert from "node:assert/strict";
import { deleteMyAccount, exportMyData } from "../../src/gdpr/callables.js";
import { db } from "../../src/kernel/app.js";
import { Collections } from "../../src/kernel/collections.js";
import { setNotificationPreferences } from "../../src/notifications/callables.js";
import { deliverNotification } from "../../src/notifications/delivery.js";
import { runFanoutPage, startGoLiveFanout } from "../../src/notifications/fanout.js";
import { notify } from "../../src/notifications/notify.js";
import { callInProcess } from "../support/callables.js";
import { allPaths } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser } from "../support/users.js";

describe("notifications: GDPR export and deletion", () => {
  useCleanStack();

  it("exports the preferences with the inbox, and deletion removes preferences, inbox, outbox records, windows and the user's go-live fan-outs", async () => {
    const subject = await createTestUser();
    const other = await createTestUser();
    for (const uid of [subject.uid, other.uid]) await db().collection(Collections.users).doc(uid).set({ uid, displayName: uid });
    await callInProcess(setNotificationPreferences, { user: subject, data: { types: { follow: { push: false } } } });
    const gift = { type: "gift-received" as const, data: { senderName: "Mia", giftName: "Rose" }, actorUid: other.uid };
    const delivered = await notify({ recipient: subject.uid, ...gift, dedupeKey: "gift:1" });
    await deliverNotification(delivered.id);
    await notify({ recipient: subject.uid, type: "level-up", data: { level: 2 }, dedupeKey: "level:2" });
    const kept = await notify({ recipient: other.uid, ...gift, actorUid: subject.uid, dedupeKey: "gift:2" });
    // The subject went live once: the fan-out record (with its page) names them as the host.
    const { fanoutId } = await startGoLiveFanout({ id: "stream-gdpr", hostUid: subject.uid, hostName: "Sub" });
    await runFanoutPage({ fanoutId, page: 0 });

    const { bundle } = await callInProcess(exportMyData, { user: subject });
    const prefs = bundle.private.find((doc) => doc.id === "notificationPrefs");
    assert.deepEqual(prefs?.types, { follow: { push: false } });
    assert.equal(bundle.notifications.length, 1);

    const result = await callInProcess(deleteMyAccount, { user: subject, data: { confirm: "DELETE" } });
    assert.equal(result.status, "done");
    const paths = await allPaths();
    assert.deepEqual(
      paths.filter((path) => path.startsWith(`users/${subject.uid}/`)),
      [],
    );
    assert.deepEqual(
      paths.filter((path) => path.startsWith(`${Collections.notificationOutbox}/`)),
      [`${Collections.notificationOutbox}/${kept.id}`],
      "only the other user's record remains",
    );
    assert.deepEqual(
      paths.filter((path) => path.startsWith(`${Collections.notificationWindows}/`)),
      [],
    );
    assert.deepEqual(
      paths.filter((path) => path.startsWith(`${Collections.notificationFanouts}/`)),
      [],
      "the fan-out and its pages are gone",
    );
  });
});
