/**
 * Agencies' part of account erasure and export (steps of gdpr/). Erasure: the agency the user owns is
 * deleted (settled, members released and notified), every membership ends (users/{uid}.agencyId cleared),
 * their invitations and applications go, and so do their messages in agency channels. Statements stay: financial records naming the host by uid
 * only, like the ledger. Export: memberships, join requests, the statement lines about the user and the
 * statements of agencies they own.
 */
import type { Query, QueryDocumentSnapshot } from "firebase-admin/firestore";
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { deleteAgency } from "./agencies.js";
import { agencyChatMessagesOf, eraseAgencyChatOf } from "./chat.js";
import { releaseMember } from "./membership.js";
import type { AgencyStatement } from "./schema.js";

/** Documents of the collection group `group` with `uid` under agencies/ (another domain may reuse the name). */
async function agencyChildren(group: string, uid: string): Promise<QueryDocumentSnapshot[]> {
  const page = await db().collectionGroup(group).where("uid", "==", uid).get();
  return page.docs.filter((doc) => doc.ref.path.startsWith(`${Collections.agencies}/`));
}

const ownedAgencies = (uid: string): Query =>
  db().collection(Collections.agencies).where("ownerUid", "==", uid).where("status", "in", ["pending", "active"]);

export async function eraseAgencyMembershipsOf(uid: string): Promise<void> {
  for (const agency of (await ownedAgencies(uid).get()).docs) {
    await deleteAgency({ uid, roles: [], claims: {} }, { agencyId: agency.id });
  }
  for (const member of await agencyChildren(Collections.agencyMembers, uid)) {
    await releaseMember(String(member.get("agencyId")), uid, "left");
  }
  const requests = await agencyChildren(Collections.agencyRequests, uid);
  if (requests.length) {
    const batch = db().batch();
    for (const request of requests) batch.delete(request.ref);
    await batch.commit();
  }
  await eraseAgencyChatOf(uid);
}

export interface AgencyExport {
  memberships: Record<string, unknown>[];
  joinRequests: Record<string, unknown>[];
  /** The user's line in each statement that names them as a host. */
  statementLines: Record<string, unknown>[];
  /** Statements of the agencies the user owns. */
  statementsOwned: Record<string, unknown>[];
  /** Messages the user posted in agency channels. */
  channelMessages: Record<string, unknown>[];
}

export async function agencyDataOf(uid: string): Promise<AgencyExport> {
  const [memberships, joinRequests, aboutHost, owned, channelMessages] = await Promise.all([
    agencyChildren(Collections.agencyMembers, uid),
    agencyChildren(Collections.agencyRequests, uid),
    db().collection(Collections.agencyStatements).where("hostUids", "array-contains", uid).get(),
    db().collection(Collections.agencyStatements).where("ownerUid", "==", uid).get(),
    agencyChatMessagesOf(uid),
  ]);
  const lines = aboutHost.docs.map((doc) => {
    const statement = doc.get("statement") as AgencyStatement;
    const line = statement.hosts.find((host) => host.uid === uid);
    return { statementId: doc.id, agencyId: statement.agencyId, period: statement.period.key, ...line };
  });
  return {
    memberships: memberships.map((doc) => ({ ...doc.data(), path: doc.ref.path })),
    joinRequests: joinRequests.map((doc) => ({ ...doc.data(), path: doc.ref.path })),
    statementLines: lines,
    statementsOwned: owned.docs.map((doc) => ({ ...(doc.get("statement") as AgencyStatement) })),
    channelMessages: channelMessages.map((message) => ({ ...message })),
  };
}
