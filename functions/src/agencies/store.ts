/** Where agencies live: document references of agencies, their members, join requests and statements. */
import type { DocumentReference } from "firebase-admin/firestore";
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";

export const agencyRef = (agencyId: string): DocumentReference => db().collection(Collections.agencies).doc(agencyId);
export const memberRef = (agencyId: string, uid: string): DocumentReference => agencyRef(agencyId).collection(Collections.agencyMembers).doc(uid);
export const joinRequestRef = (agencyId: string, uid: string): DocumentReference =>
  agencyRef(agencyId).collection(Collections.agencyRequests).doc(uid);
export const statementId = (agencyId: string, periodKey: string): string => `${agencyId}__${periodKey}`;
export const statementRef = (agencyId: string, periodKey: string): DocumentReference =>
  db().collection(Collections.agencyStatements).doc(statementId(agencyId, periodKey));
