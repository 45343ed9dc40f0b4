/**
 * listAuditLog: the audit trail newest first, filtered by action prefix (auditLog.actionScopes,
 * array-contains), actor and target; cursor-paged by (at, id). Composite indexes in firestore.indexes.json.
 */
import type { Query } from "firebase-admin/firestore";
import { db } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import { pageByTime } from "../../kernel/cursor.js";
import { isoOf } from "../../kernel/fields.js";
import type { AuditLogItem, ListAuditLogRequest, ListAuditLogResponse } from "./schema.js";

export async function listAuditLog(request: ListAuditLogRequest): Promise<ListAuditLogResponse> {
  let query: Query = db().collection(Collections.auditLog);
  if (request.action) query = query.where("actionScopes", "array-contains", request.action);
  if (request.actorUid) query = query.where("actorUid", "==", request.actorUid);
  if (request.targetUid) query = query.where("targetUid", "==", request.targetUid);
  const page = await pageByTime(query, "at", request);
  return {
    items: page.docs.map((doc): AuditLogItem => {
      const data = doc.data();
      return {
        id: doc.id,
        action: data.action,
        actorUid: data.actorUid,
        targetUid: data.targetUid ?? null,
        reason: data.reason ?? null,
        requestId: data.requestId ?? null,
        before: data.before ?? null,
        after: data.after ?? null,
        details: data.details ?? {},
        at: isoOf(data.at),
      };
    }),
    nextCursor: page.nextCursor,
  };
}
