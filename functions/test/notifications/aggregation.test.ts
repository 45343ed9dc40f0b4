import assert from "node:assert/strict";
import { db, firestoreValues } from "../../src/kernel/app.js";
import { Collections } from "../../src/kernel/collections.js";
import { clearConfigCaches } from "../../src/kernel/config-document.js";
import { pushWindowSummary } from "../../src/notifications/aggregation.js";
import { deliverNotification } from "../../src/notifications/delivery.js";
import { notificationWindowSummary } from "../../src/notifications/jobs.js";
import { notify } from "../../src/notifications/notify.js";
import { sweepOutbox } from "../../src/notifications/sweep.js";
import { pushedTo } from "../support/delivery.js";
import { docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";

const SECOND = 1000;
const WINDOW_SECONDS = 300;

async function recipientWithDevice(uid: string, token: string) {
  const { FieldValue } = firestoreValues();
  await db().collection(Collections.users).doc(uid).set({ uid, displayName: uid, language: "en" });
  await db()
    .doc(`users/${uid}/devices/phone`)
    .set({ deviceId: "phone", platform: "android", appVersion: "1.0.0", fcmToken: token, lastSeenAt: FieldValue.serverTimestamp() });
}

async function inbox(uid: string) {
  return (await db().collection(Collections.users).doc(uid).collection(Collections.notifications).get()).docs;
}

function gift(recipient: string, n: number) {
  return notify({
    recipient,
    type: "gift-received",
    data: { senderName: `Fan${n}`, giftName: "Rose" },
    dedupeKey: `gift-tx-${n}`,
    actorUid: `fan-${n}`,
  });
}

const outboxChannels = async (id: string) => (await docData(`${Collections.notificationOutbox}/${id}`))?.channels as Record<string, string>;

describe("notifications: gift aggregation and the push rate", () => {
  useCleanStack();
  afterEach(() => clearConfigCaches());

  it("13 gifts in one window: one push at once, one summary at the window's end, one inbox entry counting 13", async () => {
    await recipientWithDevice("host", "tok-host");
    const t0 = Date.now();
    const ids: string[] = [];
    for (let n = 1; n <= 13; n++) ids.push((await gift("host", n)).id);
    await deliverNotification(ids[0] as string, t0);
    // The other twelve arrive within the window, each delivered twice at once (a duplicate trigger).
    await Promise.all(
      ids.slice(1).flatMap((id, i) => [deliverNotification(id, t0 + (i + 1) * SECOND), deliverNotification(id, t0 + (i + 1) * SECOND)]),
    );

    const pushed = await pushedTo("tok-host");
    assert.equal(pushed.length, 1, "only the first gift pushes at once");
    assert.deepEqual(pushed[0]?.message.notification, { title: "You received a gift", body: "Fan1 sent you Rose" });
    assert.equal((await outboxChannels(ids[0] as string)).push, "sent");
    for (const id of ids.slice(1)) assert.equal((await outboxChannels(id)).push, "skipped:aggregated");

    // Counting wrote no shared document: one event record per gift, the window pointer untouched since it opened.
    const events = await db().collection(Collections.notificationWindowEvents).where("windowId", "==", ids[0]).get();
    assert.deepEqual(events.docs.map((doc) => doc.id).sort(), [...ids].sort());
    const during = await inbox("host");
    assert.equal(during.length, 1, "one inbox entry per window");
    assert.equal(during[0]?.id, ids[0]);
    // Deliveries refresh the entry at most every ENTRY_REFRESH_MS: within the burst it may lag; the summary makes it exact.
    const countDuring = during[0]?.get("aggregate.count") as number;
    assert.ok(countDuring >= 1 && countDuring <= 13, String(countDuring));

    const windowId = ids[0] as string;
    assert.equal((await pushWindowSummary("host", "gift-received", windowId, t0 + (WINDOW_SECONDS - 1) * SECOND)).outcome, "not-due");
    const [summary, duplicate] = await Promise.all([
      pushWindowSummary("host", "gift-received", windowId, t0 + (WINDOW_SECONDS + 1) * SECOND),
      pushWindowSummary("host", "gift-received", windowId, t0 + (WINDOW_SECONDS + 1) * SECOND),
    ]);
    // One of two racing summary tasks pushes; the other finds it held (leased) or already pushed.
    const outcomes = [summary.outcome, duplicate.outcome];
    assert.equal(outcomes.filter((outcome) => outcome === "pushed").length, 1, outcomes.join());
    assert.ok(
      outcomes.every((outcome) => ["pushed", "leased", "nothing-to-add"].includes(outcome)),
      outcomes.join(),
    );
    const entries = await inbox("host");
    assert.equal(entries.length, 1);
    const entry = entries[0];
    assert.equal(entry?.get("aggregate.count"), 13);
    assert.equal(entry?.get("title"), "You received gifts");
    assert.match(entry?.get("body"), /^Fan\d+ and 12 others sent you gifts$/);
    assert.equal((entry?.get("aggregate.actors") as unknown[] | undefined)?.length, 5, "the latest actors are kept");

    // The task itself, delivered again after the summary went out, adds nothing.
    await notificationWindowSummary.run({ data: { uid: "host", type: "gift-received", windowId } } as never);
    const all = await pushedTo("tok-host");
    assert.equal(all.length, 2, "one push now and one summary");
    assert.match(String((all[1]?.message.notification as { body?: string } | undefined)?.body), /^Fan\d+ and 12 others sent you gifts$/);

    // A gift after the window opens a new one and pushes at once.
    const late = await gift("host", 14);
    await deliverNotification(late.id, t0 + (WINDOW_SECONDS + 2) * SECOND);
    assert.equal((await pushedTo("tok-host")).length, 3);
    assert.equal((await inbox("host")).length, 2);
  });

  it("a summary whose task was lost is pushed by the sweep, once", async () => {
    await recipientWithDevice("lost", "tok-lost");
    const t0 = Date.now();
    for (let n = 1; n <= 3; n++) await deliverNotification((await gift("lost", n)).id, t0 + n * SECOND);
    assert.equal((await sweepOutbox(t0 + (WINDOW_SECONDS - 10) * SECOND)).summaries, undefined, "the window is still open");
    assert.equal((await sweepOutbox(t0 + (WINDOW_SECONDS + 10) * SECOND)).summaries, 1);
    assert.equal((await sweepOutbox(t0 + (WINDOW_SECONDS + 20) * SECOND)).summaries, undefined, "nothing is owed any more");
    const pushed = await pushedTo("tok-lost");
    assert.equal(pushed.length, 2);
    assert.match(String((pushed[1]?.message.notification as { body?: string } | undefined)?.body), /^Fan3 and 2 others sent you gifts$/);
  });

  it("a gift after a window whose summary never ran pushes that summary first, then its own", async () => {
    await recipientWithDevice("next", "tok-next");
    const t0 = Date.now();
    for (let n = 1; n <= 2; n++) await deliverNotification((await gift("next", n)).id, t0 + n * SECOND);
    await deliverNotification((await gift("next", 3)).id, t0 + (WINDOW_SECONDS + 5) * SECOND);
    const bodies = (await pushedTo("tok-next")).map((message) => (message.message.notification as { body?: string } | undefined)?.body);
    assert.deepEqual(bodies, ["Fan1 sent you Rose", "Fan2 and 1 other sent you gifts", "Fan3 sent you Rose"]);
    assert.equal((await sweepOutbox(t0 + (WINDOW_SECONDS + 10) * SECOND)).summaries, undefined);
  });

  it("a window with a single gift pushes no summary", async () => {
    await recipientWithDevice("solo", "tok-solo");
    const t0 = Date.now();
    const { id } = await gift("solo", 1);
    await deliverNotification(id, t0);
    assert.equal((await pushWindowSummary("solo", "gift-received", id, t0 + (WINDOW_SECONDS + 1) * SECOND)).outcome, "nothing-to-add");
    assert.equal((await pushedTo("tok-solo")).length, 1);
  });

  it("beyond the hourly push rate push is skipped and the inbox still gets it; critical notices are exempt", async () => {
    await db().collection(Collections.config).doc("notifications").set({ pushesPerHour: 2 });
    clearConfigCaches();
    await recipientWithDevice("busy", "tok-busy");
    const ids: string[] = [];
    for (let level = 1; level <= 3; level++) {
      const { id } = await notify({ recipient: "busy", type: "level-up", data: { level }, dedupeKey: `level:${level}` });
      await deliverNotification(id);
      ids.push(id);
    }
    assert.deepEqual(await Promise.all(ids.map(async (id) => (await outboxChannels(id)).push)), ["sent", "sent", "skipped:rate"]);
    assert.equal((await inbox("busy")).length, 3);
    const device = await notify({ recipient: "busy", type: "new-device", data: { deviceName: "Pixel 9" }, dedupeKey: "device:pixel" });
    await deliverNotification(device.id);
    assert.equal((await outboxChannels(device.id)).push, "sent");
    assert.equal((await pushedTo("tok-busy")).length, 3);
  });
});
