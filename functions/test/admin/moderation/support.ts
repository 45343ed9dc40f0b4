/** The moderation tests' world: staff and users, reports and review entries delivered to the queue's triggers. */
import { randomUUID } from "node:crypto";
import type { CloudEvent, CloudFunction } from "firebase-functions/v2";
import { onReportFiled, onReviewEntryWritten } from "../../../src/admin/moderation/triggers.js";
import { db } from "../../../src/kernel/app.js";
import { clearConfigCaches } from "../../../src/kernel/config-document.js";
import { reportContent } from "../../../src/social/callables.js";
import type { ReportResponse } from "../../../src/social/schema.js";
import { callInProcess } from "../../support/callables.js";
import { fft } from "../../support/triggers.js";
import { createTestUser, type TestUser } from "../../support/users.js";

export async function setModerationConfig(config: Record<string, unknown>): Promise<void> {
  await db().doc("config/moderation").set(config);
  clearConfigCaches();
}

/** Staff for a case: two moderators and an admin. Also forgets cached configuration (a case may have changed it). */
export const staff = () => {
  clearConfigCaches();
  return Promise.all([createTestUser({ roles: ["moderator"] }), createTestUser({ roles: ["moderator"] }), createTestUser({ roles: ["admin"] })]);
};

/** Files a report through the callable and delivers its creation to the queue's trigger (as Cloud Functions would). */
export async function fileReport(
  reporter: TestUser,
  target: { targetType: string; targetId: string },
  eventId: string = randomUUID(),
): Promise<string> {
  const { reportId } = (await callInProcess(reportContent, {
    user: reporter,
    data: { ...target, reason: "harassment", requestId: randomUUID() },
  })) as ReportResponse;
  await deliverReport(reportId, eventId);
  return reportId;
}

export async function deliverReport(reportId: string, eventId: string): Promise<void> {
  const data = (await db().doc(`reports/${reportId}`).get()).data() ?? {};
  const snapshot = fft().firestore.makeDocumentSnapshot(data, `reports/${reportId}`);
  await run(onReportFiled, {
    id: eventId,
    type: "google.cloud.firestore.document.v1.created",
    path: `reports/${reportId}`,
    data: snapshot,
    params: { reportId },
  });
}

/** Writes reviewQueue/{reviewId} as its domain would and delivers the write (before/after) to the queue's trigger. */
export async function writeReviewEntry(reviewId: string, after: Record<string, unknown>, eventId: string = randomUUID()): Promise<void> {
  const ref = db().doc(`reviewQueue/${reviewId}`);
  const before = (await ref.get()).data();
  await ref.set(after);
  const stored = (await ref.get()).data() ?? {};
  const harness = fft();
  const change = harness.makeChange(
    harness.firestore.makeDocumentSnapshot(before ?? {}, ref.path),
    harness.firestore.makeDocumentSnapshot(stored, ref.path),
  );
  await run(onReviewEntryWritten, {
    id: eventId,
    type: "google.cloud.firestore.document.v1.written",
    path: ref.path,
    data: change,
    params: { reviewId },
  });
}

function run<E extends CloudEvent<unknown>>(
  fn: CloudFunction<E>,
  e: { id: string; type: string; path: string; data: unknown; params: Record<string, string> },
) {
  const event = {
    specversion: "1.0",
    id: e.id,
    source: `//firestore.googleapis.com/projects/${process.env.GCLOUD_PROJECT}/databases/(default)`,
    type: e.type,
    time: new Date().toISOString(),
    subject: `documents/${e.path}`,
    data: e.data,
    params: e.params,
    document: e.path,
  } as unknown as E;
  return fn.run(event) as Promise<unknown>;
}

export async function items(): Promise<Record<string, unknown>[]> {
  const snapshot = await db().collection("moderationItems").get();
  return snapshot.docs.map((doc) => ({ itemId: doc.id, ...doc.data() }));
}
