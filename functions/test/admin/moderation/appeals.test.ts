import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import { decideAppeal, fileAppealForUser, listAppeals, submitAppeal, takeModerationAction } from "../../../src/admin/moderation/callables.js";
import type { ListAppealsResponse, TakeModerationActionResponse } from "../../../src/admin/moderation/schema.js";
import { forgetStanding } from "../../../src/kernel/account.js";
import { db, rtdb } from "../../../src/kernel/app.js";
import { callInProcess, expectHttpsError } from "../../support/callables.js";
import { queuedFor } from "../../support/notifications.js";
import { useCleanStack } from "../../support/stack.js";
import { createTestUser, signInAgain, type TestUser, waitForNextSecond } from "../../support/users.js";
import { staff } from "./support.js";

describe("admin/moderation: appeals", function () {
  this.timeout(90_000);
  useCleanStack();
  let moderator: TestUser;
  let secondModerator: TestUser;
  let subject: TestUser;

  beforeEach(async () => {
    [moderator, secondModerator] = await staff();
    subject = await createTestUser({ roles: ["viewer"] });
  });

  let seq = 0;
  async function sanction(action: string, extra: Record<string, unknown> = {}): Promise<TakeModerationActionResponse> {
    const itemId = `item-${++seq}`;
    await db().doc(`moderationItems/${itemId}`).set({
      kind: "report",
      source: "user-report",
      subjectUid: subject.uid,
      contentRef: null,
      sourceRef: "reports/r",
      reason: "spam",
      priority: 40,
      status: "open",
      createdAt: Timestamp.now(),
    });
    return callInProcess(takeModerationAction, {
      user: moderator,
      data: { itemId, action, reason: "spam in chat", requestId: randomUUID(), ...extra },
    }) as Promise<TakeModerationActionResponse>;
  }

  const appeal = (sanctionId: string, by: TestUser = subject, requestId = randomUUID()) =>
    callInProcess(submitAppeal, { user: by, data: { sanctionId, text: "I was quoting someone else, not spamming.", requestId } });
  const decide = (appealId: string, decision: string, by: TestUser) =>
    callInProcess(decideAppeal, { user: by, data: { appealId, decision, reason: "context shows a quote", requestId: randomUUID() } });

  it("the subject appeals once; the imposing moderator cannot decide; a second moderator overturns and the mute is lifted", async () => {
    const muted = await sanction("mute", { durationMinutes: 60 });
    const sanctionId = muted.sanctionId as string;
    assert.ok((await rtdb().ref(`chatMutes/${subject.uid}`).get()).exists());

    assert.deepEqual(await appeal(sanctionId), { appealId: sanctionId, status: "pending" });
    const twice = await expectHttpsError(appeal(sanctionId), "failed-precondition");
    assert.equal((twice.details as { reason?: string }).reason, "already-appealed");
    const stranger = await createTestUser();
    const foreign = await expectHttpsError(appeal(sanctionId, stranger), "not-found");
    assert.equal((foreign.details as { reason?: string }).reason, "not-your-sanction");

    const same = await expectHttpsError(decide(sanctionId, "overturn", moderator), "permission-denied");
    assert.equal((same.details as { reason?: string }).reason, "same-moderator");
    assert.equal((await db().doc(`appeals/${sanctionId}`).get()).get("status"), "pending");

    assert.deepEqual(await decide(sanctionId, "overturn", secondModerator), { appealId: sanctionId, status: "overturned" });
    assert.equal((await db().doc(`sanctions/${sanctionId}`).get()).get("status"), "overturned");
    assert.equal((await rtdb().ref(`chatMutes/${subject.uid}`).get()).exists(), false);
    assert.equal((await queuedFor(subject.uid, "appeal-overturned")).length, 1);
    const audit = await db().collection("auditLog").where("action", "==", "moderation.appeal.overturn").get();
    assert.equal(audit.size, 1);
    assert.equal(audit.docs[0]?.get("actorUid"), secondModerator.uid);
    const decided = await expectHttpsError(decide(sanctionId, "uphold", secondModerator), "failed-precondition");
    assert.equal((decided.details as { reason?: string }).reason, "appeal-decided");
  });

  it("overturning a suspension lifts it through liftBan; upholding keeps the sanction and tells the subject", async () => {
    const suspended = await sanction("suspend", { durationMinutes: 60 });
    // A suspended account cannot call in; it appeals once the suspension has run out (moved into the past here).
    await db()
      .doc(`bans/${subject.uid}`)
      .update({ expiresAt: Timestamp.fromMillis(Date.now() - 1_000) });
    forgetStanding(subject.uid);
    await waitForNextSecond();
    subject = await signInAgain(subject);
    await appeal(suspended.sanctionId as string);
    await decide(suspended.sanctionId as string, "overturn", secondModerator);
    assert.equal((await db().doc(`bans/${subject.uid}`).get()).exists, false);
    assert.equal((await db().collection("auditLog").where("action", "==", "identity.liftBan").get()).size, 1);

    const warned = await sanction("warn");
    await appeal(warned.sanctionId as string);
    assert.deepEqual(await decide(warned.sanctionId as string, "uphold", secondModerator), { appealId: warned.sanctionId, status: "upheld" });
    assert.equal((await db().doc(`sanctions/${warned.sanctionId}`).get()).get("status"), "active");
    assert.equal((await queuedFor(subject.uid, "appeal-upheld")).length, 1);
  });

  it("a banned user cannot call in: support files the appeal for them (audited), a second moderator overturns and the ban is lifted", async () => {
    const banned = await sanction("ban");
    const sanctionId = banned.sanctionId as string;
    await expectHttpsError(appeal(sanctionId), "permission-denied");
    const support = await createTestUser({ roles: ["support"] });
    const text = "User wrote to support: the account was shared with a sibling.";
    const filing = (by: TestUser) => callInProcess(fileAppealForUser, { user: by, data: { sanctionId, text, requestId: randomUUID() } });
    await expectHttpsError(filing(subject), "permission-denied");
    await expectHttpsError(filing(await createTestUser({ roles: ["finance"] })), "permission-denied");
    assert.deepEqual(await filing(support), { appealId: sanctionId, status: "pending" });
    const filed = await db().doc(`appeals/${sanctionId}`).get();
    assert.equal(filed.get("subjectUid"), subject.uid);
    assert.equal(filed.get("filedByUid"), support.uid);
    const audit = await db().collection("auditLog").where("action", "==", "moderation.appeal.fileForUser").get();
    assert.equal(audit.size, 1);
    assert.equal(audit.docs[0]?.get("targetUid"), subject.uid);
    assert.equal(((await expectHttpsError(filing(support), "failed-precondition")).details as { reason?: string }).reason, "already-appealed");

    await expectHttpsError(decide(sanctionId, "overturn", moderator), "permission-denied");
    await decide(sanctionId, "overturn", secondModerator);
    assert.equal((await db().doc(`bans/${subject.uid}`).get()).exists, false);
  });

  it("country scope: support files, and moderators list and decide, only for their countries' accounts; nothing written otherwise", async () => {
    await db().doc(`users/${subject.uid}`).set({ country: "IN" }, { merge: true });
    const sanctionId = (await sanction("ban")).sanctionId as string;
    const [brSupport, inSupport, brModerator, inModerator] = await Promise.all([
      createTestUser({ roles: ["support"], claims: { staffCountries: ["BR"] } }),
      createTestUser({ roles: ["support"], claims: { staffCountries: ["IN"] } }),
      createTestUser({ roles: ["moderator"], claims: { staffCountries: ["BR"] } }),
      createTestUser({ roles: ["moderator"], claims: { staffCountries: ["IN", "BD"] } }),
    ]);
    const text = "User wrote to support: the account was shared with a sibling.";
    const filing = (by: TestUser) => callInProcess(fileAppealForUser, { user: by, data: { sanctionId, text, requestId: randomUUID() } });
    const reasonOf = (err: { details?: unknown }) => (err.details as { reason?: string }).reason;

    assert.equal(reasonOf(await expectHttpsError(filing(brSupport), "permission-denied")), "out-of-country-scope");
    assert.equal((await db().doc(`appeals/${sanctionId}`).get()).exists, false);
    assert.deepEqual(await filing(inSupport), { appealId: sanctionId, status: "pending" });

    const listed = async (by: TestUser) =>
      ((await callInProcess(listAppeals, { user: by, data: {} })) as ListAppealsResponse).appeals.map((a) => [a.appealId, a.subjectCountry]);
    assert.deepEqual(await listed(brModerator), []);
    assert.deepEqual(await listed(inModerator), [[sanctionId, "IN"]]);
    assert.deepEqual(await listed(secondModerator), [[sanctionId, "IN"]]);

    // Refused before the transaction writes: the appeal stays pending and the ban in place.
    assert.equal(reasonOf(await expectHttpsError(decide(sanctionId, "overturn", brModerator), "permission-denied")), "out-of-country-scope");
    assert.equal((await db().doc(`appeals/${sanctionId}`).get()).get("status"), "pending");
    assert.equal((await db().doc(`sanctions/${sanctionId}`).get()).get("status"), "active");
    assert.equal((await db().doc(`bans/${subject.uid}`).get()).exists, true);
    assert.equal((await db().collection("auditLog").where("action", "==", "moderation.appeal.overturn").get()).size, 0);

    assert.deepEqual(await decide(sanctionId, "overturn", inModerator), { appealId: sanctionId, status: "overturned" });
    assert.equal((await db().doc(`bans/${subject.uid}`).get()).exists, false);
  });

  it("lists pending appeals oldest first, cursor-paged; refuses non-moderators and malformed payloads", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { sanctionId } = await sanction("warn");
      await appeal(sanctionId as string);
      ids.push(sanctionId as string);
    }
    const first = (await callInProcess(listAppeals, { user: secondModerator, data: { limit: 2 } })) as ListAppealsResponse;
    const second = (await callInProcess(listAppeals, { user: secondModerator, data: { limit: 2, cursor: first.nextCursor } })) as ListAppealsResponse;
    assert.deepEqual(
      [...first.appeals, ...second.appeals].map((a) => a.appealId),
      ids,
    );
    assert.equal(second.nextCursor, null);
    assert.equal(first.appeals[0]?.sanctionActorUid, moderator.uid);

    for (const roles of [["viewer"], ["support"], ["finance"]] as const) {
      const user = await createTestUser({ roles: [...roles] });
      await expectHttpsError(callInProcess(listAppeals, { user, data: {} }), "permission-denied");
      await expectHttpsError(decide(ids[0] as string, "overturn", user), "permission-denied");
    }
    for (const data of [
      null,
      { sanctionId: ids[0] },
      { sanctionId: ids[0], text: "short", requestId: randomUUID() },
      { sanctionId: ids[0], text: "x".repeat(2001), requestId: randomUUID() },
    ]) {
      // Another user: the subject's appeal budget (5 a minute) went on the appeals above.
      await expectHttpsError(callInProcess(submitAppeal, { user: secondModerator, data }), "invalid-argument");
    }
    for (const data of [
      null,
      { appealId: ids[0], decision: "maybe", reason: "why not", requestId: randomUUID() },
      { appealId: ids[0], decision: "uphold", requestId: randomUUID() },
    ]) {
      await expectHttpsError(callInProcess(decideAppeal, { user: secondModerator, data }), "invalid-argument");
    }
    await expectHttpsError(callInProcess(listAppeals, { user: secondModerator, data: { status: "lost" } }), "invalid-argument");
  });
});
