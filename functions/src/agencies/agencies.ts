/**
 * An agency's life: an application (pending) that admins approve or reject (audited; approval grants the
 * owner the agencyOwner role, makes the owner its first member and opens its wallet), profile and
 * settings edits, search, sub-agencies, and deletion, which settles the last closed period first, then
 * releases every member (users/{uid}.agencyId cleared, so no later gift credits the agency) with a notice.
 */
import type { Query } from "firebase-admin/firestore";
import { chatConfig } from "../chat/config.js";
import { moderateText } from "../chat/profanity.js";
import { db, firestoreValues } from "../kernel/app.js";
import { recordAudit } from "../kernel/audit.js";
import { publishClaims } from "../kernel/claims.js";
import { Collections, userRef } from "../kernel/collections.js";
import { fail, refuse } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { runIdempotent } from "../kernel/idempotency.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";
import { notifyAfterCommit } from "../notifications/after-commit.js";
import { agencyAccount, walletRef } from "../wallet/accounts.js";
import { agencyOf, DEFAULT_SETTINGS, readAgency, requireActive, requireOwner, stageOwnerRole, toAgencyView } from "./agency-record.js";
import { removeAgencyChannel, syncChatMemberAfterCommit } from "./chat.js";
import { agenciesConfig } from "./config.js";
import { releaseMember, writeMembership } from "./membership.js";
import { previousPeriod } from "./salary.js";
import type {
  AgencyRefusal,
  AgencyRequest,
  AgencySettings,
  AgencyStatus,
  AgencyView,
  ApplyForAgencyRequest,
  ApplyForAgencyResponse,
  CreateSubAgencyRequest,
  ReviewAgencyRequest,
  SearchAgenciesRequest,
  SearchAgenciesResponse,
  UpdateAgencyProfileRequest,
  UpdateAgencySettingsRequest,
} from "./schema.js";
import { settleAgencyPeriod } from "./statements.js";
import { agencyRef } from "./store.js";

async function refuseProfanity(...texts: (string | undefined)[]): Promise<void> {
  const chat = await chatConfig();
  for (const text of texts) {
    if (text && moderateText(text, chat).matches > 0)
      refuse<AgencyRefusal>("invalid-argument", "text-not-allowed", "This name or description is not allowed.");
  }
}

export async function applyForAgency(caller: Caller, request: ApplyForAgencyRequest): Promise<ApplyForAgencyResponse> {
  await refuseProfanity(request.name, request.description);
  const config = await agenciesConfig();
  const { requestId, ...profile } = request;
  const { result } = await runIdempotent({ scope: "agencies.apply", owner: caller.uid, key: requestId, payload: profile }, async (tx) => {
    const owned = await tx.get(
      db().collection(Collections.agencies).where("ownerUid", "==", caller.uid).where("status", "in", ["pending", "active"]).limit(1),
    );
    const user = await tx.get(userRef(caller.uid));
    if (!owned.empty) refuse<AgencyRefusal>("failed-precondition", "already-owner", "You already own or applied for an agency.");
    if (user.get("agencyId")) refuse<AgencyRefusal>("failed-precondition", "already-member", "Leave your agency before creating one.");
    const ref = db().collection(Collections.agencies).doc();
    const now = firestoreValues().FieldValue.serverTimestamp();
    tx.create(ref, {
      id: ref.id,
      ownerUid: caller.uid,
      ...profile,
      nameLower: profile.name.toLowerCase(),
      status: "pending",
      parentAgencyId: null,
      ratioBps: null,
      settings: { ...DEFAULT_SETTINGS, maxMembers: config.defaultMaxMembers },
      memberCount: 0,
      createdAt: now,
      updatedAt: now,
    });
    return { agencyId: ref.id, status: "pending" as const };
  });
  return result;
}

