import "../support/kyc-key.js";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { db } from "../../src/kernel/app.js";
import { getKycDetails, getMyKyc, reviewKyc, submitKyc } from "../../src/kyc/callables.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { queuedFor } from "../support/notifications.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser, type TestUser } from "../support/users.js";

const PERSONAL = { legalName: "Henrietta Quillfeather", dateOfBirth: "1991-07-14", documentNumber: "P9X7Q2Z4" };

function submission(user: TestUser, overrides: Record<string, unknown> = {}) {
  return {
    documentType: "passport",
    documentPaths: [`kyc/${user.uid}/front.jpg`, `kyc/${user.uid}/selfie.jpg`],
    ...PERSONAL,
    requestId: randomUUID(),
    ...overrides,
  };
}

/** Every document's JSON, to prove no plaintext is stored anywhere (kyc, idempotency, audit...). */
async function everythingStored(): Promise<string> {
  const paths = await allPaths();
  const docs = await Promise.all(paths.map(async (p) => `${p} ${JSON.stringify(await docData(p))}`));
  return docs.join("\n");
}

async function auditEntries(action: string) {
  return (await db().collection("auditLog").where("action", "==", action).get()).docs.map((d) => d.data());
}

describe("kyc: submit, review, view (encrypted at rest, audited)", () => {
  useCleanStack();
  let user: TestUser;
  let moderator: TestUser;
  let viewer: TestUser;

  beforeEach(async () => {
    [user, moderator, viewer] = await Promise.all([
      createTestUser(),
      createTestUser({ roles: ["moderator"] }),
      createTestUser({ roles: ["viewer", "host"] }),
    ]);
  });

  it("stores a pending request with every sensitive field encrypted and no plaintext anywhere", async () => {
    const result = await callInProcess(submitKyc, { user, data: submission(user) });
    assert.deepEqual(result, { status: "pending", documentType: "passport" });
    const doc = await docData(`kyc/${user.uid}`);
    assert.equal(doc?.status, "pending");
    assert.equal(doc?.documentType, "passport");
    assert.deepEqual(doc?.documentPaths, [`kyc/${user.uid}/front.jpg`, `kyc/${user.uid}/selfie.jpg`]);
    assert.ok(doc?.submittedAt);
    const encrypted = doc?.encrypted as Record<string, string>;
    assert.deepEqual(Object.keys(encrypted).sort(), ["dateOfBirth", "documentNumber", "legalName"]);
    for (const value of Object.values(encrypted)) assert.match(value, /^v1:[^:]+:[^:]+:[^:]+$/);
    for (const field of ["legalName", "dateOfBirth", "documentNumber"]) assert.equal(doc?.[field], undefined);
    const stored = await everythingStored();
    for (const plaintext of [...Object.values(PERSONAL), "Henrietta", "Quillfeather"]) {
      assert.ok(!stored.includes(plaintext), `"${plaintext}" must not be stored in clear`);
    }
    const mine = await callInProcess(getMyKyc, { user });
    assert.equal(mine.status, "pending");
    assert.deepEqual("details" in mine ? mine.details : null, PERSONAL);
  });

  it("replays a repeated request id, refuses resubmission while pending or approved, allows it after a rejection", async () => {
    const first = submission(user);
    await callInProcess(submitKyc, { user, data: first });
    assert.deepEqual(await callInProcess(submitKyc, { user, data: first }), { status: "pending", documentType: "passport" });
    await expectHttpsError(callInProcess(submitKyc, { user, data: submission(user) }), "failed-precondition");

    const rejected = await callInProcess(reviewKyc, {
      user: moderator,
      data: { uid: user.uid, decision: "reject", reason: "document blurred", requestId: randomUUID() },
    });
    assert.deepEqual(rejected, { uid: user.uid, status: "rejected" });
    const afterReject = await callInProcess(getMyKyc, { user });
    assert.equal(afterReject.status, "rejected");
    assert.equal("reviewReason" in afterReject ? afterReject.reviewReason : null, "document blurred");

    await callInProcess(submitKyc, { user, data: submission(user, { documentType: "id_card", legalName: "Henrietta Q. Quillfeather" }) });
    const resubmitted = await docData(`kyc/${user.uid}`);
    assert.equal(resubmitted?.status, "pending");
    assert.equal(resubmitted?.submissions, 2);
    assert.equal(resubmitted?.reviewedBy, null);

    const approval = { uid: user.uid, decision: "approve", reason: "documents match", requestId: randomUUID() };
    await callInProcess(reviewKyc, { user: moderator, data: approval });
    assert.deepEqual(await callInProcess(reviewKyc, { user: moderator, data: approval }), { uid: user.uid, status: "approved" });
    const approved = await docData(`kyc/${user.uid}`);
    assert.equal(approved?.status, "approved", "the wallet domain reads exactly this field");
    assert.equal(approved?.reviewedBy, moderator.uid);
    assert.ok(approved?.reviewedAt);
    await expectHttpsError(callInProcess(submitKyc, { user, data: submission(user) }), "failed-precondition");
    // A decided verification cannot be decided again under a new request id.
    await expectHttpsError(
      callInProcess(reviewKyc, { user: moderator, data: { ...approval, decision: "reject", requestId: randomUUID() } }),
      "failed-precondition",
    );

    // The user hears each decision once: the rejection with its reason, the approval (replayed) once.
    assert.deepEqual(
      (await queuedFor(user.uid, "kyc-rejected")).map((n) => n.data),
      [{ reason: "document blurred" }],
    );
    assert.deepEqual(
      (await queuedFor(user.uid, "kyc-approved")).map((n) => n.data),
      [{}],
    );

    const reviews = await auditEntries("kyc.reviewed");
    assert.equal(reviews.length, 2, "one audit entry per decision, none for replays");
    assert.deepEqual(reviews.map((r) => r.after).sort(), ["approved", "rejected"]);
    for (const r of reviews) {
      assert.equal(r.actorUid, moderator.uid);
      assert.equal(r.targetUid, user.uid);
    }
  });

  it("lets moderators and admins read decrypted details, auditing every view; viewers and owners are refused", async () => {
    await callInProcess(submitKyc, { user, data: submission(user) });
    const details = await callInProcess(getKycDetails, { user: moderator, data: { uid: user.uid } });
    assert.deepEqual(details.details, PERSONAL);
    assert.equal(details.status, "pending");
    assert.equal(details.documentType, "passport");
    const admin = await createTestUser({ roles: ["admin"] });
    await callInProcess(getKycDetails, { user: admin, data: { uid: user.uid } });

    const views = await auditEntries("kyc.viewed");
    assert.equal(views.length, 2);
    assert.deepEqual(views.map((v) => v.actorUid).sort(), [admin.uid, moderator.uid].sort());
    for (const v of views) assert.equal(v.targetUid, user.uid);

    const before = await allPaths();
    await expectHttpsError(callInProcess(getKycDetails, { user: viewer, data: { uid: user.uid } }), "permission-denied");
    await expectHttpsError(callInProcess(getKycDetails, { user, data: { uid: user.uid } }), "permission-denied");
    await expectHttpsError(
      callInProcess(reviewKyc, { user: viewer, data: { uid: user.uid, decision: "approve", reason: "looks fine", requestId: randomUUID() } }),
      "permission-denied",
    );
    await expectHttpsError(
      callInProcess(reviewKyc, { user, data: { uid: user.uid, decision: "approve", reason: "it is me", requestId: randomUUID() } }),
      "permission-denied",
    );
    await expectHttpsError(callInProcess(getKycDetails, { data: { uid: user.uid } }), "unauthenticated");
    assert.deepEqual(await allPaths(), before, "refused calls write nothing, not even an audit entry");
    assert.equal((await docData(`kyc/${user.uid}`))?.status, "pending");
  });

  it("refuses self-review by a moderator and unknown users", async () => {
    const modSubmission = submission(moderator);
    await callInProcess(submitKyc, { user: moderator, data: modSubmission });
    await expectHttpsError(
      callInProcess(reviewKyc, { user: moderator, data: { uid: moderator.uid, decision: "approve", reason: "self", requestId: randomUUID() } }),
      "permission-denied",
    );
    await expectHttpsError(
      callInProcess(reviewKyc, { user: moderator, data: { uid: "nobody", decision: "approve", reason: "none", requestId: randomUUID() } }),
      "not-found",
    );
    await expectHttpsError(callInProcess(getKycDetails, { user: moderator, data: { uid: "nobody" } }), "not-found");
    assert.equal((await callInProcess(getMyKyc, { user })).status, "none");
  });

  it("reports data-loss (not the data) when ciphertexts were swapped between users", async () => {
    const other = await createTestUser();
    await callInProcess(submitKyc, { user, data: submission(user) });
    await callInProcess(submitKyc, { user: other, data: submission(other, { legalName: "Other Person" }) });
    const stolen = (await docData(`kyc/${other.uid}`))?.encrypted;
    await db().doc(`kyc/${user.uid}`).update({ encrypted: stolen });
    await expectHttpsError(callInProcess(getKycDetails, { user: moderator, data: { uid: user.uid } }), "data-loss");
    await expectHttpsError(callInProcess(getMyKyc, { user }), "data-loss");
    assert.equal((await auditEntries("kyc.viewed")).length, 0);
  });

  it("rejects malformed input with invalid-argument and writes nothing", async () => {
    const minor = new Date();
    minor.setUTCFullYear(minor.getUTCFullYear() - 17);
    const bad: unknown[] = [
      null,
      "passport",
      submission(user, { documentType: "library_card" }),
      submission(user, { documentPaths: [] }),
      submission(user, { documentPaths: [1, 2, 3, 4, 5].map((n) => `kyc/${user.uid}/${n}.jpg`) }),
      submission(user, { documentPaths: [`kyc/${viewer.uid}/front.jpg`] }),
      submission(user, { documentPaths: [`kyc/${user.uid}/../${viewer.uid}/front.jpg`] }),
      submission(user, { documentPaths: [`avatars/${user.uid}/front.jpg`] }),
      submission(user, { documentPaths: [`kyc/${user.uid}/a.jpg`, `kyc/${user.uid}/a.jpg`] }),
      submission(user, { dateOfBirth: minor.toISOString().slice(0, 10) }),
      submission(user, { dateOfBirth: "1990-02-30" }),
      submission(user, { dateOfBirth: "14/07/1991" }),
      submission(user, { dateOfBirth: "1850-01-01" }),
      submission(user, { legalName: " " }),
      submission(user, { documentNumber: "<script>" }),
      submission(user, { requestId: "short" }),
      submission(user, { status: "approved" }),
      { ...PERSONAL, documentType: "passport" },
    ];
    for (const data of bad) await expectHttpsError(callInProcess(submitKyc, { user, data }), "invalid-argument");
    for (const data of [
      { uid: user.uid, decision: "maybe", reason: "x?x", requestId: randomUUID() },
      { uid: user.uid, decision: "approve", requestId: randomUUID() },
      { uid: user.uid, decision: "approve", reason: "", requestId: randomUUID() },
      { uid: "agency:stars", decision: "approve", reason: "documents match", requestId: randomUUID() },
      { uid: `${user.uid}.x`, decision: "approve", reason: "documents match", requestId: randomUUID() },
      { uid: "", decision: "approve", reason: "documents match", requestId: randomUUID() },
    ]) {
      await expectHttpsError(callInProcess(reviewKyc, { user: moderator, data }), "invalid-argument");
    }
    for (const data of [{}, null, { uid: "" }, { uid: "a$b" }, { uid: "x:y" }]) {
      await expectHttpsError(callInProcess(getKycDetails, { user: moderator, data }), "invalid-argument");
    }
    await expectHttpsError(callInProcess(getMyKyc, { user, data: { uid: viewer.uid } }), "invalid-argument");
    assert.deepEqual(await allPaths(), []);
  });

  it("accepts an 18th birthday today", async () => {
    const today = new Date();
    const dob = `${today.getUTCFullYear() - 18}-${String(today.getUTCMonth() + 1).padStart(2, "0")}-${String(today.getUTCDate()).padStart(2, "0")}`;
    if (dob.endsWith("-02-29")) return assert.ok(true);
    await callInProcess(submitKyc, { user, data: submission(user, { dateOfBirth: dob, documentType: "driver_license" }) });
    assert.equal((await docData(`kyc/${user.uid}`))?.documentType, "driver_license");
  });
});
