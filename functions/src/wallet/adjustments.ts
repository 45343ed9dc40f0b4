/**
 * Admin balance adjustments (support compensation, corrections): a grant mints value to the user, a
 * debit burns it. A debit never takes a wallet below zero (it may reach a frozen or indebted wallet:
 * that is what corrections are for).
 *
 * Four eyes: an adjustment whose absolute amount reaches config/economy adjustmentApprovalThreshold moves
 * nothing when requested; it waits in balanceAdjustments/{adjustmentId} until a different admin, who is
 * not its target, approves it (the ledger posting is keyed by the adjustment id, so racing approvers move
 * the value once) or any admin but the target rejects it. Every step is audited in its transaction, and
 * the requester and the approver are recorded as having favoured the account (see interactions.ts).
 */
import { createHash } from "node:crypto";
import type { Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { fingerprint } from "../kernel/idempotency.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";
import { type Currency, SYSTEM_ACCOUNTS, userAccount } from "./accounts.js";
import { economyConfig } from "./config.js";
import { recordAdminInteraction } from "./interactions.js";
import { type EntryInput, type LedgerContext, ledgerTransactionId, type PostingPlan, postLedgerTransaction } from "./ledger.js";
import { balancesAfter, refuseKeyUsedByOtherType, requireUserProfile } from "./postings.js";
import type {
  AdjustmentStatus,
  AdminAdjustBalanceRequest,
  AdminAdjustBalanceResponse,
  Balances,
  ReviewBalanceAdjustmentRequest,
  ReviewBalanceAdjustmentResponse,
} from "./schema.js";

/** Owner of approved adjustments' ledger postings (keyed by adjustment id); ':' keeps it apart from any uid. */
const APPROVED_ADJUSTMENTS_OWNER = "system:balanceAdjustments";

type AdjustmentType = "admin.grant" | "admin.adjust";

interface Adjustment {
  uid: string;
  currency: Currency;
  amount: number;
}

interface AppliedAdjustment extends Adjustment {
  type: AdjustmentType;
  balances: Balances;
}

const typeOf = (amount: number): AdjustmentType => (amount > 0 ? "admin.grant" : "admin.adjust");

/** balanceAdjustments/{id}: one per (requesting admin, requestId), so a resent request finds its record. */
export function balanceAdjustmentId(adminUid: string, requestId: string): string {
  return createHash("sha256").update(`balanceAdjustment\u0000${adminUid}\u0000${requestId}`).digest("hex").slice(0, 40);
}

function adjustmentRef(adjustmentId: string) {
  return db().collection(Collections.balanceAdjustments).doc(adjustmentId);
}

function auditEntry(tx: Transaction, entry: Record<string, unknown>): void {
  const { FieldValue } = firestoreValues();
  tx.create(db().collection(Collections.auditLog).doc(), { ...entry, at: FieldValue.serverTimestamp() });
}

/** The posting of an adjustment (mint → user, or user → burn); `writes` adds the audit and records. */
async function adjustmentPosting(
  ctx: LedgerContext,
  { uid, currency, amount }: Adjustment,
  writes: (tx: Transaction) => void,
): Promise<PostingPlan<AppliedAdjustment>> {
  await requireUserProfile(ctx, uid);
  const account = userAccount(uid);
  const wallet = await ctx.wallet(account, { showShards: true });
  const magnitude = Math.abs(amount);
  const entries: EntryInput[] =
    amount > 0
      ? [
          { account: SYSTEM_ACCOUNTS.mint, currency, amount: -magnitude },
          { account, currency, amount: magnitude },
        ]
      : [
          { account, currency, amount: -magnitude },
          { account: SYSTEM_ACCOUNTS.burn, currency, amount: magnitude },
        ];
  return {
    entries,
    // The reason stays in the audit log: ledger meta is shown in the user's history.
    meta: { targetUid: uid },
    // A correction must still reach a locked wallet; balances never go negative (no allowNegative).
    ignoreSpendingLock: true,
    result: { uid, currency, amount, type: typeOf(amount), balances: balancesAfter(wallet, entries) },
    writes,
  };
}

export async function adminAdjustBalance(caller: Caller, request: AdminAdjustBalanceRequest): Promise<AdminAdjustBalanceResponse> {
  // Four eyes: nobody moves value into or out of their own wallet by decree.
  if (request.uid === caller.uid) fail("failed-precondition", "Admins cannot adjust their own balance.", { reason: "own-account" });
  const config = await economyConfig();
  const adjustmentId = balanceAdjustmentId(caller.uid, request.requestId);
  const needsApproval = Math.abs(request.amount) >= config.adjustmentApprovalThreshold[request.currency];
  // A request recorded as pending stays pending on a resend, even if the threshold has changed since.
  if (needsApproval || (await adjustmentRef(adjustmentId).get()).exists) return requestAdjustment(caller, request, adjustmentId);
  return applyAdjustment(caller, request, adjustmentId);
}

async function applyAdjustment(caller: Caller, request: AdminAdjustBalanceRequest, adjustmentId: string): Promise<AdminAdjustBalanceResponse> {
  const type = typeOf(request.amount);
  const transactionId = ledgerTransactionId(type, caller.uid, request.requestId);
  const outcome = await postLedgerTransaction<AppliedAdjustment>(
    { type, owner: caller.uid, key: request.requestId, payload: request, actor: caller.uid },
    async (ctx) => {
      await refuseKeyUsedByOtherType(ctx, [type === "admin.grant" ? "admin.adjust" : "admin.grant"], caller.uid, request.requestId);
      // Only when a concurrent resend recorded it as pending after the threshold changed.
      if ((await ctx.get(adjustmentRef(adjustmentId))).exists)
        fail("failed-precondition", "This request id was already used for a different request.");
      return adjustmentPosting(ctx, request, (tx) => {
        auditEntry(tx, {
          action: `wallet.${type}`,
          actorUid: caller.uid,
          targetUid: request.uid,
          currency: request.currency,
          amount: request.amount,
          reason: request.reason,
          requestId: request.requestId,
          transactionId,
        });
        recordAdminInteraction(tx, request.uid, caller.uid, "adjusted");
      });
    },
  );
  if (!outcome.replayed) {
    log.info("admin balance adjustment", { actorUid: caller.uid, targetUid: request.uid, currency: request.currency, amount: request.amount });
  }
  return { ...outcome.result, status: "applied", transactionId: outcome.transactionId };
}

function pendingResponse(adjustmentId: string, { uid, currency, amount }: Adjustment): AdminAdjustBalanceResponse {
  return { status: "pending", adjustmentId, uid, currency, amount, type: typeOf(amount) };
}

async function requestAdjustment(caller: Caller, request: AdminAdjustBalanceRequest, adjustmentId: string): Promise<AdminAdjustBalanceResponse> {
  const payloadHash = fingerprint(request);
  const reused = () => fail("failed-precondition", "This request id was already used for a different request.");
  const { response, replayed } = await runTransaction(async (tx) => {
    const ref = adjustmentRef(adjustmentId);
    const existing = await tx.get(ref);
    if (existing.exists) {
      if (existing.get("fingerprint") !== payloadHash) reused();
      return { response: pendingResponse(adjustmentId, existing.data() as Adjustment), replayed: true };
    }
    // Applied at once earlier (under a higher threshold): a resend replays it instead of asking again.
    for (const type of ["admin.grant", "admin.adjust"] as const) {
      const applied = await tx.get(
        db()
          .collection(Collections.ledger)
          .doc(ledgerTransactionId(type, caller.uid, request.requestId)),
      );
      if (!applied.exists) continue;
      if (applied.get("fingerprint") !== payloadHash) reused();
      const result = applied.get("result") as AppliedAdjustment;
      return { response: { ...result, status: "applied" as const, transactionId: applied.id }, replayed: true };
    }
    if (!(await tx.get(db().collection(Collections.users).doc(request.uid))).exists) fail("not-found", "No such user.");

    const { FieldValue } = firestoreValues();
    tx.create(ref, {
      id: adjustmentId,
      status: "pending" satisfies AdjustmentStatus,
      requestedBy: caller.uid,
      uid: request.uid,
      currency: request.currency,
      amount: request.amount,
      reason: request.reason,
      requestId: request.requestId,
      fingerprint: payloadHash,
      createdAt: FieldValue.serverTimestamp(),
      reviewedBy: null,
      reviewedAt: null,
      reviewReason: null,
      reviewRequestId: null,
      transactionId: null,
    });
    auditEntry(tx, {
      action: "wallet.adjustment.request",
      actorUid: caller.uid,
      targetUid: request.uid,
      adjustmentId,
      currency: request.currency,
      amount: request.amount,
      reason: request.reason,
      requestId: request.requestId,
    });
    recordAdminInteraction(tx, request.uid, caller.uid, "adjusted");
    return { response: pendingResponse(adjustmentId, request), replayed: false };
  });
  if (!replayed)
    log.info("admin balance adjustment requested", { actorUid: caller.uid, targetUid: request.uid, adjustmentId, amount: request.amount });
  return response;
}

// ---------------------------------------------------------------------------------------------------
// Review by a second admin
// ---------------------------------------------------------------------------------------------------

interface StoredAdjustment extends Adjustment {
  status: AdjustmentStatus;
  requestedBy: string;
  reviewedBy: string | null;
  reviewRequestId: string | null;
}

function alreadyDecided(status: AdjustmentStatus): never {
  return fail("failed-precondition", `This adjustment was already decided (${status}).`, { reason: "already-decided", status });
}

/** True when this exact decision (same admin, same request id) was already taken: a resend. */
function isOwnDecision(adjustment: StoredAdjustment, caller: Caller, request: ReviewBalanceAdjustmentRequest): boolean {
  return adjustment.reviewedBy === caller.uid && adjustment.reviewRequestId === request.requestId;
}

export async function reviewBalanceAdjustment(caller: Caller, request: ReviewBalanceAdjustmentRequest): Promise<ReviewBalanceAdjustmentResponse> {
  const snapshot = await adjustmentRef(request.adjustmentId).get();
  if (!snapshot.exists) fail("not-found", "No such balance adjustment.");
  const adjustment = snapshot.data() as StoredAdjustment;
  const response = await (request.decision === "approve" ? approveAdjustment(caller, request, adjustment) : rejectAdjustment(caller, request));
  log.info("balance adjustment reviewed", { actorUid: caller.uid, adjustmentId: request.adjustmentId, status: response.status });
  return response;
}

function reviewFields(caller: Caller, request: ReviewBalanceAdjustmentRequest, status: AdjustmentStatus) {
  const { FieldValue } = firestoreValues();
  return {
    status,
    reviewedBy: caller.uid,
    reviewedAt: FieldValue.serverTimestamp(),
    reviewReason: request.reason,
    reviewRequestId: request.requestId,
  };
}

async function approveAdjustment(
  caller: Caller,
  request: ReviewBalanceAdjustmentRequest,
  { uid, currency, amount }: StoredAdjustment,
): Promise<ReviewBalanceAdjustmentResponse> {
  const ref = adjustmentRef(request.adjustmentId);
  const type = typeOf(amount);
  const transactionId = ledgerTransactionId(type, APPROVED_ADJUSTMENTS_OWNER, request.adjustmentId);
  const outcome = await postLedgerTransaction<AppliedAdjustment>(
    // Keyed by the adjustment, not the approver's request: whoever approves, the value moves once.
    { type, owner: APPROVED_ADJUSTMENTS_OWNER, key: request.adjustmentId, payload: { adjustmentId: request.adjustmentId }, actor: caller.uid },
    async (ctx) => {
      const current = (await ctx.get(ref)).data() as StoredAdjustment;
      if (current.status !== "pending") alreadyDecided(current.status);
      if (current.requestedBy === caller.uid) fail("failed-precondition", "A second admin must approve this adjustment.", { reason: "same-admin" });
      if (current.uid === caller.uid)
        fail("failed-precondition", "Admins cannot approve adjustments of their own balance.", { reason: "own-account" });
      return adjustmentPosting(ctx, current, (tx) => {
        tx.update(ref, { ...reviewFields(caller, request, "applied"), transactionId });
        auditEntry(tx, {
          action: "wallet.adjustment.approve",
          actorUid: caller.uid,
          targetUid: uid,
          adjustmentId: request.adjustmentId,
          requestedBy: current.requestedBy,
          currency,
          amount,
          reason: request.reason,
          requestId: request.requestId,
          transactionId,
        });
        recordAdminInteraction(tx, uid, caller.uid, "adjusted");
      });
    },
  );
  // The posting exists: it is this admin's resend, or another approver got there first.
  if (outcome.replayed && !isOwnDecision((await ref.get()).data() as StoredAdjustment, caller, request)) alreadyDecided("applied");
  return { adjustmentId: request.adjustmentId, status: "applied", uid, currency, amount, transactionId: outcome.transactionId };
}

async function rejectAdjustment(caller: Caller, request: ReviewBalanceAdjustmentRequest): Promise<ReviewBalanceAdjustmentResponse> {
  const ref = adjustmentRef(request.adjustmentId);
  return runTransaction(async (tx) => {
    const current = (await tx.get(ref)).data() as StoredAdjustment;
    const response = {
      adjustmentId: request.adjustmentId,
      status: "rejected" as const,
      uid: current.uid,
      currency: current.currency,
      amount: current.amount,
    };
    if (current.status === "rejected" && isOwnDecision(current, caller, request)) return response;
    if (current.status !== "pending") alreadyDecided(current.status);
    if (current.uid === caller.uid) fail("failed-precondition", "Admins cannot decide adjustments of their own balance.", { reason: "own-account" });
    tx.update(ref, reviewFields(caller, request, "rejected"));
    auditEntry(tx, {
      action: "wallet.adjustment.reject",
      actorUid: caller.uid,
      targetUid: current.uid,
      adjustmentId: request.adjustmentId,
      requestedBy: current.requestedBy,
      currency: current.currency,
      amount: current.amount,
      reason: request.reason,
      requestId: request.requestId,
    });
    return response;
  });
}
