/** User reports: the moderation queue (reports/{id}), one report per (reporter, requestId). */
import { db, firestoreValues } from "../kernel/app.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { runIdempotent } from "../kernel/idempotency.js";
import { log } from "../kernel/logger.js";
import type { ReportRequest, ReportResponse } from "./schema.js";
import { REPORTS } from "./store.js";

export async function report(caller: Caller, request: ReportRequest): Promise<ReportResponse> {
  // Evidence must be something the reporter uploaded (Storage rules: reports/{uid}/...).
  const foreign = (request.evidencePaths ?? []).filter((p) => !p.startsWith(`reports/${caller.uid}/`));
  if (foreign.length > 0) {
    fail("invalid-argument", "Invalid request: evidencePaths: must be under reports/{your uid}/", {
      issues: [{ path: "evidencePaths", message: "must be under reports/{your uid}/", code: "custom" }],
    });
  }
  if (request.targetType === "user" && request.targetId === caller.uid) {
    fail("failed-precondition", "You cannot report yourself.");
  }
  const { result, replayed } = await runIdempotent(
    { scope: "social.report", key: request.requestId, owner: caller.uid, payload: request },
    async (tx) => {
      const ref = db().collection(REPORTS).doc();
      const { FieldValue } = firestoreValues();
      const { requestId, ...fields } = request;
      tx.create(ref, {
        reporterUid: caller.uid,
        ...fields,
        details: fields.details ?? null,
        evidencePaths: fields.evidencePaths ?? [],
        requestId,
        status: "open",
        createdAt: FieldValue.serverTimestamp(),
      });
      return { reportId: ref.id, status: "open" as const };
    },
  );
  if (!replayed) log.info("report filed", { reporterUid: caller.uid, reportId: result.reportId, targetType: request.targetType });
  return result;
}
