import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { fileAppealForUser } from "../../src/admin/moderation/callables.js";
import { exportMyData } from "../../src/gdpr/callables.js";
import { runAccountDeletion } from "../../src/gdpr/deletion.js";
import { db } from "../../src/kernel/app.js";
import { callInProcess } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser, type TestUser } from "../support/users.js";

const APPEAL_TEXT = "I was quoting a film, not insulting anyone";
const TEXT_THROUGH_SUPPORT = "My brother used my phone that evening, it was not me";
const NOTE_TEXT = "Called support twice about the suspension, calm";

interface OperationsWorld {
  subject: TestUser;
  reporter: TestUser;
  moderator: TestUser;
  other: TestUser;
}

/** Operations records about `subject` (and one of each about `other`), in the shapes the admin domains write. */
async function buildOperationsWorld(): Promise<OperationsWorld> {
  const [subject, reporter, moderator, other] = await Promise.all([
    createTestUser({ displayName: "Subject" }),
    createTestUser({ displayName: "Reporter" }),
    createTestUser({ displayName: "Moderator", roles: ["moderator"] }),
    createTestUser({ displayName: "Other" }),
  ]);
  const [s, r, m, o] = [subject.uid, reporter.uid, moderator.uid, other.uid];
  const at = new Date("2026-11-30T10:00:00Z");
  const batch = db().batch();
  for (const uid of [s, r, m, o]) batch.set(db().doc(`users/${uid}`), { uid, displayName: uid });
  batch.set(db().doc("reports/rep-1"), { reporterUid: r, targetType: "user", targetId: s, reason: "harassment", status: "open" });
  batch.set(db().doc("moderationItems/report__rep-1"), {
    itemId: "report__rep-1",
    kind: "report",
    source: "user-report",
    subjectUid: s,
    relatedUids: [r],
    contentRef: null,
    sourceRef: "reports/rep-1",
    reason: "harassment",
    priority: 50,
    status: "actioned",
    createdAt: at,
    actionedAt: at,
    actorUid: m,
    outcome: "suspend",
    sanctionId: "sanction-1",
    actionReason: "insults in chat",
  });
  batch.set(db().doc(`moderationItems/flag__rev-9__1`), {
    kind: "flag",
    source: "game-collusion",
    subjectUid: o,
    relatedUids: [s],
    reason: "soft play",
    status: "open",
    createdAt: at,
  });
  batch.set(db().doc("sanctions/sanction-1"), {
    subjectUid: s,
    action: "suspend",
    step: 1,
    until: new Date("2026-11-30T10:05:00Z"),
    itemId: "report__rep-1",
    actorUid: m,
    reason: "insults in chat",
    status: "active",
    createdAt: at,
  });
  batch.set(db().doc("sanctions/sanction-2"), { subjectUid: o, action: "warn", actorUid: m, status: "active", createdAt: at });
  batch.set(db().doc("appeals/sanction-1"), {
    sanctionId: "sanction-1",
    subjectUid: s,
    filedByUid: s,
    text: APPEAL_TEXT,
    status: "upheld",
    sanctionActorUid: m,
    sanctionAction: "suspend",
    deciderUid: o,
    decisionReason: "the quote was an insult",
    createdAt: at,
    decidedAt: at,
  });
  batch.set(db().doc("appeals/sanction-2"), {
    sanctionId: "sanction-2",
    subjectUid: o,
    filedByUid: o,
    text: "Please look again at this",
    status: "pending",
  });
  batch.set(db().doc(`bans/${s}`), {
    kind: "suspension",
    reason: "insults in chat",
    bannedBy: m,
    bannedAt: at,
    expiresAt: new Date("2026-11-30T10:05:00Z"),
  });
  batch.set(db().doc(`bans/${s}/history/h1`), { action: "suspension", reason: "insults in chat", actorUid: m, at, expiresAt: null });
  batch.set(db().doc("staffNotes/note-1"), { uid: s, text: NOTE_TEXT, authorUid: m, createdAt: at });
  batch.set(db().doc("staffNotes/note-2"), { uid: o, text: "Other account, unrelated", authorUid: m, createdAt: at });
  batch.set(db().doc(`moderationSubjects/${s}`), { uid: s, lastSanctionAt: at, lastSanctionId: "sanction-1" });
  batch.set(db().doc(`moderationSubjects/${o}`), { uid: o, lastSanctionAt: at, lastSanctionId: "sanction-2" });
  batch.set(db().doc(`moderationChatOffenders/${s}`), { uid: s, recent: [at.getTime()] });
  batch.set(db().doc(`moderationDays/2026-11-30__${m}`), { moderatorUid: m, day: "2026-11-30", actions: { suspend: 1 } });
  batch.set(db().doc("auditLog/a1"), { action: "moderation.suspend", actorUid: m, targetUid: s, reason: "insults in chat" });
  await batch.commit();
  return { subject, reporter, moderator, other };
}

/** Every document under the operations collections, with its data. */
async function operationsRecords(): Promise<Record<string, Record<string, unknown> | undefined>> {
  const operations =
    /^(moderationItems|sanctions|appeals|bans|staffNotes|moderationSubjects|moderationChatOffenders|moderationDays|auditLog|reports)\//;
  const paths = (await allPaths()).filter((p) => operations.test(p)).sort();
  return Object.fromEntries(await Promise.all(paths.map(async (p) => [p, await docData(p)] as const)));
}

