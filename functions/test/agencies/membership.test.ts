import assert from "node:assert/strict";
import {
  answerAgencyRequest,
  applyToAgency,
  approveAgencyLeave,
  inviteToAgency,
  removeAgencyMember,
  requestAgencyLeave,
  setAgencyMemberRole,
  updateAgencySettings,
} from "../../src/agencies/callables.js";
import { releaseExpiredLeaves } from "../../src/agencies/membership.js";
import { db } from "../../src/kernel/app.js";
import { expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { queuedFor } from "../support/notifications.js";
import { approvedAgency, call, join, type Member, makeAccount, setAgenciesConfig, useCleanAgenciesStack } from "./support.js";

async function refusal(promise: Promise<unknown>, code: Parameters<typeof expectHttpsError>[1], reason: string): Promise<void> {
  const err = await expectHttpsError(promise, code);
  assert.equal((err.details as { reason?: string } | undefined)?.reason, reason, err.message);
}

const agencyOf = async (uid: string) => (await docData(`users/${uid}`))?.agencyId;

describe("agencies: membership (one agency at a time, anti-poaching, leaving, removal)", function () {
  this.timeout(30_000);
  useCleanAgenciesStack();

  let admin: Member;
  let owner: Member;
  let rival: Member;
  let host: Member;
  let agencyId: string;
  let rivalId: string;
  beforeEach(async () => {
    [admin, owner, rival, host] = await Promise.all([makeAccount(["admin"]), makeAccount(), makeAccount(), makeAccount()]);
    agencyId = await approvedAgency(owner, admin, { name: "Sun Agency" });
    rivalId = await approvedAgency(rival, admin, { name: "Rival Agency" });
  });

  it("an invited host joins on accepting: membership, users/{uid}.agencyId and both notices", async () => {
    await call(inviteToAgency, owner, { agencyId, uid: host.uid });
    assert.equal((await queuedFor(host.uid, "agency-invitation")).length, 1);
    await refusal(call(answerAgencyRequest, owner, { agencyId, uid: host.uid, accept: true }), "permission-denied", "not-agency-staff");
    assert.deepEqual(await call(answerAgencyRequest, host, { agencyId, uid: host.uid, accept: true }), { joined: true });
    assert.equal(await agencyOf(host.uid), agencyId);
    assert.equal((await docData(`agencies/${agencyId}/members/${host.uid}`))?.role, "host");
    assert.equal((await docData(`agencies/${agencyId}`))?.memberCount, 2);
    assert.equal(await docData(`agencies/${agencyId}/requests/${host.uid}`), undefined);
    assert.equal((await queuedFor(owner.uid, "agency-request-accepted")).length, 1);
    await refusal(call(answerAgencyRequest, host, { agencyId, uid: host.uid, accept: true }), "not-found", "request-not-found");
  });

  it("anti-poaching: no invitation to, and no application from, a member of another agency; nothing is written", async () => {
    await join(owner, host, agencyId);
    const other = await makeAccount();
    const before = await allPaths();
    await refusal(call(inviteToAgency, rival, { agencyId: rivalId, uid: host.uid }), "failed-precondition", "member-elsewhere");
    await refusal(call(applyToAgency, host, { agencyId: rivalId }), "failed-precondition", "member-elsewhere");
    await refusal(call(inviteToAgency, owner, { agencyId, uid: host.uid }), "failed-precondition", "already-member");
    // Only staff invite.
    await refusal(call(inviteToAgency, host, { agencyId, uid: other.uid }), "permission-denied", "not-agency-staff");
    assert.deepEqual(await allPaths(), before);
    // Only the invitation the host accepted was ever sent.
    assert.equal((await queuedFor(host.uid, "agency-invitation")).length, 1);
  });

  it("a host accepted by two agencies at once joins exactly one of them", async () => {
    await call(applyToAgency, host, { agencyId });
    await call(applyToAgency, host, { agencyId: rivalId });
    assert.equal((await queuedFor(owner.uid, "agency-application")).length, 1);
    const outcomes = await Promise.allSettled([
      call(answerAgencyRequest, owner, { agencyId, uid: host.uid, accept: true }),
      call(answerAgencyRequest, rival, { agencyId: rivalId, uid: host.uid, accept: true }),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status).sort(), ["fulfilled", "rejected"]);
    const winner = outcomes[0]?.status === "fulfilled" ? agencyId : rivalId;
    assert.equal(await agencyOf(host.uid), winner);
    const memberships = await Promise.all([agencyId, rivalId].map((id) => docData(`agencies/${id}/members/${host.uid}`)));
    assert.equal(memberships.filter(Boolean).length, 1);
  });

  it("applications: closed agencies refuse them; a manager accepts; managers remove hosts but not managers", async () => {
    const [manager, second] = await Promise.all([makeAccount(), makeAccount()]);
    await join(owner, manager, agencyId);
    await refusal(call(setAgencyMemberRole, manager, { agencyId, uid: manager.uid, role: "manager" }), "permission-denied", "not-agency-staff");
    await call(setAgencyMemberRole, owner, { agencyId, uid: manager.uid, role: "manager" });
    await call(applyToAgency, host, { agencyId });
    await call(answerAgencyRequest, manager, { agencyId, uid: host.uid, accept: true });
    assert.equal(await agencyOf(host.uid), agencyId);

    await call(updateAgencySettings, owner, { agencyId, settings: { acceptApplications: false } });
    await refusal(call(applyToAgency, second, { agencyId }), "failed-precondition", "applications-closed");

    await call(setAgencyMemberRole, owner, { agencyId, uid: host.uid, role: "manager" });
    await refusal(call(removeAgencyMember, manager, { agencyId, uid: host.uid }), "permission-denied", "not-agency-staff");
    await refusal(call(removeAgencyMember, manager, { agencyId, uid: owner.uid }), "permission-denied", "not-agency-staff");
    await call(setAgencyMemberRole, owner, { agencyId, uid: host.uid, role: "host" });
    assert.deepEqual(await call(removeAgencyMember, manager, { agencyId, uid: host.uid }), { removed: true });
    assert.equal(await agencyOf(host.uid), null);
    assert.equal((await queuedFor(host.uid, "agency-member-removed")).length, 1);
    await refusal(call(removeAgencyMember, manager, { agencyId, uid: host.uid }), "not-found", "not-a-member");
  });

  it("leaving: the owner approves a request; the host then waits out the cool-down before joining elsewhere", async () => {
    await join(owner, host, agencyId);
    await refusal(call(approveAgencyLeave, owner, { agencyId, uid: host.uid }), "failed-precondition", "leave-not-requested");
    await refusal(call(requestAgencyLeave, owner, { agencyId }), "failed-precondition", "owner-cannot-leave");
    await call(requestAgencyLeave, host, { agencyId });
    await refusal(call(approveAgencyLeave, host, { agencyId, uid: host.uid }), "permission-denied", "not-agency-staff");
    assert.deepEqual(await call(approveAgencyLeave, owner, { agencyId, uid: host.uid }), { left: true });
    assert.equal(await agencyOf(host.uid), null);
    assert.equal((await docData(`agencies/${agencyId}`))?.memberCount, 1);

    await refusal(call(inviteToAgency, rival, { agencyId: rivalId, uid: host.uid }), "failed-precondition", "cooling-down");
    await refusal(call(applyToAgency, host, { agencyId: rivalId }), "failed-precondition", "cooling-down");
    await setAgenciesConfig({ rejoinCooldownHours: 0 });
    await call(applyToAgency, host, { agencyId: rivalId });
  });

  it("an agency created before this domain (no status, no settings) takes applications with the default settings", async () => {
    await db().doc("agencies/legacy").set({ ownerUid: owner.uid, name: "Legacy" });
    assert.deepEqual(await call(applyToAgency, host, { agencyId: "legacy" }), { applied: true });
    assert.equal((await docData(`agencies/legacy/requests/${host.uid}`))?.kind, "application");
  });

  it("a leave request the owner leaves unanswered takes effect when its timeout passes", async () => {
    await join(owner, host, agencyId);
    const { leavesBy } = await call<{ leavesBy: string }>(requestAgencyLeave, host, { agencyId });
    // Asking again does not restart the clock.
    assert.equal((await call<{ leavesBy: string }>(requestAgencyLeave, host, { agencyId })).leavesBy, leavesBy);
    assert.equal(await releaseExpiredLeaves(Date.parse(leavesBy) - 60_000), 0);
    assert.equal(await agencyOf(host.uid), agencyId);
    assert.equal(await releaseExpiredLeaves(Date.parse(leavesBy) + 1), 1);
    assert.equal(await agencyOf(host.uid), null);
    assert.equal(await docData(`agencies/${agencyId}/members/${host.uid}`), undefined);
    assert.equal(await releaseExpiredLeaves(Date.parse(leavesBy) + 1), 0);
  });
});
