/**
 * The audit trail of privileged actions (auditLog/{id}), one document shape for every domain. An entry is
 * written with the action's own writes (its transaction, or a batch), so an action and its record commit
 * together or not at all.
 */
import type { Transaction, WriteBatch } from "firebase-admin/firestore";
import { db, firestoreValues } from "./app.js";
import { Collections } from "./collections.js";

export interface AuditEntry {
  /** domain.verb, e.g. "identity.ban", "wallet.withdrawal.approve". */
  action: string;
  actorUid: string;
  /** The account acted on; null when the action concerns none. */
  targetUid: string | null;
  /** Why, as the actor gave it. */
  reason?: string | null;
  /** The request that did it (a replay writes no second entry). */
  requestId?: string | null;
  /** The state the action changed, when it has one: roles, a VIP membership, a KYC status, a lifted ban. */
  before?: unknown;
  after?: unknown;
  /** What else identifies the action: amounts, record ids, the ledger transaction. */
  details?: Record<string, unknown>;
}

/** "wallet.withdrawal.approve" → ["wallet", "wallet.withdrawal", "wallet.withdrawal.approve"]: what an action-prefix filter matches (array-contains, newest first). */
export function actionScopes(action: string): string[] {
  const parts = action.split(".");
  return parts.map((_, i) => parts.slice(0, i + 1).join("."));
}

/** auditLog/{id}: every field present (null or {} when the action has none), stamped with the server time. */
export function recordAudit(writer: Transaction | WriteBatch, entry: AuditEntry): void {
  const { FieldValue } = firestoreValues();
  writer.create(db().collection(Collections.auditLog).doc(), {
    action: entry.action,
    actionScopes: actionScopes(entry.action),
    actorUid: entry.actorUid,
    targetUid: entry.targetUid,
    reason: entry.reason ?? null,
    requestId: entry.requestId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
    details: entry.details ?? {},
    at: FieldValue.serverTimestamp(),
  });
}
