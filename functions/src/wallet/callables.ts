/** How the wallet domain is reached by the apps and the admin console. */
import { defineCallable } from "../kernel/callable.js";
import { adminAdjustBalance as adjustBalance, reviewBalanceAdjustment as reviewAdjustment } from "./adjustments.js";
import { exchangeDiamonds as exchange } from "./exchange.js";
import { getLedgerHistory as history } from "./history.js";
import { runReconciliation as reconcile } from "./reconciliation.js";
import { resellerTransfer as transfer } from "./reseller.js";
import {
  AdminAdjustBalanceRequestSchema,
  ExchangeDiamondsRequestSchema,
  GetLedgerHistoryRequestSchema,
  RequestWithdrawalRequestSchema,
  ResellerTransferRequestSchema,
  ReviewBalanceAdjustmentRequestSchema,
  ReviewWithdrawalRequestSchema,
  RunReconciliationRequestSchema,
} from "./schema.js";
import { reviewWithdrawal as review, requestWithdrawal as withdraw } from "./withdrawals.js";

/** Money movements: a tighter budget than reads; retries with the same requestId are cheap replays. */
const MONEY_RATE_LIMIT = { perUid: { tokens: 30, windowSeconds: 60 } };

export const exchangeDiamonds = defineCallable({
  name: "wallet.exchangeDiamonds",
  verifySession: true,
  input: ExchangeDiamondsRequestSchema,
  rateLimit: MONEY_RATE_LIMIT,
  handler: ({ caller, data }) => exchange(caller, data),
});

export const requestWithdrawal = defineCallable({
  name: "wallet.requestWithdrawal",
  verifySession: true,
  input: RequestWithdrawalRequestSchema,
  rateLimit: { perUid: { tokens: 10, windowSeconds: 60 } },
  handler: ({ caller, data }) => withdraw(caller, data),
});

/** Finance staff work the withdrawal queue; the four-eyes rule (withdrawals.ts) holds for every reviewer. */
export const reviewWithdrawal = defineCallable({
  name: "wallet.reviewWithdrawal",
  input: ReviewWithdrawalRequestSchema,
  roles: ["finance"],
  rateLimit: MONEY_RATE_LIMIT,
  handler: ({ caller, data }) => review(caller, data),
});

export const resellerTransfer = defineCallable({
  name: "wallet.resellerTransfer",
  verifySession: true,
  input: ResellerTransferRequestSchema,
  roles: ["reseller"],
  rateLimit: { perUid: { tokens: 60, windowSeconds: 60 } },
  handler: ({ caller, data }) => transfer(caller, data),
});

export const adminAdjustBalance = defineCallable({
  name: "wallet.adminAdjustBalance",
  input: AdminAdjustBalanceRequestSchema,
  roles: ["admin"],
  rateLimit: MONEY_RATE_LIMIT,
  handler: ({ caller, data }) => adjustBalance(caller, data),
});

/** A second admin approves or rejects an adjustment that reached the approval threshold. */
export const reviewBalanceAdjustment = defineCallable({
  name: "wallet.reviewBalanceAdjustment",
  input: ReviewBalanceAdjustmentRequestSchema,
  roles: ["admin"],
  rateLimit: MONEY_RATE_LIMIT,
  handler: ({ caller, data }) => reviewAdjustment(caller, data),
});

export const getLedgerHistory = defineCallable({
  name: "wallet.getLedgerHistory",
  input: GetLedgerHistoryRequestSchema,
  handler: ({ caller, data }) => history(caller, data),
});

/** Reads every wallet and ledger document: admins only, rarely, with a long timeout. */
export const runReconciliation = defineCallable({
  name: "wallet.runReconciliation",
  input: RunReconciliationRequestSchema,
  roles: ["admin"],
  rateLimit: { perUid: { tokens: 3, windowSeconds: 60 } },
  options: { timeoutSeconds: 540, memory: "1GiB" },
  handler: ({ caller }) => reconcile("admin", caller.uid),
});
