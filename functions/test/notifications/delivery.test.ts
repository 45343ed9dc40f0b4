import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { db } from "../../src/kernel/app.js";
import { Collections } from "../../src/kernel/collections.js";
import { clearConfigCaches } from "../../src/kernel/config-document.js";
import { retryDeadNotification } from "../../src/notifications/callables.js";
import { deliverNotification } from "../../src/notifications/delivery.js";
import { retryNotificationDelivery } from "../../src/notifications/jobs.js";
import { notify } from "../../src/notifications/notify.js";
import type { NotifyInput } from "../../src/notifications/schema.js";
import { sweepOutbox } from "../../src/notifications/sweep.js";
import { onNotificationQueued } from "../../src/notifications/triggers.js";
import { blockRef } from "../../src/social/store.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { deliverDocumentCreated } from "../support/triggers.js";
import { createTestUser } from "../support/users.js";

const SECOND = 1000;

async function profile(uid: string, fields: Record<string, unknown> = {}) {
  await db()
    .collection(Collections.users)
    .doc(uid)
    .set({ uid, displayName: uid, ...fields });
}

async function outbox(id: string) {
  return (await docData(`${Collections.notificationOutbox}/${id}`)) as Record<string, unknown> & {
    status: string;
    attempts: number;
    channels: Record<string, string>;
    nextAttemptAt: FirebaseFirestore.Timestamp | null;
    lastError: string | null;
  };
}

async function inbox(uid: string) {
  return (await db().collection(Collections.users).doc(uid).collection(Collections.notifications).get()).docs;
}

/** The created event of the record, as Firestore would deliver it (at least once). */
async function triggerFor(id: string, eventId: string = randomUUID()) {
  const data = (await docData(`${Collections.notificationOutbox}/${id}`)) ?? {};
  return deliverDocumentCreated(onNotificationQueued, `${Collections.notificationOutbox}/${id}`, data, eventId, { outboxId: id });
}

const follow = (recipient: string, actorUid = "fan-1"): NotifyInput => ({
  recipient,
  type: "follow",
  data: { followerName: "Mia", followerUid: actorUid },
  dedupeKey: `follow:${actorUid}`,
  actorUid,
});

/** Sets config/notifications; the cached copy is forgotten so the next delivery reads it. */
async function configure(fields: Record<string, unknown>) {
  await db().collection(Collections.config).doc("notifications").set(fields);
  clearConfigCaches();
}

