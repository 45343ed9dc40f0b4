import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  announceToAgency,
  answerAgencyRequest,
  applyForAgency,
  createSubAgency,
  deleteAgency,
  exportAgencyStatement,
  getAgencyDashboard,
  inviteToAgency,
  reviewAgency,
  searchAgencies,
  setAgencyMemberRole,
  updateAgencyProfile,
  updateAgencySettings,
} from "../../src/agencies/callables.js";
import { previousPeriod } from "../../src/agencies/salary.js";
import type { SearchAgenciesResponse } from "../../src/agencies/schema.js";
import { auth, db } from "../../src/kernel/app.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { queuedFor } from "../support/notifications.js";
import { applyFor, approvedAgency, call, join, type Member, makeAccount, useCleanAgenciesStack } from "./support.js";

async function refusal(promise: Promise<unknown>, code: Parameters<typeof expectHttpsError>[1], reason: string): Promise<void> {
  const err = await expectHttpsError(promise, code);
  assert.equal((err.details as { reason?: string } | undefined)?.reason, reason, err.message);
}

const rolesOf = async (uid: string) => ((await auth().getUser(uid)).customClaims?.roles as string[] | undefined) ?? [];

describe("agencies: application, review, profile, search and deletion", function () {
  this.timeout(30_000);
  useCleanAgenciesStack();

  let admin: Member;
  let owner: Member;
  beforeEach(async () => {
    [admin, owner] = await Promise.all([makeAccount(["admin"]), makeAccount()]);
  });

  it("an application stays pending until an admin approves it: role, owner membership and wallet follow, audited", async () => {
    const agencyId = await applyFor(owner);
    assert.equal((await docData(`agencies/${agencyId}`))?.status, "pending");
    assert.equal(await docData(`wallets/agency:${agencyId}`), undefined);
    await refusal(call(applyForAgency, owner, { name: "Second", country: "IN", requestId: randomUUID() }), "failed-precondition", "already-owner");
    await expectHttpsError(call(reviewAgency, owner, { agencyId, approve: true, reason: "self approval" }), "permission-denied");

    await call(reviewAgency, admin, { agencyId, approve: true, reason: "documents checked" });
    assert.equal((await docData(`agencies/${agencyId}`))?.status, "active");
    assert.deepEqual(await rolesOf(owner.uid), ["agencyOwner"]);
    assert.deepEqual((await docData(`users/${owner.uid}`))?.roles, ["agencyOwner"]);
    assert.equal((await docData(`users/${owner.uid}`))?.agencyId, agencyId);
    assert.equal((await docData(`agencies/${agencyId}/members/${owner.uid}`))?.role, "owner");
    assert.equal((await docData(`wallets/agency:${agencyId}`))?.diamonds, 0);
    const audit = await db().collection("auditLog").where("action", "==", "agencies.review").get();
    assert.equal(audit.size, 1);
    assert.deepEqual([audit.docs[0]?.get("before"), audit.docs[0]?.get("after"), audit.docs[0]?.get("actorUid")], ["pending", "active", admin.uid]);
    assert.equal((await queuedFor(owner.uid, "agency-approved")).length, 1);
    await refusal(call(reviewAgency, admin, { agencyId, approve: false, reason: "changed my mind" }), "failed-precondition", "not-reviewable");
  });

  it("a rejected application grants nothing and frees the owner to apply again", async () => {
    const agencyId = await applyFor(owner);
    await call(reviewAgency, admin, { agencyId, approve: false, reason: "incomplete documents" });
    assert.equal((await docData(`agencies/${agencyId}`))?.status, "rejected");
    assert.deepEqual(await rolesOf(owner.uid), []);
    assert.equal((await docData(`users/${owner.uid}`))?.agencyId, undefined);
    assert.equal((await queuedFor(owner.uid, "agency-rejected")).length, 1);
    assert.notEqual(await applyFor(owner), agencyId);
  });

  it("malformed requests are invalid-argument and write nothing", async () => {
    const agencyId = await applyFor(owner);
    const before = await allPaths();
    const bad: [Parameters<typeof callInProcess>[0], unknown][] = [
      [applyForAgency, { name: "Ok name", country: "India", requestId: randomUUID() }],
      [applyForAgency, { name: "ab", country: "IN", requestId: randomUUID() }],
      [applyForAgency, { name: "Ok name", country: "IN", requestId: randomUUID(), ownerUid: admin.uid }],
      [applyForAgency, { name: "Ok name", country: "IN", requestId: "short" }],
      [updateAgencyProfile, { agencyId }],
      [updateAgencyProfile, { agencyId: "a/b", name: "Fine name" }],
      [updateAgencySettings, { agencyId, settings: { maxMembers: 0 } }],
      [searchAgencies, { cursor: "" }],
      [searchAgencies, { cursor: "not-a-cursor" }],
      [inviteToAgency, { agencyId, uid: "a.b" }],
      [answerAgencyRequest, { agencyId, uid: owner.uid, accept: "yes" }],
      [setAgencyMemberRole, { agencyId, uid: owner.uid, role: "owner" }],
      [announceToAgency, { agencyId, message: " ", requestId: randomUUID() }],
      [exportAgencyStatement, { agencyId, period: "last week" }],
      [getAgencyDashboard, { agencyId, period: "2026-W99" }],
    ];
    for (const [fn, data] of bad) await expectHttpsError(call(fn, owner, data), "invalid-argument");
    await expectHttpsError(call(reviewAgency, admin, { agencyId, approve: "yes", reason: "ok then" }), "invalid-argument");
    await expectHttpsError(
      call(createSubAgency, admin, { agencyId, agentUid: owner.uid, name: "Sub agency", ratioBps: 20_000, requestId: randomUUID() }),
      "invalid-argument",
    );
    assert.deepEqual(await allPaths(), before);
  });

  it("profile and settings: the owner edits them, others are refused, names are filtered", async () => {
    const agencyId = await approvedAgency(owner, admin);
    const stranger = await makeAccount();
    await call(updateAgencyProfile, owner, { agencyId, name: "Moon Talent", logoMediaId: "logo-1", country: "AE" });
    const stored = await docData(`agencies/${agencyId}`);
    assert.deepEqual([stored?.name, stored?.nameLower, stored?.logoMediaId, stored?.country], ["Moon Talent", "moon talent", "logo-1", "AE"]);
    await refusal(call(updateAgencyProfile, stranger, { agencyId, name: "Taken over" }), "permission-denied", "not-agency-staff");
    await refusal(call(updateAgencyProfile, owner, { agencyId, name: "fuck agency" }), "invalid-argument", "text-not-allowed");

    const settings = await call(updateAgencySettings, owner, { agencyId, settings: { acceptApplications: false, defaultCommissionBps: 300 } });
    assert.deepEqual(settings, { acceptApplications: false, maxMembers: 500, defaultCommissionBps: 300 });
    await refusal(call(updateAgencySettings, stranger, { agencyId, settings: { maxMembers: 1 } }), "permission-denied", "not-agency-staff");
  });

  it("search lists active agencies by name prefix and country, in pages", async () => {
    const owners = await Promise.all(Array.from({ length: 5 }, () => makeAccount()));
    const names = ["Star One", "Star Two", "Starlight", "Moon", "Star Pending"];
    for (const [i, who] of owners.entries()) {
      if (i === 4) await applyFor(who, { name: names[i] });
      else await approvedAgency(who, admin, { name: names[i], country: i === 1 ? "AE" : "IN" });
    }
    const page = (data: Record<string, unknown>) => call<SearchAgenciesResponse>(searchAgencies, owner, data);
    const first = await page({ namePrefix: "star", limit: 2 });
    assert.deepEqual(
      first.agencies.map((a) => a.name),
      ["Star One", "Star Two"],
    );
    const second = await page({ namePrefix: "star", limit: 2, cursor: first.nextCursor });
    assert.deepEqual(
      second.agencies.map((a) => a.name),
      ["Starlight"],
    );
    assert.equal(second.nextCursor, null);
    assert.deepEqual(
      (await page({ country: "IN" })).agencies.map((a) => a.name),
      ["Moon", "Star One", "Starlight"],
    );
    assert.deepEqual(
      (await page({ country: "AE", namePrefix: "Star" })).agencies.map((a) => a.name),
      ["Star Two"],
    );
    assert.equal(((await callInProcess(searchAgencies, { user: owner, data: null })) as SearchAgenciesResponse).agencies.length, 4);
  });

  it("deletion settles the last closed period, releases and notifies every member, and takes the owner's role", async () => {
    const agencyId = await approvedAgency(owner, admin);
    const [host, stranger] = await Promise.all([makeAccount(), makeAccount()]);
    await join(owner, host, agencyId);
    await refusal(call(deleteAgency, stranger, { agencyId }), "permission-denied", "not-agency-staff");

    const result = await call<{ released: number }>(deleteAgency, owner, { agencyId });
    assert.equal(result.released, 2);
    assert.equal((await docData(`agencies/${agencyId}`))?.status, "deleted");
    const period = previousPeriod(Date.now(), { period: "weekly", cutoffHourUtc: 0 });
    assert.ok((await docData(`agencyStatements/${agencyId}__${period.key}`))?.paidAt, "the last closed period is settled first");
    for (const member of [owner, host]) {
      assert.equal((await docData(`users/${member.uid}`))?.agencyId, null);
      assert.equal(await docData(`agencies/${agencyId}/members/${member.uid}`), undefined);
    }
    assert.equal((await queuedFor(host.uid, "agency-deleted")).length, 1);
    assert.deepEqual(await rolesOf(owner.uid), []);
    // Again: nothing left to release.
    assert.equal((await call<{ released: number }>(deleteAgency, owner, { agencyId })).released, 0);
  });
});
