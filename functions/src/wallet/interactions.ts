/**
 * Four eyes on paying out: an admin who recently favoured an account (adjusted its balance, requested or
 * approved; approved its KYC; granted it VIP) may not approve that account's withdrawals.
 * adminInteractions/{targetUid}__{adminUid} holds the time of each kind of act, written in the same
 * transaction as the act, so a withdrawal approval reads one document.
 */
import type { DocumentSnapshot, Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { millisOf } from "../kernel/fields.js";

export type AdminInteraction = "adjusted" | "kycApproved" | "vipGranted";

const FIELDS: Record<AdminInteraction, string> = { adjusted: "adjustedAt", kycApproved: "kycApprovedAt", vipGranted: "vipGrantedAt" };

export function adminInteractionRef(targetUid: string, adminUid: string) {
  return db().collection(Collections.adminInteractions).doc(`${targetUid}__${adminUid}`);
}

/** A blind merge (no read): any number of acts in any order leave the latest time per kind. */
export function recordAdminInteraction(tx: Transaction, targetUid: string, adminUid: string, kind: AdminInteraction): void {
  const { FieldValue } = firestoreValues();
  tx.set(adminInteractionRef(targetUid, adminUid), { targetUid, adminUid, [FIELDS[kind]]: FieldValue.serverTimestamp() }, { merge: true });
}

/** The kinds of act recorded in `snapshot` at or after sinceMs. */
export function interactionsSince(snapshot: DocumentSnapshot, sinceMs: number): AdminInteraction[] {
  return (Object.keys(FIELDS) as AdminInteraction[]).filter((kind) => {
    const at = millisOf(snapshot.get(FIELDS[kind]));
    return at !== null && at >= sinceMs;
  });
}
