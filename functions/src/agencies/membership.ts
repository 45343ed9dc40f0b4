/**
 * Membership. A user belongs to at most one agency: users/{uid}.agencyId (what gifts read) is written here
 * only, in the transaction that creates or ends the membership, and every join re-checks it there, so two
 * agencies accepting the same host at once cannot both succeed. Hosts join by an invitation from the
 * owner or a manager (never while they are a member elsewhere: no poaching) or by an application the
 * owner or a manager accepts. A host leaves by a request the owner approves, or that takes effect by
 * itself after config leaveTimeoutHours (releaseExpiredLeaves); a departed host may join no agency for
 * rejoinCooldownHours. Owners and managers remove members with a notice.
 */
import type { DocumentSnapshot, Timestamp, Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { publishClaims } from "../kernel/claims.js";
import { Collections, userRef } from "../kernel/collections.js";
import { fail, refuse } from "../kernel/errors.js";
import { millisOf } from "../kernel/fields.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";
import { notifyAfterCommit } from "../notifications/after-commit.js";
import { readAgency, requireActive, type StoredAgency, stageOwnerRole } from "./agency-record.js";
import { syncChatMemberAfterCommit } from "./chat.js";
import { type AgenciesConfig, agenciesConfig } from "./config.js";
import type { AgencyRefusal, AgencyRequest, AnswerRequest, MemberRequest, MemberRole, SetMemberRoleRequest } from "./schema.js";
import { agencyRef, joinRequestRef, memberRef } from "./store.js";

/** Member doc and users/{uid}.agencyId (transaction writes, after its reads). */
export function writeMembership(tx: Transaction, agencyId: string, uid: string, role: MemberRole): void {
  const now = firestoreValues().FieldValue.serverTimestamp();
  tx.create(memberRef(agencyId, uid), { uid, agencyId, role, joinedAt: now, leaveRequestedAt: null });
  tx.set(userRef(uid), { agencyId, updatedAt: now }, { merge: true });
}

/** The caller's role in the agency, or null (admins act as owners). */
async function roleIn(tx: Transaction, caller: Caller, agency: StoredAgency): Promise<MemberRole | null> {
  if (caller.roles.includes("admin")) return "owner";
  const member = await tx.get(memberRef(agency.id, caller.uid));
  return member.exists ? (member.get("role") as MemberRole) : null;
}

async function requireStaff(tx: Transaction, caller: Caller, agency: StoredAgency): Promise<MemberRole> {
  const role = await roleIn(tx, caller, agency);
  if (role !== "owner" && role !== "manager")
    refuse<AgencyRefusal>("permission-denied", "not-agency-staff", "Only the agency's owner or managers may do this.");
  return role;
}

/** Refuses a user who cannot join: a member anywhere (here or elsewhere), or within the rejoin cool-down. */
function requireJoinable(user: DocumentSnapshot, agencyId: string, config: AgenciesConfig, nowMs: number): void {
  if (!user.exists) fail("not-found", "No such user.");
  const current = user.get("agencyId");
  if (current === agencyId) refuse<AgencyRefusal>("failed-precondition", "already-member", "Already a member of this agency.");
  if (current) refuse<AgencyRefusal>("failed-precondition", "member-elsewhere", "This user is a member of another agency.");
  const leftAt = millisOf(user.get("agencyLeftAt"));
  const until = leftAt === null ? 0 : leftAt + config.rejoinCooldownHours * 3_600_000;
  if (nowMs < until)
    refuse<AgencyRefusal>("failed-precondition", "cooling-down", "This user left an agency recently.", { until: new Date(until).toISOString() });
}

export async function inviteHost(caller: Caller, request: MemberRequest): Promise<{ invited: true }> {
  const config = await agenciesConfig();
  const agency = await runTransaction(async (tx) => {
    const agency = await readAgency(tx, request.agencyId);
    const user = await tx.get(userRef(request.uid));
    requireActive(agency);
    await requireStaff(tx, caller, agency);
    requireJoinable(user, agency.id, config, Date.now());
    tx.set(joinRequestRef(agency.id, request.uid), {
      uid: request.uid,
      agencyId: agency.id,
      kind: "invitation",
      byUid: caller.uid,
      createdAt: firestoreValues().FieldValue.serverTimestamp(),
    });
    return agency;
  });
  await notifyAfterCommit({
    recipient: request.uid,
    type: "agency-invitation",
    actorUid: caller.uid,
    data: { agencyId: agency.id, agencyName: agency.name },
    dedupeKey: `agency-invitation:${agency.id}:${request.uid}:${Date.now()}`,
  });
  return { invited: true };
}

export async function applyToAgency(caller: Caller, request: AgencyRequest): Promise<{ applied: true }> {
  const config = await agenciesConfig();
  const agency = await runTransaction(async (tx) => {
    const agency = await readAgency(tx, request.agencyId);
    const user = await tx.get(userRef(caller.uid));
    requireActive(agency);
    if (!agency.settings.acceptApplications)
      refuse<AgencyRefusal>("failed-precondition", "applications-closed", "This agency takes members by invitation only.");
    requireJoinable(user, agency.id, config, Date.now());
    tx.set(joinRequestRef(agency.id, caller.uid), {
      uid: caller.uid,
      agencyId: agency.id,
      kind: "application",
      byUid: caller.uid,
      createdAt: firestoreValues().FieldValue.serverTimestamp(),
    });
    return agency;
  });
  await notifyAfterCommit({
    recipient: agency.ownerUid,
    type: "agency-application",
    actorUid: caller.uid,
    data: { agencyId: agency.id, agencyName: agency.name, uid: caller.uid },
    dedupeKey: `agency-application:${agency.id}:${caller.uid}:${Date.now()}`,
  });
  return { applied: true };
}

/** The invitee answers an invitation; the owner or a manager answers an application. */
export async function answerJoinRequest(caller: Caller, request: AnswerRequest): Promise<{ joined: boolean }> {
  const config = await agenciesConfig();
  const outcome = await runTransaction(async (tx) => {
    const agency = await readAgency(tx, request.agencyId);
    const [pending, user] = await Promise.all([tx.get(joinRequestRef(agency.id, request.uid)), tx.get(userRef(request.uid))]);
    if (!pending.exists) refuse<AgencyRefusal>("not-found", "request-not-found", "No such invitation or application.");
    if (pending.get("kind") === "invitation") {
      if (caller.uid !== request.uid) refuse<AgencyRefusal>("permission-denied", "not-agency-staff", "Only the invited user may answer.");
    } else {
      await requireStaff(tx, caller, agency);
    }
    if (request.accept) {
      requireActive(agency);
      requireJoinable(user, agency.id, config, Date.now());
      if (agency.memberCount >= agency.settings.maxMembers)
        refuse<AgencyRefusal>("failed-precondition", "agency-full", "This agency has no room for more members.");
      writeMembership(tx, agency.id, request.uid, "host");
      tx.update(agencyRef(agency.id), { memberCount: firestoreValues().FieldValue.increment(1) });
    }
    tx.delete(pending.ref);
    return { agency, kind: pending.get("kind") as string };
  });
  if (request.accept) await syncChatMemberAfterCommit(outcome.agency.id, request.uid);
  // The side that did not answer hears the outcome.
  const recipient = outcome.kind === "invitation" ? outcome.agency.ownerUid : request.uid;
  await notifyAfterCommit({
    recipient,
    type: request.accept ? "agency-request-accepted" : "agency-request-declined",
    actorUid: caller.uid,
    data: { agencyId: outcome.agency.id, agencyName: outcome.agency.name },
    dedupeKey: `agency-answer:${outcome.agency.id}:${request.uid}:${Date.now()}`,
  });
  return { joined: request.accept };
}

export async function setMemberRole(caller: Caller, request: SetMemberRoleRequest): Promise<{ role: MemberRole }> {
  return runTransaction(async (tx) => {
    const agency = await readAgency(tx, request.agencyId);
    const [role, member] = await Promise.all([roleIn(tx, caller, agency), tx.get(memberRef(agency.id, request.uid))]);
    if (role !== "owner") refuse<AgencyRefusal>("permission-denied", "not-agency-staff", "Only the agency's owner may change roles.");
    requireActive(agency);
    if (!member.exists) refuse<AgencyRefusal>("not-found", "not-a-member", "Not a member of this agency.");
    if (member.get("role") === "owner") refuse<AgencyRefusal>("failed-precondition", "owner-cannot-leave", "The owner's role cannot change.");
    tx.update(member.ref, { role: request.role });
    return { role: request.role };
  });
}

export async function requestLeave(caller: Caller, request: AgencyRequest): Promise<{ leavesBy: string }> {
  const config = await agenciesConfig();
  return runTransaction(async (tx) => {
    const member = await tx.get(memberRef(request.agencyId, caller.uid));
    if (!member.exists) refuse<AgencyRefusal>("not-found", "not-a-member", "You are not a member of this agency.");
    if (member.get("role") === "owner")
      refuse<AgencyRefusal>("failed-precondition", "owner-cannot-leave", "An owner deletes the agency instead of leaving it.");
    const requested = millisOf(member.get("leaveRequestedAt"));
    const { Timestamp: Ts } = firestoreValues();
    const at = requested ?? Date.now();
    if (requested === null) tx.update(member.ref, { leaveRequestedAt: Ts.fromMillis(at) });
    return { leavesBy: new Date(at + config.leaveTimeoutHours * 3_600_000).toISOString() };
  });
}

/** The owner (or an admin) lets a member with a leave request go now. */
export async function approveLeave(caller: Caller, request: MemberRequest): Promise<{ left: boolean }> {
  await runTransaction(async (tx) => {
    const agency = await readAgency(tx, request.agencyId);
    const [role, member] = await Promise.all([roleIn(tx, caller, agency), tx.get(memberRef(agency.id, request.uid))]);
    if (role !== "owner") refuse<AgencyRefusal>("permission-denied", "not-agency-staff", "Only the agency's owner may approve a departure.");
    if (!member.exists) refuse<AgencyRefusal>("not-found", "not-a-member", "Not a member of this agency.");
    if (!member.get("leaveRequestedAt")) refuse<AgencyRefusal>("failed-precondition", "leave-not-requested", "This member has not asked to leave.");
  });
  return { left: await releaseMember(request.agencyId, request.uid, "left") };
}

/** The owner, or a manager for hosts, removes a member. */
export async function removeMember(caller: Caller, request: MemberRequest): Promise<{ removed: boolean }> {
  await runTransaction(async (tx) => {
    const agency = await readAgency(tx, request.agencyId);
    const member = await tx.get(memberRef(agency.id, request.uid));
    const role = await requireStaff(tx, caller, agency);
    if (!member.exists) refuse<AgencyRefusal>("not-found", "not-a-member", "Not a member of this agency.");
    const target = member.get("role") as MemberRole;
    if (target === "owner" || (role === "manager" && target !== "host")) {
      refuse<AgencyRefusal>("permission-denied", "not-agency-staff", "Managers may remove hosts only; the owner cannot be removed.");
    }
  });
  return { removed: await releaseMember(request.agencyId, request.uid, "removed") };
}

export type ReleaseReason = "left" | "removed" | "agency-deleted";

/**
 * Ends a membership: the member document goes, users/{uid}.agencyId is cleared (if it still names this
 * agency) with the time of leaving (the rejoin cool-down), and a released owner loses the agencyOwner
 * role. False when there was no membership (a retry). The member hears why, once.
 */
export async function releaseMember(agencyId: string, uid: string, reason: ReleaseReason): Promise<boolean> {
  const released = await runTransaction(async (tx) => {
    const [member, user, agency] = await Promise.all([tx.get(memberRef(agencyId, uid)), tx.get(userRef(uid)), tx.get(agencyRef(agencyId))]);
    if (!member.exists) return null;
    const wasOwner = member.get("role") === "owner";
    if (wasOwner) await stageOwnerRole(tx, uid, false, user);
    const { FieldValue } = firestoreValues();
    tx.delete(member.ref);
    if (user.exists && user.get("agencyId") === agencyId) {
      tx.update(user.ref, { agencyId: null, agencyLeftAt: FieldValue.serverTimestamp(), updatedAt: FieldValue.serverTimestamp() });
    }
    if (agency.exists) tx.update(agency.ref, { memberCount: FieldValue.increment(-1) });
    return { agencyName: String(agency.get("name") ?? ""), wasOwner };
  });
  // Also on a retry (nothing released): the mirror write may be what failed the first time.
  await syncChatMemberAfterCommit(agencyId, uid);
  if (released === null) return false;
  if (released.wasOwner) await publishClaims(uid);
  const { agencyName } = released;
  if (reason !== "left") {
    await notifyAfterCommit({
      recipient: uid,
      type: reason === "removed" ? "agency-member-removed" : "agency-deleted",
      data: { agencyId, agencyName },
      dedupeKey: `agency-release:${agencyId}:${uid}`,
    });
  }
  return true;
}

/** Lets go every member whose leave request is older than the timeout; returns how many left. */
export async function releaseExpiredLeaves(nowMs = Date.now()): Promise<number> {
  const config = await agenciesConfig();
  const { Timestamp: Ts } = firestoreValues();
  const cutoff: Timestamp = Ts.fromMillis(nowMs - config.leaveTimeoutHours * 3_600_000);
  const due = await db().collectionGroup(Collections.agencyMembers).where("leaveRequestedAt", "<=", cutoff).limit(500).get();
  let released = 0;
  for (const member of due.docs) {
    try {
      if (await releaseMember(String(member.get("agencyId")), member.id, "left")) released++;
    } catch (err) {
      log.error("agency leave not released", { path: member.ref.path, error: String(err) });
    }
  }
  return released;
}
