/** How the operations console reaches the finance figures and the money queues. */
import { defineCallable } from "../../kernel/callable.js";
import { exportFinanceCsv as exportCsv, recomputeFinanceDay as recompute, getFinanceReport as report } from "./aggregates.js";
import { listKycQueue as kycQueue, listReconciliationReports as reconciliationReports, listWithdrawalQueue as withdrawalQueue } from "./queues.js";
import {
  ExportFinanceCsvRequestSchema,
  GetFinanceReportRequestSchema,
  ListKycQueueRequestSchema,
  ListReconciliationReportsRequestSchema,
  ListWithdrawalQueueRequestSchema,
  RecomputeFinanceDayRequestSchema,
} from "./schema.js";

export const getFinanceReport = defineCallable({
  name: "finance.getFinanceReport",
  input: GetFinanceReportRequestSchema,
  roles: ["finance"],
  handler: ({ data }) => report(data),
});

/** Reads a whole day of the ledger: rarely, with a long timeout. */
export const recomputeFinanceDay = defineCallable({
  name: "finance.recomputeFinanceDay",
  input: RecomputeFinanceDayRequestSchema,
  roles: ["finance"],
  rateLimit: { perUid: { tokens: 5, windowSeconds: 60 } },
  options: { timeoutSeconds: 540, memory: "1GiB" },
  handler: ({ caller, data }) => recompute(caller, data),
});

export const exportFinanceCsv = defineCallable({
  name: "finance.exportFinanceCsv",
  input: ExportFinanceCsvRequestSchema,
  roles: ["finance"],
  handler: ({ data }) => exportCsv(data),
});

export const listWithdrawalQueue = defineCallable({
  name: "finance.listWithdrawalQueue",
  input: ListWithdrawalQueueRequestSchema,
  roles: ["finance"],
  handler: ({ data }) => withdrawalQueue(data),
});

/** Whoever reviews KYC submissions (reviewKyc) sees their queue. */
export const listKycQueue = defineCallable({
  name: "finance.listKycQueue",
  input: ListKycQueueRequestSchema,
  roles: ["moderator"],
  handler: ({ data }) => kycQueue(data),
});

export const listReconciliationReports = defineCallable({
  name: "finance.listReconciliationReports",
  input: ListReconciliationReportsRequestSchema,
  roles: ["finance"],
  handler: ({ data }) => reconciliationReports(data),
});
