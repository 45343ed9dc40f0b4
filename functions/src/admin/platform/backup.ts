/**
 * Daily Firestore export to Cloud Storage through Firestore's admin API (exportDocuments: a managed,
 * consistent export of every collection that `gcloud firestore import` restores). The bucket is the
 * BACKUP_BUCKET param; empty (the local stack) skips the export. Each run writes under its own dated
 * prefix, so an export never overwrites an earlier one (bucket lifecycle rules age them out).
 */
import { defineString, projectID } from "firebase-functions/params";
import { log } from "../../kernel/logger.js";

export const BACKUP_BUCKET = defineString("BACKUP_BUCKET", {
  default: "",
  description: "Cloud Storage bucket (name only, no gs://) for the daily Firestore export; empty skips it",
});

export interface ExportRequest {
  name: string;
  outputUriPrefix: string;
  /** Empty: every collection. */
  collectionIds: string[];
}

/** The exportDocuments request of one run: gs://{bucket}/firestore/{UTC timestamp}. */
export function buildExportRequest(projectId: string, bucket: string, at: Date): ExportRequest {
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/:/g, "-");
  return {
    name: `projects/${projectId}/databases/(default)`,
    outputUriPrefix: `gs://${bucket.replace(/^gs:\/\//, "").replace(/\/+$/, "")}/firestore/${stamp}`,
    collectionIds: [],
  };
}

export type BackupOutcome = { outcome: "skipped" } | { outcome: "started"; operation: string; outputUriPrefix: string };

export async function exportFirestore(at = new Date()): Promise<BackupOutcome> {
  const bucket = BACKUP_BUCKET.value().trim();
  if (!bucket) {
    log.info("Firestore export skipped: BACKUP_BUCKET is not set");
    return { outcome: "skipped" };
  }
  const request = buildExportRequest(projectID.value(), bucket, at);
  // Loaded here: only this job needs the admin API client.
  const { v1 } = require("@google-cloud/firestore") as typeof import("@google-cloud/firestore");
  const client = new v1.FirestoreAdminClient();
  const [operation] = await client.exportDocuments(request);
  log.info("Firestore export started", { operation: operation.name, outputUriPrefix: request.outputUriPrefix });
  return { outcome: "started", operation: operation.name ?? "", outputUriPrefix: request.outputUriPrefix };
}
