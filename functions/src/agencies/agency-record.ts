/** An agency as stored, read defensively, and the checks every agency operation makes on it and its caller. */
import type { DocumentSnapshot, Transaction } from "firebase-admin/firestore";
import { firestoreValues } from "../kernel/app.js";
import { stageClaims } from "../kernel/claims.js";
import { refuse } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { type Role, rolesFromClaims } from "../kernel/roles.js";
import type { AgencyRefusal, AgencySettings, AgencyStatus, AgencyView } from "./schema.js";
import { agencyRef } from "./store.js";

export const DEFAULT_SETTINGS: AgencySettings = { acceptApplications: true, maxMembers: 500, defaultCommissionBps: 500 };

export interface StoredAgency extends AgencyView {
  ownerUid: string;
  nameLower: string;
  settings: AgencySettings;
  /** A sub-agency's own ratio (fixed at creation: statements of past periods depend on it). */
  ratioBps: number | null;
  memberCount: number;
}

export function toAgencyView(data: Record<string, unknown>): AgencyView {
  return {
    id: String(data.id),
    name: String(data.name ?? ""),
    logoMediaId: typeof data.logoMediaId === "string" ? data.logoMediaId : null,
    description: String(data.description ?? ""),
    country: String(data.country ?? ""),
    // Agencies created before this domain (seed data) carry no status: they are active.
    status: (data.status as AgencyStatus | undefined) ?? "active",
    parentAgencyId: typeof data.parentAgencyId === "string" ? data.parentAgencyId : null,
  };
}

/** Reads an agency in a transaction; refuses a missing one. */
export async function readAgency(tx: Transaction, agencyId: string): Promise<StoredAgency> {
  const snapshot = await tx.get(agencyRef(agencyId));
  return agencyOf(snapshot);
}

export function agencyOf(snapshot: DocumentSnapshot): StoredAgency {
  if (!snapshot.exists) refuse<AgencyRefusal>("not-found", "agency-not-found", "No such agency.");
  const data = snapshot.data() ?? {};
  return {
    ...toAgencyView({ id: snapshot.id, ...data }),
    ownerUid: String(data.ownerUid ?? ""),
    nameLower: String(data.nameLower ?? ""),
    // Agencies created before this domain carry no settings: the defaults of a new one apply.
    settings: { ...DEFAULT_SETTINGS, ...(data.settings as Partial<AgencySettings> | undefined) },
    ratioBps: typeof data.ratioBps === "number" ? data.ratioBps : null,
    memberCount: typeof data.memberCount === "number" ? data.memberCount : 0,
  };
}

export function requireActive(agency: StoredAgency): void {
  if (agency.status !== "active") refuse<AgencyRefusal>("failed-precondition", "agency-not-active", "This agency is not active.");
}

/** The owner, or an admin acting for them. */
export function requireOwner(caller: Caller, agency: Pick<StoredAgency, "ownerUid">): void {
  if (caller.uid !== agency.ownerUid && !caller.roles.includes("admin")) {
    refuse<AgencyRefusal>("permission-denied", "not-agency-staff", "Only the agency's owner may do this.");
  }
}

const withRole = (claims: Record<string, unknown>, role: Role, present: boolean) => {
  const roles = rolesFromClaims(claims).filter((r) => r !== role);
  return { ...claims, roles: present ? [...roles, role] : roles };
};

/** Stages the agencyOwner role on or off, mirrored into users/{uid}.roles (after the transaction's reads). */
export async function stageOwnerRole(tx: Transaction, uid: string, present: boolean, profile: DocumentSnapshot): Promise<void> {
  const { after } = await stageClaims(tx, uid, (claims) => withRole(claims, "agencyOwner", present));
  if (profile.exists) tx.update(profile.ref, { roles: rolesFromClaims(after), updatedAt: firestoreValues().FieldValue.serverTimestamp() });
}
