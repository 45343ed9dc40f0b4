/**
 * The wallet domain's API contract: request schemas and response types of its callables (importable by
 * clients). Amounts are positive integers bounded well inside Number.MAX_SAFE_INTEGER so that every
 * product (diamonds × rate) stays exact.
 */
import * as z from "zod";
import { RequestIdSchema } from "../kernel/idempotency.js";
import { KeySafeIdSchema, KeySafeUidSchema } from "../kernel/validation.js";
import { CurrencySchema } from "./accounts.js";
import { LEDGER_TYPES } from "./ledger.js";

/** details.reason of the wallet's refusals (ledger postings, withdrawals, transfers, adjustments). */
export const WalletRefusalSchema = z.enum([
  "above-maximum",
  "already-decided",
  "below-minimum",
  "blocked",
  "conflict-of-interest",
  "daily-limit",
  "daily-transfer-cap",
  "frozen",
  "invalid-uid",
  "kyc",
  "negative-balance",
  "own-account",
  "same-admin",
  "same-approver",
]);
export type WalletRefusal = z.infer<typeof WalletRefusalSchema>;

/** Upper bound of any single amount a client may ask to move (config limits are usually far lower). */
export const MAX_AMOUNT = 1_000_000_000;

const PositiveAmount = z.number().int().min(1).max(MAX_AMOUNT);
const Reason = z.string().trim().min(3, "reason is required for the audit trail").max(500);

export const LedgerTypeSchema = z.enum(LEDGER_TYPES);

// ---------- exchangeDiamonds ----------

export const ExchangeDiamondsRequestSchema = z.object({ diamonds: PositiveAmount, requestId: RequestIdSchema }).strict();
export type ExchangeDiamondsRequest = z.infer<typeof ExchangeDiamondsRequestSchema>;

export interface Balances {
  coins: number;
  diamonds: number;
}

export interface ExchangeDiamondsResponse {
  diamondsSpent: number;
  /** Coins credited to the caller for the diamonds (gross minus the fee), the VIP bonus not included. */
  coinsReceived: number;
  feeCoins: number;
  /** Extra coins of the caller's active VIP tier (exchangeBonusBps of the gross), on top of coinsReceived. */
  vipBonusCoins: number;
  /** The caller's balances right after the exchange (shards included). */
  balances: Balances;
  transactionId: string;
}

// ---------- withdrawals ----------

export const PAYOUT_METHOD_TYPES = ["bank_transfer", "paypal", "payoneer", "wise"] as const;

/**
 * A payout destination is referenced by the id the payout provider gave it when the user registered it
 * (a token, an email for PayPal), never by a raw bank or card number: those must not reach our
 * documents or logs, so long digit runs are refused.
 */
export const PayoutMethodSchema = z
  .object({
    type: z.enum(PAYOUT_METHOD_TYPES),
    accountRef: z
      .string()
      .min(3)
      .max(128)
      .regex(/^[A-Za-z0-9_.:@+-]+$/, "accountRef may contain letters, digits and _ . : @ + - only")
      .refine((ref) => !/\d{8,}/.test(ref), "accountRef must be the payout provider's reference, not a raw account number"),
  })
  .strict();
export type PayoutMethod = z.infer<typeof PayoutMethodSchema>;

export const RequestWithdrawalRequestSchema = z
  .object({ diamonds: PositiveAmount, payoutMethod: PayoutMethodSchema, requestId: RequestIdSchema })
  .strict();
export type RequestWithdrawalRequest = z.infer<typeof RequestWithdrawalRequestSchema>;

export const WITHDRAWAL_STATUSES = ["pending", "paid", "rejected"] as const;
export type WithdrawalStatus = (typeof WITHDRAWAL_STATUSES)[number];

export interface RequestWithdrawalResponse {
  withdrawalId: string;
  diamonds: number;
  feeDiamonds: number;
  payoutCents: number;
  status: WithdrawalStatus;
  balances: Balances;
}

export const ReviewWithdrawalRequestSchema = z
  .object({
    withdrawalId: KeySafeIdSchema,
    decision: z.enum(["approve", "reject"]),
    reason: Reason,
    requestId: RequestIdSchema,
  })
  .strict();
export type ReviewWithdrawalRequest = z.infer<typeof ReviewWithdrawalRequestSchema>;

/** The first of the two approvals a large withdrawal needs (config/economy withdrawalDualApprovalDiamonds). */
export interface WithdrawalFirstApproval {
  uid: string;
  /** ISO 8601. */
  at: string;
  reason: string;
  requestId: string;
}

interface ReviewedWithdrawal {
  withdrawalId: string;
  diamonds: number;
  feeDiamonds: number;
  payoutCents: number;
}

/** Paid or rejected (a ledger transaction), or approved once and waiting for a second reviewer (nothing moved). */
export type ReviewWithdrawalResponse =
  | (ReviewedWithdrawal & { status: Exclude<WithdrawalStatus, "pending">; transactionId: string })
  | (ReviewedWithdrawal & { status: "awaiting-second-approval"; firstApproval: WithdrawalFirstApproval });

// ---------- reseller ----------

