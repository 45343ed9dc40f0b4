/**
 * User reports: the moderation queue (reports/{id}), one report per (reporter, requestId). Evidence is
 * the reporter's own "report-evidence" uploads, claimed by the report in its transaction; moderators
 * read a report with signed URLs of its evidence (the bucket is private).
 */
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import { millisOf } from "../kernel/fields.js";
import type { Caller } from "../kernel/guards.js";
import { runIdempotent } from "../kernel/idempotency.js";
import { log } from "../kernel/logger.js";
import { attachMedia, readAttachableMedia, signedMediaUrls } from "../media/uploads/attachments.js";
import type { GetReportRequest, ReportEvidence, ReportRequest, ReportResponse, ReportView } from "./schema.js";

/** How long a moderator's evidence URLs stay valid: a review session, not a shareable link. */
export const EVIDENCE_URL_SECONDS = 15 * 60;

export async function report(caller: Caller, request: ReportRequest): Promise<ReportResponse> {
  if (request.targetType === "user" && request.targetId === caller.uid) {
    fail("failed-precondition", "You cannot report yourself.");
  }
  const { result, replayed } = await runIdempotent(
    { scope: "social.report", key: request.requestId, owner: caller.uid, payload: request },
    async (tx) => {
      const media = await readAttachableMedia(tx, caller.uid, request.evidenceMediaIds ?? [], "report-evidence");
      const ref = db().collection(Collections.reports).doc();
      attachMedia(tx, media, ref.path);
      const { FieldValue } = firestoreValues();
      const { requestId, evidenceMediaIds, ...fields } = request;
      const evidence: ReportEvidence[] = media.map(({ mediaId, kind, contentType, path, thumbnailPath }) => ({
        mediaId,
        kind,
        contentType,
        path,
        thumbnailPath,
      }));
      tx.create(ref, {
        reporterUid: caller.uid,
        ...fields,
        details: fields.details ?? null,
        evidence,
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

/** One report for a moderator, its evidence readable through signed URLs for EVIDENCE_URL_SECONDS. */
export async function getReport(caller: Caller, { reportId }: GetReportRequest): Promise<ReportView> {
  const snapshot = await db().collection(Collections.reports).doc(reportId).get();
  const data = snapshot.data();
  if (!data) return fail("not-found", "No such report.");
  const evidence = (data.evidence as ReportEvidence[] | undefined) ?? [];
  const urls = await signedMediaUrls(evidence, EVIDENCE_URL_SECONDS);
  const createdAt = millisOf(data.createdAt);
  log.info("report read", { moderatorUid: caller.uid, reportId, evidence: evidence.length });
  return {
    reportId,
    reporterUid: data.reporterUid,
    targetType: data.targetType,
    targetId: data.targetId,
    reason: data.reason,
    details: data.details ?? null,
    status: data.status,
    createdAt: createdAt === null ? null : new Date(createdAt).toISOString(),
    evidence: evidence.map(({ mediaId, kind, contentType }, i) => ({ mediaId, kind, contentType, ...(urls[i] as (typeof urls)[number]) })),
  };
}