/** Points e-mail at a closed port: every send throws, as with an SMTP server that is down. */
function withMailDown() {
  let saved: { host?: string; port?: string };
  beforeEach(() => {
    saved = { host: process.env.SMTP_HOST, port: process.env.SMTP_PORT };
    process.env.SMTP_HOST = "127.0.0.1";
    process.env.SMTP_PORT = "1";
  });
  afterEach(() => {
    for (const [key, value] of [
      ["SMTP_HOST", saved.host],
      ["SMTP_PORT", saved.port],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
}

describe("notifications: delivery pipeline", () => {
  useCleanStack();
  afterEach(() => clearConfigCaches());

  it("delivers one inbox entry, in the recipient's language, under duplicate trigger events in parallel and in sequence", async () => {
    await profile("rana", { language: "ar-EG" });
    const { id } = await notify(follow("rana"));
    await Promise.all([triggerFor(id, "evt-1"), triggerFor(id, "evt-1"), triggerFor(id, "evt-2")]);
    await triggerFor(id, "evt-1");
    await triggerFor(id, "evt-3");

    const entries = await inbox("rana");
    assert.equal(entries.length, 1);
    const entry = entries[0]?.data() ?? {};
    assert.equal(entries[0]?.id, id, "the inbox entry is named after its outbox record");
    assert.equal(entry.title, "متابع جديد");
    assert.equal(entry.body, "بدأ Mia بمتابعتك");
    assert.equal(entry.deepLink, "app://profile/fan-1");
    assert.equal(entry.read, false);
    assert.equal(entry.actorUid, "fan-1");
    const record = await outbox(id);
    assert.equal(record.status, "sent");
    assert.equal(record.attempts, 0);
    assert.deepEqual(record.channels, { inbox: "sent", push: "skipped:no-devices" });
  });

  it("a redelivered or retried event after success changes nothing", async () => {
    await profile("omar");
    const { id } = await notify(follow("omar"));
    await triggerFor(id, "evt-1");
    const first = (await inbox("omar"))[0]?.data();
    assert.equal((await notify(follow("omar"))).created, false, "the same event is queued once");
    assert.equal((await deliverNotification(id)).outcome, "already-done");
    await retryNotificationDelivery.run({ data: { id } } as never);
    const entries = await inbox("omar");
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0]?.data(), first);
  });

  it("a blocked actor notifies nobody", async () => {
    await profile("lina");
    await blockRef("lina", "fan-9").set({ createdAt: new Date() });
    const { id } = await notify(follow("lina", "fan-9"));
    await triggerFor(id);
    assert.equal((await inbox("lina")).length, 0);
    const record = await outbox(id);
    assert.equal(record.status, "sent");
    assert.deepEqual(record.channels, { inbox: "skipped:blocked", push: "skipped:blocked" });
  });

  it("respects a switched-off push and quiet hours: push skipped, inbox kept", async () => {
    await profile("ravi", { language: "hi" });
    await db()
      .collection(Collections.users)
      .doc("ravi")
      .collection(Collections.userPrivate)
      .doc("notificationPrefs")
      .set({ types: { follow: { push: false } }, quietHours: { start: "00:00", end: "23:59", timeZone: "Asia/Kolkata" } });
    const followed = await notify(follow("ravi"));
    const leveled = await notify({ recipient: "ravi", type: "level-up", data: { level: 9 }, dedupeKey: "level:9" });
    // 12:00 in Kolkata: inside the quiet hours.
    const noonInKolkata = Date.UTC(2026, 0, 10, 6, 30);
    await deliverNotification(followed.id, noonInKolkata);
    await deliverNotification(leveled.id, noonInKolkata);
    assert.deepEqual((await outbox(followed.id)).channels, { inbox: "sent", push: "skipped:preference" });
    assert.deepEqual((await outbox(leveled.id)).channels, { inbox: "sent", push: "skipped:quiet-hours" });
    const bodies = (await inbox("ravi")).map((doc) => doc.get("body")).sort();
    assert.deepEqual(bodies, ["Mia ने आपको फ़ॉलो करना शुरू किया", "बधाई हो, आप लेवल 9 पर पहुँच गए"].sort());
  });

  describe("when a channel keeps failing", () => {
    withMailDown();

    it("retries with exponential backoff, never repeats a channel that succeeded, and ends dead", async () => {
      await configure({ maxAttempts: 3, backoffBaseSeconds: 30 });
      const user = await createTestUser();
      await profile(user.uid);
      const { id } = await notify({
        recipient: user.uid,
        type: "withdrawal-paid",
        data: { amount: "$25", withdrawalId: "w-1" },
        dedupeKey: "w-1:paid",
      });
      const t0 = Date.now();

      assert.equal((await deliverNotification(id, t0)).outcome, "failed");
      let record = await outbox(id);
      assert.equal(record.status, "failed");
      assert.equal(record.attempts, 1);
      assert.equal(record.nextAttemptAt?.toMillis(), t0 + 30 * SECOND);
      assert.match(record.lastError ?? "", /^email: failed:/);
      assert.deepEqual({ ...record.channels, email: "failed" }, { inbox: "sent", push: "skipped:no-devices", email: "failed" });
      const entry = (await inbox(user.uid))[0];
      assert.ok(entry);

      // A retry that arrives before the backoff has run out does nothing.
      assert.equal((await deliverNotification(id, t0 + 29 * SECOND)).outcome, "not-due");
      assert.equal((await outbox(id)).attempts, 1);

      assert.equal((await deliverNotification(id, t0 + 30 * SECOND)).outcome, "failed");
      record = await outbox(id);
      assert.equal(record.attempts, 2);
      assert.equal(record.nextAttemptAt?.toMillis(), t0 + 90 * SECOND, "the second wait is twice the first");

      assert.equal((await deliverNotification(id, t0 + 90 * SECOND)).outcome, "dead");
      record = await outbox(id);
      assert.equal(record.status, "dead");
      assert.equal(record.attempts, 3);
      assert.equal(record.nextAttemptAt, null);
      assert.equal((await deliverNotification(id, t0 + 10_000 * SECOND)).outcome, "already-done", "a dead record is left alone");

      const entries = await inbox(user.uid);
      assert.equal(entries.length, 1, "the inbox entry was written once");
      assert.deepEqual(entries[0]?.data(), entry.data(), "and never rewritten by a retry");
    });

    it("an admin retries a dead record: fresh attempts, audited; a non-admin may not", async () => {
      await configure({ maxAttempts: 1 });
      const admin = await createTestUser({ roles: ["admin"] });
      const someone = await createTestUser();
      await profile(someone.uid);
      const { id } = await notify({ recipient: someone.uid, type: "kyc-approved", data: {}, dedupeKey: "kyc:1" });
      assert.equal((await deliverNotification(id)).outcome, "dead");

      await expectHttpsError(callInProcess(retryDeadNotification, { user: someone, data: { id, reason: "please" } }), "permission-denied");
      await configure({ maxAttempts: 2 });
      const retried = await callInProcess(retryDeadNotification, { user: admin, data: { id, reason: "SMTP fixed" } });
      assert.equal(retried.outcome, "failed", "mail is still down: the record is retrying again, not dead");
      assert.equal((await outbox(id)).attempts, 1);
      const audit = await db().collection(Collections.auditLog).where("action", "==", "notifications.retryDead").get();
      assert.equal(audit.size, 1);
      assert.equal(audit.docs[0]?.get("actorUid"), admin.uid);
      assert.equal(audit.docs[0]?.get("targetUid"), someone.uid);

      const refusal = await expectHttpsError(
        callInProcess(retryDeadNotification, { user: admin, data: { id, reason: "again" } }),
        "failed-precondition",
      );
      assert.deepEqual(refusal.details, { reason: "not-dead", status: "failed" });
      const missing = await expectHttpsError(
        callInProcess(retryDeadNotification, { user: admin, data: { id: "nope", reason: "again" } }),
        "not-found",
      );
      assert.equal((missing.details as { reason: string }).reason, "notification-not-found");
    });
  });

  it("the sweep delivers a record whose trigger was lost and one whose retry task was lost", async () => {
    await profile("sami");
    const lost = await notify(follow("sami", "fan-1"));
    const later = await notify(follow("sami", "fan-2"));
    // Only records pending for longer than sweepPendingAfterSeconds (180 s by default) are taken.
    assert.deepEqual(await sweepOutbox(Date.now()), { found: 0 });
    const summary = await sweepOutbox(Date.now() + 200 * SECOND);
    assert.equal(summary.found, 2);
    assert.equal(summary.sent, 2);
    assert.equal((await outbox(lost.id)).status, "sent");
    assert.equal((await outbox(later.id)).status, "sent");
    assert.equal((await inbox("sami")).length, 2);
    // A late trigger of a swept record delivers nothing more.
    await triggerFor(lost.id);
    assert.equal((await inbox("sami")).length, 2);
  });

  it("a record held by a running delivery is not taken by another until its lease runs out", async () => {
    await profile("noor");
    const { id } = await notify(follow("noor"));
    const now = Date.now();
    await db()
      .collection(Collections.notificationOutbox)
      .doc(id)
      .update({ leaseOwner: "crashed-delivery", leaseUntil: new Date(now + 120 * SECOND) });
    assert.equal((await deliverNotification(id, now)).outcome, "leased");
    assert.equal((await inbox("noor")).length, 0);
    assert.equal((await deliverNotification(id, now + 121 * SECOND)).outcome, "sent");
    assert.equal((await inbox("noor")).length, 1);
  });
});
