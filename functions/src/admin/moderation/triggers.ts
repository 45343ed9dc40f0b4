/** The queue's sources: user reports and review entries (automated flags); each item is opened once per source. */
import { onDocumentCreated, onDocumentWritten } from "firebase-functions/v2/firestore";
import { Collections } from "../../kernel/collections.js";
import { REGION } from "../../kernel/config.js";
import { openFlagItem, openReportItem } from "./items.js";

export const onReportFiled = onDocumentCreated({ document: `${Collections.reports}/{reportId}`, region: REGION }, async (event) => {
  const report = event.data?.data();
  if (report) await openReportItem(event.params.reportId, report);
});

/** Written, not created: a reviewed entry is reopened in place (its domain archives the closed one). */
export const onReviewEntryWritten = onDocumentWritten({ document: `${Collections.reviewQueue}/{reviewId}`, region: REGION }, async (event) => {
  await openFlagItem(event.params.reviewId, event.data?.before.data(), event.data?.after.data());
});
