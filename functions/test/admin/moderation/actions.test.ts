import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import { takeModerationAction } from "../../../src/admin/moderation/callables.js";
import type { TakeModerationActionResponse } from "../../../src/admin/moderation/schema.js";
import { db, rtdb } from "../../../src/kernel/app.js";
import { callInProcess, expectHttpsError } from "../../support/callables.js";
import { allPaths } from "../../support/firestore.js";
import { queuedFor } from "../../support/notifications.js";
import { useCleanStack } from "../../support/stack.js";
import { createTestUser, type TestUser } from "../../support/users.js";
import { setModerationConfig, staff } from "./support.js";

const DAY_MS = 86_400_000;

describe("admin/moderation: actions and the escalation ladder", function () {
  this.timeout(90_000);
  useCleanStack();
  let moderator: TestUser;
  let admin: TestUser;
  let subject: TestUser;

  beforeEach(async () => {
    [moderator, , admin] = await staff();
    subject = await createTestUser({ roles: ["viewer"] });
  });

  let seq = 0;
  async function openItem(fields: Record<string, unknown> = {}): Promise<string> {
    const itemId = `item-${++seq}`;
    await db()
      .doc(`moderationItems/${itemId}`)
      .set({
        kind: "report",
        source: "user-report",
        subjectUid: subject.uid,
        relatedUids: [],
        contentRef: null,
        sourceRef: "reports/r",
        reason: "harassment",
        priority: 40,
        status: "open",
        createdAt: Timestamp.fromMillis(Date.now() - 90_000),
        ...fields,
      });
    return itemId;
  }

  const act = (itemId: string, action: string, extra: Record<string, unknown> = {}, by: TestUser = moderator) =>
    callInProcess(takeModerationAction, {
      user: by,
      data: { itemId, action, reason: "abusive messages", requestId: randomUUID(), ...extra },
    }) as Promise<TakeModerationActionResponse>;

  const sanctions = async () =>
    (await db().collection("sanctions").where("subjectUid", "==", subject.uid).get()).docs.map((d) => d.data()).sort((a, b) => a.step - b.step);

  it("escalate walks the ladder: warn, suspend 5 min, suspend 10 min, ban; each with its sanction, audit entry and notice", async () => {
    const results: TakeModerationActionResponse[] = [];
    for (let i = 0; i < 4; i++) results.push(await act(await openItem(), "escalate"));
    assert.deepEqual(
      results.map((r) => [r.outcome, r.step]),
      [
        ["warn", 0],
        ["suspend", 1],
        ["suspend", 2],
        ["ban", 3],
      ],
    );
    const [, five, ten] = results;
    const minutes = (r: TakeModerationActionResponse | undefined) => Math.round((Date.parse(r?.until as string) - Date.now()) / 60_000);
    assert.equal(minutes(five), 5);
    assert.equal(minutes(ten), 10);
    assert.equal(results[3]?.until, null);

    const stored = await sanctions();
    assert.deepEqual(
      stored.map((s) => [s.action, s.step, s.actorUid, s.status]),
      [
        ["warn", 0, moderator.uid, "active"],
        ["suspend", 1, moderator.uid, "active"],
        ["suspend", 2, moderator.uid, "active"],
        ["ban", 3, moderator.uid, "active"],
      ],
    );
    const closed = await db().collection("moderationItems").where("status", "==", "actioned").get();
    assert.equal(closed.size, 4);
    assert.ok(closed.docs.every((d) => d.get("actorUid") === moderator.uid && d.get("actionedAt") && d.get("sanctionId")));

    const audit = await db().collection("auditLog").where("targetUid", "==", subject.uid).get();
    const moderationAudit = audit.docs.map((d) => d.get("action") as string).filter((a) => a.startsWith("moderation."));
    assert.deepEqual(moderationAudit.sort(), ["moderation.ban", "moderation.suspend", "moderation.suspend", "moderation.warn"]);

    assert.equal((await queuedFor(subject.uid, "moderation-warning")).length, 1);
    assert.equal((await queuedFor(subject.uid, "account-suspended")).length, 2);
    assert.equal((await queuedFor(subject.uid, "account-banned")).length, 1);
    const ban = (await db().doc(`bans/${subject.uid}`).get()).data();
    assert.equal(ban?.expiresAt, null);
  });

  it("the ladder counts the subject's active sanctions within the window only (config/moderation)", async () => {
    const seedSanction = (ageDays: number, status = "active") =>
      db()
        .collection("sanctions")
        .add({
          subjectUid: subject.uid,
          action: "warn",
          step: 0,
          status,
          actorUid: admin.uid,
          itemId: "old",
          createdAt: Timestamp.fromMillis(Date.now() - ageDays * DAY_MS),
        });
    await seedSanction(31);
    await seedSanction(45);
    await seedSanction(2, "overturned");
    assert.equal((await act(await openItem(), "escalate")).outcome, "warn");
    await seedSanction(29);
    // One old sanction (29 days) and this warn: step 2.
    const third = await act(await openItem(), "escalate");
    assert.deepEqual([third.outcome, third.step], ["suspend", 2]);

    await setModerationConfig({ ladderWindowDays: 60, ladder: [{ action: "warn" }, { action: "suspend", minutes: 120 }] });
    const longer = await act(await openItem(), "escalate");
    assert.deepEqual([longer.outcome, longer.step], ["suspend", 5]);
    assert.equal(Math.round((Date.parse(longer.until as string) - Date.now()) / 60_000), 120);
  });

  it("once per requestId: a replay adds no sanction, audit entry or notice; a different payload under it is refused", async () => {
    const itemId = await openItem();
    const data = { itemId, action: "warn", reason: "spam links", requestId: randomUUID() };
    const first = await callInProcess(takeModerationAction, { user: moderator, data });
    const again = await callInProcess(takeModerationAction, { user: moderator, data });
    assert.deepEqual(again, first);
    assert.equal((await sanctions()).length, 1);
    assert.equal((await db().collection("auditLog").where("action", "==", "moderation.warn").get()).size, 1);
    assert.equal((await queuedFor(subject.uid, "moderation-warning")).length, 1);
    await expectHttpsError(callInProcess(takeModerationAction, { user: moderator, data: { ...data, action: "ban" } }), "failed-precondition");
  });

  it("dismiss closes the item without a sanction; a closed item refuses further actions", async () => {
    const itemId = await openItem();
    const result = await act(itemId, "dismiss");
    assert.deepEqual([result.outcome, result.sanctionId], ["dismiss", null]);
    assert.equal((await db().doc(`moderationItems/${itemId}`).get()).get("status"), "dismissed");
    assert.equal((await sanctions()).length, 0);
    assert.equal((await db().collection("auditLog").where("action", "==", "moderation.dismiss").get()).size, 1);
    const refused = await expectHttpsError(act(itemId, "warn"), "failed-precondition");
    assert.equal((refused.details as { reason?: string }).reason, "item-closed");
  });

  it("mute sets the platform-wide chat mute and tells the subject; remove-content removes a reported post", async () => {
    const muted = await act(await openItem(), "mute", { durationMinutes: 30 });
    const until = (await rtdb().ref(`chatMutes/${subject.uid}`).get()).val();
    assert.equal(until, Date.parse(muted.until as string));
    assert.equal((await queuedFor(subject.uid, "moderation-muted")).length, 1);

    await db().doc("posts/p1").set({ authorUid: subject.uid, status: "active", text: "buy followers", createdAt: Timestamp.now() });
    const removed = await act(await openItem({ contentRef: { type: "post", id: "p1" } }), "remove-content");
    assert.equal(removed.outcome, "remove-content");
    assert.equal((await db().doc("posts/p1").get()).get("status"), "removed");
    assert.equal((await queuedFor(subject.uid, "content-removed")).length, 1);

    const notRemovable = await expectHttpsError(
      act(await openItem({ contentRef: { type: "user", id: "x" } }), "remove-content"),
      "failed-precondition",
    );
    assert.equal((notRemovable.details as { reason?: string }).reason, "content-not-removable");
  });

  it("refuses an action on staff by a moderator, and on an item without a subject, writing nothing", async () => {
    const other = await createTestUser({ roles: ["moderator"] });
    const onStaff = await openItem({ subjectUid: other.uid });
    const noSubject = await openItem({ subjectUid: null });
    const before = await allPaths();
    await expectHttpsError(act(onStaff, "suspend", { durationMinutes: 60 }), "permission-denied");
    const refused = await expectHttpsError(act(noSubject, "warn"), "failed-precondition");
    assert.equal((refused.details as { reason?: string }).reason, "no-subject");
    assert.deepEqual(await allPaths(), before);
  });

  it("a country-scoped moderator acts on and dismisses items about its countries' accounts only, writing nothing otherwise", async () => {
    const brModerator = await createTestUser({ roles: ["moderator"], claims: { staffCountries: ["BR"] } });
    await db().doc(`users/${subject.uid}`).set({ country: "IN" }, { merge: true });
    const before = await allPaths();
    for (const action of ["warn", "dismiss"]) {
      const refused = await expectHttpsError(act(await openItem(), action, {}, brModerator), "permission-denied");
      assert.equal((refused.details as { reason?: string }).reason, "out-of-country-scope", action);
    }
    assert.equal((await allPaths()).filter((path) => !before.includes(path) && !path.startsWith("moderationItems/")).length, 0);

    await db().doc(`users/${subject.uid}`).set({ country: "BR" }, { merge: true });
    const warned = await act(await openItem(), "warn", {}, brModerator);
    assert.equal(warned.outcome, "warn");
    assert.equal((await act(await openItem(), "dismiss", {}, brModerator)).outcome, "dismiss");
  });

  it("refuses viewers, hosts, support and finance staff, and malformed payloads, writing nothing", async () => {
    const itemId = await openItem();
    const before = await allPaths();
    for (const roles of [["viewer"], ["host"], ["support"], ["finance"]] as const) {
      const user = await createTestUser({ roles: [...roles] });
      await expectHttpsError(act(itemId, "warn", {}, user), "permission-denied");
    }
    await expectHttpsError(
      callInProcess(takeModerationAction, { data: { itemId, action: "warn", reason: "x y z", requestId: randomUUID() } }),
      "unauthenticated",
    );
    const base = { itemId, action: "warn", reason: "abusive", requestId: randomUUID() };
    const bad = [
      null,
      { ...base, action: "shame" },
      { ...base, reason: "" },
      { ...base, requestId: "x" },
      { ...base, durationMinutes: 10 },
      { ...base, action: "suspend", durationMinutes: 0 },
      { ...base, action: "mute", durationMinutes: 1.5 },
      { ...base, itemId: "../x" },
      { ...base, extra: true },
    ];
    const users = (await db().collection("auditLog").get()).size;
    for (const data of bad) await expectHttpsError(callInProcess(takeModerationAction, { user: moderator, data }), "invalid-argument");
    assert.equal((await db().collection("auditLog").get()).size, users);
    // Test users' auth records are not Firestore paths: nothing else changed.
    assert.deepEqual(await allPaths(), before);
  });
});