export async function reviewAgency(admin: Caller, request: ReviewAgencyRequest): Promise<{ agencyId: string; status: AgencyStatus }> {
  const outcome = await runTransaction(async (tx) => {
    const agency = await readAgency(tx, request.agencyId);
    if (agency.status !== "pending") refuse<AgencyRefusal>("failed-precondition", "not-reviewable", "Only a pending agency can be reviewed.");
    const [owner, wallet] = await Promise.all([tx.get(userRef(agency.ownerUid)), tx.get(walletRef(agencyAccount(agency.id)))]);
    const status: AgencyStatus = request.approve ? "active" : "rejected";
    const now = firestoreValues().FieldValue.serverTimestamp();
    if (request.approve) {
      if (owner.get("agencyId")) refuse<AgencyRefusal>("failed-precondition", "member-elsewhere", "The applicant has joined an agency since.");
      await stageOwnerRole(tx, agency.ownerUid, true, owner);
      writeMembership(tx, agency.id, agency.ownerUid, "owner");
      if (!wallet.exists) tx.create(wallet.ref, { id: wallet.id, coins: 0, diamonds: 0, inDebt: false, createdAt: now, updatedAt: now });
    }
    tx.update(agencyRef(agency.id), { status, memberCount: request.approve ? 1 : 0, reviewedBy: admin.uid, reviewedAt: now, updatedAt: now });
    recordAudit(tx, {
      action: "agencies.review",
      actorUid: admin.uid,
      targetUid: agency.ownerUid,
      reason: request.reason,
      before: agency.status,
      after: status,
      details: { agencyId: agency.id },
    });
    return { ownerUid: agency.ownerUid, name: agency.name, status };
  });
  if (request.approve) {
    await publishClaims(outcome.ownerUid);
    await syncChatMemberAfterCommit(request.agencyId, outcome.ownerUid);
  }
  await notifyAfterCommit({
    recipient: outcome.ownerUid,
    type: request.approve ? "agency-approved" : "agency-rejected",
    data: { agencyId: request.agencyId, agencyName: outcome.name },
    dedupeKey: `agency-review:${request.agencyId}`,
  });
  return { agencyId: request.agencyId, status: outcome.status };
}

export async function updateAgencyProfile(caller: Caller, request: UpdateAgencyProfileRequest): Promise<AgencyView> {
  await refuseProfanity(request.name, request.description);
  const { agencyId, ...changes } = request;
  return runTransaction(async (tx) => {
    const agency = await readAgency(tx, agencyId);
    requireOwner(caller, agency);
    if (agency.status !== "active" && agency.status !== "pending") requireActive(agency);
    const update: Record<string, unknown> = { ...changes, updatedAt: firestoreValues().FieldValue.serverTimestamp() };
    if (changes.name) update.nameLower = changes.name.toLowerCase();
    tx.update(agencyRef(agencyId), update);
    return toAgencyView({ ...agency, ...changes });
  });
}

export async function updateAgencySettings(caller: Caller, request: UpdateAgencySettingsRequest): Promise<AgencySettings> {
  return runTransaction(async (tx) => {
    const agency = await readAgency(tx, request.agencyId);
    requireOwner(caller, agency);
    requireActive(agency);
    const settings = { ...agency.settings, ...request.settings };
    tx.update(agencyRef(agency.id), { settings, updatedAt: firestoreValues().FieldValue.serverTimestamp() });
    return settings;
  });
}

/** Cursor of the search: the last agency's lower-case name and id. */
const encodeCursor = (nameLower: string, id: string) => Buffer.from(JSON.stringify([nameLower, id])).toString("base64url");
function decodeCursor(raw: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "string")) return value as [string, string];
  } catch {
    // fall through
  }
  return fail("invalid-argument", "Invalid request: cursor: malformed cursor", {
    issues: [{ path: "cursor", message: "malformed cursor", code: "custom" }],
  });
}

/** Active agencies by name prefix and country, in name order. */
export async function searchAgencies(request: SearchAgenciesRequest): Promise<SearchAgenciesResponse> {
  let query: Query = db().collection(Collections.agencies).where("status", "==", "active");
  if (request.country) query = query.where("country", "==", request.country);
  if (request.namePrefix) {
    const prefix = request.namePrefix.toLowerCase();
    query = query.where("nameLower", ">=", prefix).where("nameLower", "<", `${prefix}\uf8ff`);
  }
  query = query.orderBy("nameLower").orderBy("id");
  if (request.cursor) query = query.startAfter(...decodeCursor(request.cursor));
  const page = await query.limit(request.limit + 1).get();
  const docs = page.docs.slice(0, request.limit);
  const last = docs.at(-1);
  return {
    agencies: docs.map((doc) => toAgencyView(doc.data())),
    nextCursor: page.size > request.limit && last ? encodeCursor(String(last.get("nameLower")), last.id) : null,
  };
}

/**
 * A sub-agency: an agency under this one, run by an agent (who must belong to no agency) with its own
 * ratio, at most the agency's default commission unless the owner names one (never above 100%).
 */
