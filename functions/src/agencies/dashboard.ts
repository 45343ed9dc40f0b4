/**
 * The agency dashboard: members with their earnings, live hours and targets for a period (the current
 * one by default, computed from the ledger as statements are), trends from the stored statements, a
 * statement as CSV, and announcements to every member through notifications.
 */
import { chatConfig } from "../chat/config.js";
import { moderateText } from "../chat/profanity.js";
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fail, refuse } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { notifyAfterCommit } from "../notifications/after-commit.js";
import { agencyOf, type StoredAgency } from "./agency-record.js";
import { agenciesConfig } from "./config.js";
import { periodAt, periodOf } from "./salary.js";
import type { AgencyRefusal, AgencyStatement, AnnounceRequest, DashboardRequest, DashboardResponse, MemberRole, StatementRequest } from "./schema.js";
import { hostLines } from "./statements.js";
import { agencyRef, memberRef, statementRef } from "./store.js";

/** The agency, if the caller is its owner or a manager (or an admin). */
async function agencyForStaff(caller: Caller, agencyId: string): Promise<StoredAgency> {
  const [agencySnap, member] = await Promise.all([agencyRef(agencyId).get(), memberRef(agencyId, caller.uid).get()]);
  const agency = agencyOf(agencySnap);
  const role = member.get("role") as MemberRole | undefined;
  if (!caller.roles.includes("admin") && role !== "owner" && role !== "manager") {
    refuse<AgencyRefusal>("permission-denied", "not-agency-staff", "Only the agency's owner or managers may do this.");
  }
  return agency;
}

export async function getAgencyDashboard(caller: Caller, request: DashboardRequest): Promise<DashboardResponse> {
  const config = await agenciesConfig();
  const period = request.period ? periodOf(request.period, config) : periodAt(Date.now(), config);
  if (!period) {
    return fail("invalid-argument", `Invalid request: period: not a ${config.period} period key`, {
      issues: [{ path: "period", message: `not a ${config.period} period key`, code: "custom" }],
    });
  }
  const agency = await agencyForStaff(caller, request.agencyId);
  const [members, lines, statements] = await Promise.all([
    agencyRef(agency.id).collection(Collections.agencyMembers).get(),
    hostLines(agency.id, period, config, { liveTime: true }),
    db().collection(Collections.agencyStatements).where("agencyId", "==", agency.id).orderBy("periodKey", "desc").limit(12).get(),
  ]);
  const byUid = new Map(lines.map((line) => [line.uid, line]));
  return {
    period,
    targets: { minLiveHours: config.minLiveHours, minValidDays: config.minValidDays },
    members: members.docs.map((doc) => {
      const line = byUid.get(doc.id);
      const liveHours = line?.liveHours ?? 0;
      const validDays = line?.validDays ?? 0;
      return {
        uid: doc.id,
        role: doc.get("role") as MemberRole,
        earnings: line?.earnings ?? 0,
        gifts: line?.gifts ?? 0,
        liveHours,
        validDays,
        onTarget: liveHours >= config.minLiveHours && validDays >= config.minValidDays,
      };
    }),
    trends: statements.docs.map((doc) => {
      const s = doc.get("statement") as AgencyStatement;
      return { period: s.period.key, ownEarnings: s.ownEarnings, salary: s.salary, ratioBps: s.ratioBps, volume30d: s.volume30d };
    }),
  };
}

const CSV_COLUMNS = ["uid", "agencyId", "earnings", "giftShares", "gifts", "liveHours", "validDays", "qualified"] as const;

/** A stored statement's host lines as CSV (RFC 4180: every field quoted). */
export async function exportStatementCsv(caller: Caller, request: StatementRequest): Promise<{ filename: string; csv: string }> {
  await agencyForStaff(caller, request.agencyId);
  const snapshot = await statementRef(request.agencyId, request.period).get();
  if (!snapshot.exists) refuse<AgencyRefusal>("not-found", "period-not-closed", "No statement for this period yet.");
  const statement = snapshot.get("statement") as AgencyStatement;
  const quote = (value: unknown) => `"${String(value).replaceAll('"', '""')}"`;
  const rows = statement.hosts.map((host) => CSV_COLUMNS.map((column) => quote(host[column])).join(","));
  return { filename: `${statement.id}.csv`, csv: [CSV_COLUMNS.join(","), ...rows].join("\r\n") };
}

export async function announceToMembers(caller: Caller, request: AnnounceRequest): Promise<{ recipients: number }> {
  const agency = await agencyForStaff(caller, request.agencyId);
  if (agency.status !== "active") refuse<AgencyRefusal>("failed-precondition", "agency-not-active", "This agency is not active.");
  if (moderateText(request.message, await chatConfig()).matches > 0)
    refuse<AgencyRefusal>("invalid-argument", "text-not-allowed", "This message is not allowed.");
  const members = await agencyRef(agency.id).collection(Collections.agencyMembers).get();
  const recipients = members.docs.map((doc) => doc.id).filter((uid) => uid !== caller.uid);
  for (const uid of recipients) {
    await notifyAfterCommit({
      recipient: uid,
      type: "agency-announcement",
      actorUid: caller.uid,
      data: { agencyId: agency.id, agencyName: agency.name, message: request.message },
      dedupeKey: `agency-announcement:${agency.id}:${request.requestId}`,
    });
  }
  return { recipients: recipients.length };
}
