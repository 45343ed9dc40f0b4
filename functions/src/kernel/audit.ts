/**
 * The audit trail of privileged actions (auditLog/{id}): written in the same transaction as the action,
 * so an action and its record commit together or not at all.
 */
import type { Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "./app.js";
import { Collections } from "./collections.js";

export interface AuditEntry {
  /** domain.verb, e.g. "identity.banAccount". */
  action: string;
  actorUid: string;
  targetUid?: string;
  reason?: string;
  requestId?: string;
  [field: string]: unknown;
}

export function recordAudit(tx: Transaction, entry: AuditEntry): void {
  const { FieldValue } = firestoreValues();
  tx.create(db().collection(Collections.auditLog).doc(), { ...entry, at: FieldValue.serverTimestamp() });
}