describe("gdpr: operations records (moderation, bans, staff notes)", () => {
  useCleanStack();

  it("the export carries the sanctions, appeals, ban, ban history, moderation items and staff notes about the user, naming no reporter or staff member", async () => {
    const { subject, reporter, moderator, other } = await buildOperationsWorld();
    const { bundle } = await callInProcess(exportMyData, { user: subject });
    const moderation = bundle.moderation;

    assert.deepEqual(
      moderation.sanctions.map((x) => [x.id, x.action, x.status, x.reason]),
      [["sanction-1", "suspend", "active", "insults in chat"]],
    );
    assert.deepEqual(
      moderation.appeals.map((x) => [x.id, x.text, x.status, x.decisionReason]),
      [["sanction-1", APPEAL_TEXT, "upheld", "the quote was an insult"]],
    );
    assert.equal(moderation.ban?.kind, "suspension");
    assert.equal(moderation.ban?.reason, "insults in chat");
    assert.deepEqual(
      moderation.banHistory.map((x) => [x.id, x.action, x.reason]),
      [["h1", "suspension", "insults in chat"]],
    );
    assert.deepEqual(
      moderation.items.map((x) => [x.id, x.source, x.reason, x.outcome, x.sanctionId]),
      [["report__rep-1", "user-report", "harassment", "suspend", "sanction-1"]],
      "items about the user only (not the flag about another account that names them)",
    );
    assert.deepEqual(
      moderation.staffNotes.map((x) => [x.id, x.text]),
      [["note-1", NOTE_TEXT]],
    );

    const text = JSON.stringify(moderation);
    assert.ok(!text.includes(reporter.uid), "no reporter identity");
    assert.ok(!text.includes("reports/rep-1"), "no link to the report (it names the reporter)");
    assert.ok(!text.includes(moderator.uid), "no staff identity");
    assert.ok(!text.includes(other.uid), "no other account");
  });

  it("deletion erases the appeal text and the per-user helper records, deletes the staff notes, keeps sanctions, items, bans and the audit log under the uid", async () => {
    const { subject, moderator, other } = await buildOperationsWorld();
    const [s, m, o] = [subject.uid, moderator.uid, other.uid];
    const before = await operationsRecords();

    assert.equal((await runAccountDeletion(s)).status, "done");
    const after = await operationsRecords();

    const { text, ...appealKept } = before["appeals/sanction-1"] ?? {};
    assert.equal(text, APPEAL_TEXT);
    const { redactedAt, ...appealAfter } = after["appeals/sanction-1"] ?? {};
    assert.ok(redactedAt, "the erasure is dated");
    assert.deepEqual(appealAfter, { ...appealKept, text: null, redacted: true }, "the decision stays, the user's words go");

    const gone = [`moderationSubjects/${s}`, `moderationChatOffenders/${s}`, "staffNotes/note-1", "appeals/sanction-1"];
    const expected = Object.fromEntries(Object.entries(before).filter(([path]) => !gone.includes(path)));
    const { "appeals/sanction-1": _appeal, ...rest } = after;
    assert.deepEqual(rest, expected, "everything else stays exactly as it was (others' records included)");
    assert.ok(!JSON.stringify(after).includes(NOTE_TEXT));
    assert.ok(!JSON.stringify(after).includes(APPEAL_TEXT));

    // A deleted staff member's uid stays in what they did: sanctions, items, notes, audit, metrics.
    assert.equal((await runAccountDeletion(m)).status, "done");
    const afterStaff = await operationsRecords();
    assert.equal(afterStaff["sanctions/sanction-2"]?.actorUid, m);
    assert.equal(afterStaff["moderationItems/report__rep-1"]?.actorUid, m);
    assert.equal(afterStaff["staffNotes/note-2"]?.authorUid, m);
    assert.equal(afterStaff["auditLog/a1"]?.actorUid, m);
    assert.ok(afterStaff[`moderationDays/2026-11-30__${m}`]);
    assert.equal(afterStaff[`moderationSubjects/${o}`]?.lastSanctionId, "sanction-2");
  });

  it("an appeal support filed for a banned user leaves no copy of the user's words once the account is deleted", async () => {
    const { subject, moderator } = await buildOperationsWorld();
    const support = await createTestUser({ roles: ["support"] });
    await db()
      .doc("sanctions/sanction-3")
      .set({ subjectUid: subject.uid, action: "ban", step: 3, actorUid: moderator.uid, status: "active", createdAt: new Date() });
    await callInProcess(fileAppealForUser, {
      user: support,
      data: { sanctionId: "sanction-3", text: TEXT_THROUGH_SUPPORT, requestId: randomUUID() },
    });
    const { bundle } = await callInProcess(exportMyData, { user: subject });
    assert.equal(bundle.moderation.appeals.find((a) => a.id === "sanction-3")?.text, TEXT_THROUGH_SUPPORT);

    assert.equal((await runAccountDeletion(subject.uid)).status, "done");
    const audit = await db().collection("auditLog").where("action", "==", "moderation.appeal.fileForUser").get();
    assert.equal(audit.size, 1, "the filing stays audited");
    const mentioning: string[] = [];
    for (const path of await allPaths()) {
      if (JSON.stringify(await docData(path)).includes(TEXT_THROUGH_SUPPORT)) mentioning.push(path);
    }
    assert.deepEqual(mentioning, [], "the audit log keeps no copy of the appeal text");
  });
});