export async function createSubAgency(caller: Caller, request: CreateSubAgencyRequest): Promise<ApplyForAgencyResponse> {
  await refuseProfanity(request.name);
  const config = await agenciesConfig();
  const { requestId, ...payload } = request;
  const { result } = await runIdempotent({ scope: "agencies.createSubAgency", owner: caller.uid, key: requestId, payload }, async (tx) => {
    const parent = await readAgency(tx, request.agencyId);
    const [agent, owned] = await Promise.all([
      tx.get(userRef(request.agentUid)),
      tx.get(db().collection(Collections.agencies).where("ownerUid", "==", request.agentUid).where("status", "in", ["pending", "active"]).limit(1)),
    ]);
    requireOwner(caller, parent);
    requireActive(parent);
    if (parent.parentAgencyId) refuse<AgencyRefusal>("failed-precondition", "not-agency-staff", "A sub-agency cannot have sub-agencies.");
    if (!agent.exists) fail("not-found", "No such user.");
    if (agent.get("agencyId") || !owned.empty)
      refuse<AgencyRefusal>("failed-precondition", "member-elsewhere", "The agent already belongs to an agency.");
    const ratioBps = request.ratioBps ?? parent.settings.defaultCommissionBps;
    const topRatio = Math.max(...config.commissionTiers.map((t) => t.ratioBps));
    if (ratioBps > topRatio) refuse<AgencyRefusal>("invalid-argument", "ratio-above-agency", "A sub-agent's ratio cannot exceed the agency's.");
    const ref = db().collection(Collections.agencies).doc();
    const now = firestoreValues().FieldValue.serverTimestamp();
    await stageOwnerRole(tx, request.agentUid, true, agent);
    tx.create(ref, {
      id: ref.id,
      ownerUid: request.agentUid,
      name: request.name,
      nameLower: request.name.toLowerCase(),
      logoMediaId: null,
      description: "",
      country: parent.country,
      status: "active",
      parentAgencyId: parent.id,
      ratioBps,
      settings: { ...parent.settings },
      memberCount: 1,
      createdAt: now,
      updatedAt: now,
    });
    tx.create(walletRef(agencyAccount(ref.id)), { id: agencyAccount(ref.id), coins: 0, diamonds: 0, inDebt: false, createdAt: now, updatedAt: now });
    writeMembership(tx, ref.id, request.agentUid, "owner");
    recordAudit(tx, {
      action: "agencies.createSubAgency",
      actorUid: caller.uid,
      targetUid: request.agentUid,
      details: { agencyId: ref.id, parentAgencyId: parent.id, ratioBps },
    });
    return { agencyId: ref.id, status: "active" as const };
  });
  await publishClaims(request.agentUid);
  await syncChatMemberAfterCommit(result.agencyId, request.agentUid);
  return result;
}

/**
 * Deletes an agency (owner or admin): settles the last closed period (its statement and salaries), marks
 * it and its sub-agencies deleted, then releases every member. Calling it again on a deleted agency
 * finishes an interrupted release.
 */
export async function deleteAgency(caller: Caller, request: AgencyRequest): Promise<{ agencyId: string; released: number }> {
  const config = await agenciesConfig();
  const snapshot = await agencyRef(request.agencyId).get();
  const agency = agencyOf(snapshot);
  requireOwner(caller, agency);
  if (agency.status === "pending" || agency.status === "rejected") {
    await agencyRef(agency.id).update({ status: "deleted", updatedAt: firestoreValues().FieldValue.serverTimestamp() });
    return { agencyId: agency.id, released: 0 };
  }
  const top = agency.parentAgencyId ?? agency.id;
  if (agency.status === "active") await settleAgencyPeriod(top, previousPeriod(Date.now(), config).key);

  const subs = agency.parentAgencyId
    ? []
    : (await db().collection(Collections.agencies).where("parentAgencyId", "==", agency.id).get()).docs.map((d) => d.id);
  let released = 0;
  for (const agencyId of [agency.id, ...subs]) {
    await runTransaction(async (tx) => {
      const current = await readAgency(tx, agencyId);
      if (current.status === "deleted") return;
      tx.update(agencyRef(agencyId), { status: "deleted", deletedBy: caller.uid, updatedAt: firestoreValues().FieldValue.serverTimestamp() });
      recordAudit(tx, { action: "agencies.delete", actorUid: caller.uid, targetUid: current.ownerUid, details: { agencyId } });
    });
    const members = await agencyRef(agencyId).collection(Collections.agencyMembers).get();
    for (const member of members.docs) {
      if (await releaseMember(agencyId, member.id, "agency-deleted")) released++;
    }
    await removeAgencyChannel(agencyId);
  }
  log.info("agency deleted", { agencyId: agency.id, subAgencies: subs.length, released });
  return { agencyId: agency.id, released };
}
