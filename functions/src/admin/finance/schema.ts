/** The finance console's API contract: daily figures from the ledger, their recompute and export, and the money queues. */
import * as z from "zod";
import { RequestIdSchema } from "../../kernel/idempotency.js";
import { calendarPeriodOfKey } from "../../kernel/periods.js";
import { CursorSchema } from "../../kernel/validation.js";
import { KYC_STATUSES, type KycStatus } from "../../kyc/schema.js";
import { WITHDRAWAL_STATUSES, type WithdrawalFirstApproval, type WithdrawalStatus } from "../../wallet/schema.js";

export const PURCHASE_STORES = ["apple", "google", "stripe", "other"] as const;
export type PurchaseStore = (typeof PURCHASE_STORES)[number];

/** The figures of one UTC day, in ledger units (coins, diamonds), all integers; also the CSV columns, in this order. */
export const FINANCE_FIGURES = [
  "transactions",
  "coinsPurchasedApple",
  "coinsPurchasedGoogle",
  "coinsPurchasedStripe",
  "coinsPurchasedOther",
  "coinsResellerTransferred",
  "coinsResellerCommission",
  "coinsGranted",
  "coinsRewarded",
  "coinsFromExchange",
  "coinsSpentGifts",
  "coinsSpentRoomEntry",
  "coinsSpentVip",
  "coinsStakedGames",
  "coinsPaidOutGames",
  "gameHouseCoins",
  "coinsClawedBack",
  "coinsAdjustedDown",
  "diamondsEarned",
  "agencyCommissionDiamonds",
  "agencySalaryDiamonds",
  "diamondsExchanged",
  "diamondsWithdrawalRequested",
  "diamondsWithdrawn",
  "diamondsWithdrawalRefunded",
  "diamondsGranted",
  "diamondsRewarded",
  "diamondsAdjustedDown",
  "platformRevenueCoins",
  "platformRevenueDiamonds",
  "unclassifiedTransactions",
] as const;
export type FinanceFigure = (typeof FINANCE_FIGURES)[number];
export type FinanceFigures = Record<FinanceFigure, number>;

export function emptyFigures(): FinanceFigures {
  return Object.fromEntries(FINANCE_FIGURES.map((figure) => [figure, 0])) as FinanceFigures;
}

/** The longest range one report reads: a quarter. */
export const MAX_REPORT_DAYS = 92;

const DayKeySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD")
  .refine((key) => calendarPeriodOfKey("day", key) !== null, "is not a calendar day");

const DAY_MS = 86_400_000;

const DayRangeSchema = z
  .object({ from: DayKeySchema, to: DayKeySchema })
  .strict()
  .superRefine(({ from, to }, ctx) => {
    const start = calendarPeriodOfKey("day", from)?.startMs;
    const end = calendarPeriodOfKey("day", to)?.startMs;
    if (start === undefined || end === undefined) return;
    if (end < start) ctx.addIssue({ code: "custom", path: ["to"], message: "must not be before from" });
    else if ((end - start) / DAY_MS + 1 > MAX_REPORT_DAYS) ctx.addIssue({ code: "custom", path: ["to"], message: `at most ${MAX_REPORT_DAYS} days` });
  });

export const GetFinanceReportRequestSchema = DayRangeSchema;
export type GetFinanceReportRequest = z.infer<typeof GetFinanceReportRequestSchema>;

export interface FinanceDay {
  day: string;
  figures: FinanceFigures;
}

export interface GetFinanceReportResponse {
  days: FinanceDay[];
  totals: FinanceFigures;
}

export const RecomputeFinanceDayRequestSchema = z.object({ day: DayKeySchema, requestId: RequestIdSchema }).strict();
export type RecomputeFinanceDayRequest = z.infer<typeof RecomputeFinanceDayRequestSchema>;

export interface RecomputeFinanceDayResponse {
  reportId: string;
  day: string;
  stored: FinanceFigures;
  recomputed: FinanceFigures;
  matches: boolean;
  /** The figures that differ, stored vs recomputed. */
  differences: { figure: FinanceFigure; stored: number; recomputed: number }[];
}

export const ExportFinanceCsvRequestSchema = DayRangeSchema;
export type ExportFinanceCsvRequest = z.infer<typeof ExportFinanceCsvRequestSchema>;

export interface ExportFinanceCsvResponse {
  filename: string;
  csv: string;
}

const PageFields = {
  cursor: CursorSchema.nullish(),
  limit: z.number().int().min(1).max(100).default(25),
};

export const ListWithdrawalQueueRequestSchema = z
  .object({ status: z.enum(WITHDRAWAL_STATUSES).default("pending"), ...PageFields })
  .strict()
  .nullish()
  .transform((value) => value ?? { status: "pending" as const, limit: 25, cursor: null });
export type ListWithdrawalQueueRequest = z.output<typeof ListWithdrawalQueueRequestSchema>;

export interface UserSummary {
  uid: string;
  displayName: string | null;
  /** A ban or suspension is on record (bans/{uid}). */
  banned: boolean;
}

export interface WithdrawalQueueRow {
  withdrawalId: string;
  uid: string;
  status: WithdrawalStatus;
  diamonds: number;
  feeDiamonds: number;
  payoutCents: number;
  payoutType: string | null;
  createdAt: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  /** The first of two approvals, when the withdrawal needs two and one reviewer has approved. */
  firstApproval: WithdrawalFirstApproval | null;
  user: UserSummary;
  kycStatus: KycStatus | "none";
}

export interface ListWithdrawalQueueResponse {
  items: WithdrawalQueueRow[];
  nextCursor: string | null;
}

export const ListKycQueueRequestSchema = z
  .object({ status: z.enum(KYC_STATUSES).default("pending"), ...PageFields })
  .strict()
  .nullish()
  .transform((value) => value ?? { status: "pending" as const, limit: 25, cursor: null });
export type ListKycQueueRequest = z.output<typeof ListKycQueueRequestSchema>;

/** No personal data from the submission: the reviewer opens it with getKycDetails. */
export interface KycQueueRow {
  uid: string;
  status: KycStatus;
  documentType: string | null;
  submittedAt: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  user: UserSummary;
}

export interface ListKycQueueResponse {
  items: KycQueueRow[];
  nextCursor: string | null;
}

export const ListReconciliationReportsRequestSchema = z
  .object(PageFields)
  .strict()
  .nullish()
  .transform((value) => value ?? { limit: 25, cursor: null });
export type ListReconciliationReportsRequest = z.output<typeof ListReconciliationReportsRequestSchema>;

export interface ReconciliationReportRow {
  reportId: string;
  ok: boolean;
  trigger: string;
  checkedWallets: number;
  checkedTransactions: number;
  mismatchCount: number;
  mismatches: unknown[];
  startedAt: string | null;
  finishedAt: string | null;
  actorUid: string | null;
}

export interface ListReconciliationReportsResponse {
  items: ReconciliationReportRow[];
  nextCursor: string | null;
}