export const ResellerTransferRequestSchema = z.object({ toUid: KeySafeUidSchema, coins: PositiveAmount, requestId: RequestIdSchema }).strict();
export type ResellerTransferRequest = z.infer<typeof ResellerTransferRequestSchema>;

/** Why the commission was not paid in full: a staff/reseller recipient, or the reseller's daily cap reached. */
export type CommissionWithheld = "recipient-not-eligible" | "daily-commission-cap";

export interface ResellerTransferResponse {
  toUid: string;
  coins: number;
  /** Commission actually paid (0 when withheld entirely). */
  commissionCoins: number;
  /** Present only when some or all of the commission was not paid. */
  commissionWithheld?: CommissionWithheld;
  /** The reseller's balances after the transfer and commission. */
  balances: Balances;
  transactionId: string;
}

// ---------- admin ----------

export const AdminAdjustBalanceRequestSchema = z
  .object({
    uid: KeySafeUidSchema,
    currency: CurrencySchema,
    amount: z
      .number()
      .int()
      .min(-MAX_AMOUNT)
      .max(MAX_AMOUNT)
      .refine((amount) => amount !== 0, "amount must not be zero"),
    reason: Reason,
    requestId: RequestIdSchema,
  })
  .strict();
export type AdminAdjustBalanceRequest = z.infer<typeof AdminAdjustBalanceRequestSchema>;

/**
 * Below config/economy adjustmentApprovalThreshold the adjustment is applied at once; at or above it,
 * it waits in balanceAdjustments/{adjustmentId} for a second admin (reviewBalanceAdjustment).
 */
export interface AdminAdjustBalanceResponse {
  status: "applied" | "pending";
  uid: string;
  currency: "coins" | "diamonds";
  amount: number;
  type: "admin.grant" | "admin.adjust";
  /** Pending: the adjustment to approve or reject. */
  adjustmentId?: string;
  /** Applied: the user's balances afterwards, and the ledger transaction. */
  balances?: Balances;
  transactionId?: string;
}

export const ADJUSTMENT_STATUSES = ["pending", "applied", "rejected"] as const;
export type AdjustmentStatus = (typeof ADJUSTMENT_STATUSES)[number];

export const ReviewBalanceAdjustmentRequestSchema = z
  .object({
    adjustmentId: KeySafeIdSchema,
    decision: z.enum(["approve", "reject"]),
    reason: Reason,
    requestId: RequestIdSchema,
  })
  .strict();
export type ReviewBalanceAdjustmentRequest = z.infer<typeof ReviewBalanceAdjustmentRequestSchema>;

export interface ReviewBalanceAdjustmentResponse {
  adjustmentId: string;
  status: Exclude<AdjustmentStatus, "pending">;
  uid: string;
  currency: "coins" | "diamonds";
  amount: number;
  /** The ledger transaction of an approval. */
  transactionId?: string;
}

// ---------- history ----------

export const HISTORY_DEFAULT_LIMIT = 20;
export const HISTORY_MAX_LIMIT = 100;

const LedgerHistoryQuerySchema = z
  .object({
    limit: z.number().int().min(1).max(HISTORY_MAX_LIMIT).default(HISTORY_DEFAULT_LIMIT),
    cursor: z.string().min(1).max(512).optional(),
    type: LedgerTypeSchema.optional(),
    currency: CurrencySchema.optional(),
  })
  .strict();

/** Null (what the client SDKs send for no data) means all defaults. */
export const GetLedgerHistoryRequestSchema = z.preprocess((value) => value ?? {}, LedgerHistoryQuerySchema);
/** What a client sends. */
export type GetLedgerHistoryInput = z.input<typeof LedgerHistoryQuerySchema> | null;
/** What the handler receives (defaults applied). */
export type GetLedgerHistoryRequest = z.output<typeof LedgerHistoryQuerySchema>;

export interface LedgerHistoryItem {
  id: string;
  type: string;
  /** The caller's own net movement per currency in this transaction (only currencies it touched). */
  amounts: Partial<Record<"coins" | "diamonds", number>>;
  createdAt: string | null;
  /** Scalar fields of the transaction's meta (ids, names), for display. */
  meta: Record<string, string | number | boolean | null>;
}

export interface GetLedgerHistoryResponse {
  items: LedgerHistoryItem[];
  /** Pass back as `cursor` for the next page; null when there is none. */
  nextCursor: string | null;
}

// ---------- reconciliation ----------

export const RunReconciliationRequestSchema = z.object({}).strict().nullish();

export type ReconciliationMismatch =
  | { kind: "wallet-balance"; account: string; currency: string; walletBalance: number; ledgerBalance: number }
  | { kind: "unbalanced-transaction"; transactionId: string; currency: string; sum: number }
  | { kind: "invalid-entry"; transactionId: string; detail: string }
  | { kind: "system-total"; currency: string; total: number };

export interface ReconciliationReport {
  id: string;
  ok: boolean;
  checkedWallets: number;
  checkedTransactions: number;
  mismatchCount: number;
  mismatches: ReconciliationMismatch[];
  startedAt: string;
  finishedAt: string;
  trigger: "schedule" | "admin";
}
