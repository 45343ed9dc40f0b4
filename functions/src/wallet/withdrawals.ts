/**
 * Withdrawals of diamonds. A request freezes the diamonds on the payable account (user → payable) and
 * records withdrawals/{id} in the same transaction; an admin then pays it (payable → burn, fee to the
 * platform) or rejects it (payable → user, an exact refund). The withdrawal id is the request's ledger
 * transaction id, so a retried request finds its own record. An admin who recently favoured the account
 * (see interactions.ts) cannot approve its withdrawals.
 *
 * Dual control: a withdrawal of at least config/economy withdrawalDualApprovalDiamonds is paid on its
 * second approval, by a reviewer other than the first. The first approval moves nothing: it is recorded on
 * the withdrawal (firstApproval) in a transaction that decides whether it is the first; the payout's own
 * transaction checks again that another reviewer approved first.
 */
import type { DocumentReference, DocumentSnapshot, Query, Timestamp, Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { recordAudit } from "../kernel/audit.js";
import { Collections } from "../kernel/collections.js";
import { fail, refuse } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";
import { notifyAfterCommit } from "../notifications/after-commit.js";
import { SYSTEM_ACCOUNTS, userAccount } from "./accounts.js";
import { type EconomyConfig, economyConfig, shareOf } from "./config.js";
import { adminInteractionRef, interactionsSince } from "./interactions.js";
import { type EntryInput, ledgerTransactionId, postLedgerTransaction } from "./ledger.js";
import { balancesAfter, nonZero, refuseKeyUsedByOtherType } from "./postings.js";
import type {
  RequestWithdrawalRequest,
  RequestWithdrawalResponse,
  ReviewWithdrawalRequest,
  ReviewWithdrawalResponse,
  WalletRefusal,
  WithdrawalFirstApproval,
  WithdrawalStatus,
} from "./schema.js";

const DAY_MS = 86_400_000;

function withdrawalRef(id: string) {
  return db().collection(Collections.withdrawals).doc(id);
}

function startOfUtcDay(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** Diamonds the user has asked to withdraw since UTC midnight, rejected requests excepted. */
async function withdrawnToday(tx: Transaction, uid: string): Promise<number> {
  const { Timestamp } = firestoreValues();
  const today: Query = db().collection(Collections.withdrawals).where("uid", "==", uid).where("createdAt", ">=", Timestamp.fromDate(startOfUtcDay()));
  const snapshot = await tx.get(today);
  return snapshot.docs.reduce((sum, doc) => (doc.get("status") === "rejected" ? sum : sum + (doc.get("diamonds") ?? 0)), 0);
}

/** For logs: enough to tell two destinations apart, never the reference itself. */
function maskedRef(accountRef: string): string {
  return `…${accountRef.slice(-4)}`;
}

type WithdrawalLimits = Pick<EconomyConfig, "withdrawMinDiamonds" | "withdrawMaxDiamondsPerRequest" | "withdrawMaxDiamondsPerDay">;

/** Refuses a withdrawal below the minimum or above the per-request maximum. */
export function checkWithdrawalAmount(diamonds: number, config: WithdrawalLimits): void {
  if (diamonds < config.withdrawMinDiamonds) {
    refuse<WalletRefusal>("failed-precondition", "below-minimum", `The minimum withdrawal is ${config.withdrawMinDiamonds} diamonds.`);
  }
  if (diamonds > config.withdrawMaxDiamondsPerRequest) {
    refuse<WalletRefusal>("failed-precondition", "above-maximum", `At most ${config.withdrawMaxDiamondsPerRequest} diamonds per withdrawal.`);
  }
}

/** Refuses a withdrawal that would take the diamonds asked for today (rejected requests excepted) past the daily limit. */
export function checkDailyWithdrawalLimit(diamonds: number, alreadyToday: number, config: WithdrawalLimits): void {
  if (alreadyToday + diamonds > config.withdrawMaxDiamondsPerDay) {
    refuse<WalletRefusal>("failed-precondition", "daily-limit", `At most ${config.withdrawMaxDiamondsPerDay} diamonds per day can be withdrawn.`, {
      remainingToday: Math.max(0, config.withdrawMaxDiamondsPerDay - alreadyToday),
    });
  }
}

/** The platform's fee (rounded down) and the payout of the rest, in cents. */
export function withdrawalQuote(diamonds: number, config: Pick<EconomyConfig, "withdrawFeeBps" | "withdrawCentsPerDiamond">) {
  const feeDiamonds = shareOf(diamonds, config.withdrawFeeBps);
  return { feeDiamonds, payoutCents: (diamonds - feeDiamonds) * config.withdrawCentsPerDiamond };
}

/** A review's posting: paid out (payable → burn, the fee to the platform), or rejected (payable → the user, all of it). */
export function withdrawalDecisionEntries(approve: boolean, uid: string, diamonds: number, feeDiamonds: number): EntryInput[] {
  if (!approve) {
    return [
      { account: SYSTEM_ACCOUNTS.payable, currency: "diamonds", amount: -diamonds },
      { account: userAccount(uid), currency: "diamonds", amount: diamonds },
    ];
  }
  return nonZero([
    { account: SYSTEM_ACCOUNTS.payable, currency: "diamonds", amount: -diamonds },
    { account: SYSTEM_ACCOUNTS.burn, currency: "diamonds", amount: diamonds - feeDiamonds },
    { account: SYSTEM_ACCOUNTS.platform, currency: "diamonds", amount: feeDiamonds },
  ]);
}

export async function requestWithdrawal(caller: Caller, request: RequestWithdrawalRequest): Promise<RequestWithdrawalResponse> {
  const account = userAccount(caller.uid);
  const withdrawalId = ledgerTransactionId("withdrawal.request", caller.uid, request.requestId);
  const { FieldValue } = firestoreValues();

  const outcome = await postLedgerTransaction<RequestWithdrawalResponse>(
    { type: "withdrawal.request", owner: caller.uid, key: request.requestId, payload: request },
    async (ctx) => {
      const config = await economyConfig();
      const kyc = await ctx.get(db().collection(Collections.kyc).doc(caller.uid));
      if (kyc.get("status") !== "approved") {
        refuse<WalletRefusal>("failed-precondition", "kyc", "Identity verification (KYC) must be approved before withdrawing.");
      }
      checkWithdrawalAmount(request.diamonds, config);
      checkDailyWithdrawalLimit(request.diamonds, await withdrawnToday(ctx.tx, caller.uid), config);
      const wallet = await ctx.wallet(account, { showShards: true });
      const { feeDiamonds, payoutCents } = withdrawalQuote(request.diamonds, config);
      const entries: EntryInput[] = [
        { account, currency: "diamonds", amount: -request.diamonds },
        { account: SYSTEM_ACCOUNTS.payable, currency: "diamonds", amount: request.diamonds },
      ];
      const status: WithdrawalStatus = "pending";
      return {
        entries,
        meta: { withdrawalId, payoutType: request.payoutMethod.type },
        result: { withdrawalId, diamonds: request.diamonds, feeDiamonds, payoutCents, status, balances: balancesAfter(wallet, entries) },
        writes: (tx) => {
          const now = FieldValue.serverTimestamp();
          tx.create(withdrawalRef(withdrawalId), {
            id: withdrawalId,
            uid: caller.uid,
            diamonds: request.diamonds,
            feeDiamonds,
            payoutCents,
            currency: "USD",
            payoutMethod: request.payoutMethod,
            status,
            requestId: request.requestId,
            requestTransactionId: withdrawalId,
            createdAt: now,
            updatedAt: now,
            reviewedBy: null,
            reviewedAt: null,
            reviewReason: null,
            decisionTransactionId: null,
            firstApproval: null,
          });
        },
      };
    },
  );
  if (!outcome.replayed) {
    log.info("withdrawal requested", {
      uid: caller.uid,
      withdrawalId,
      diamonds: request.diamonds,
      payoutType: request.payoutMethod.type,
      accountRef: maskedRef(request.payoutMethod.accountRef),
    });
  }
  return outcome.result;
}

/** True when a withdrawal of `diamonds` is paid only after two approvals by different reviewers. */
export function needsTwoApprovals(diamonds: number, config: Pick<EconomyConfig, "withdrawalDualApprovalDiamonds">): boolean {
  const threshold = config.withdrawalDualApprovalDiamonds;
  return !threshold || diamonds >= threshold;
}

/** withdrawals/{id}.firstApproval as the contract gives it. */
export function firstApprovalOf(withdrawal: DocumentSnapshot): WithdrawalFirstApproval | null {
  const stored = withdrawal.get("firstApproval") as (Omit<WithdrawalFirstApproval, "at"> & { at: Timestamp }) | null | undefined;
  return stored ? { ...stored, at: stored.at.toDate().toISOString() } : null;
}

/**
 * Refuses an approval by a reviewer who recently favoured the account (see interactions.ts), or by the
 * first approver a second time. Rejecting returns the diamonds to the user, so anyone may do it.
 */
async function refuseApprover(
  get: (ref: DocumentReference) => Promise<DocumentSnapshot>,
  withdrawal: DocumentSnapshot,
  caller: Caller,
  config: EconomyConfig,
): Promise<void> {
  const sinceMs = Date.now() - config.fourEyesWindowDays * DAY_MS;
  const interactions = interactionsSince(await get(adminInteractionRef(withdrawal.get("uid") as string, caller.uid)), sinceMs);
  if (interactions.length) {
    refuse<WalletRefusal>(
      "failed-precondition",
      "conflict-of-interest",
      "You recently adjusted, verified or granted this account: another reviewer must approve its withdrawal.",
      { interactions },
    );
  }
  if (firstApprovalOf(withdrawal)?.uid === caller.uid) {
    refuse<WalletRefusal>("failed-precondition", "same-approver", "You approved this withdrawal once: a second reviewer must approve it.");
  }
}

function refuseOwnWithdrawal(withdrawal: DocumentSnapshot, caller: Caller): void {
  if (withdrawal.get("uid") === caller.uid) fail("failed-precondition", "Reviewers cannot review their own withdrawals.");
}

type AwaitingSecondApproval = Extract<ReviewWithdrawalResponse, { status: "awaiting-second-approval" }>;
type Decided = Extract<ReviewWithdrawalResponse, { transactionId: string }>;

function awaitingSecondApproval(withdrawal: DocumentSnapshot, firstApproval: WithdrawalFirstApproval): AwaitingSecondApproval {
  return {
    withdrawalId: withdrawal.id,
    status: "awaiting-second-approval",
    diamonds: withdrawal.get("diamonds") as number,
    feeDiamonds: withdrawal.get("feeDiamonds") as number,
    payoutCents: withdrawal.get("payoutCents") as number,
    firstApproval,
  };
}

/**
 * An approval's first step, in one transaction: a withdrawal that needs two approvals and has none gets
 * this one recorded (nothing moves) and the answer to give; otherwise null, and the payout decides. A
 * resent first approval answers the same, even once the withdrawal is decided.
 */
async function recordFirstApproval(
  caller: Caller,
  request: ReviewWithdrawalRequest,
  config: EconomyConfig,
): Promise<{ response: AwaitingSecondApproval; replayed: boolean } | null> {
  const { FieldValue, Timestamp } = firestoreValues();
  return runTransaction(async (tx) => {
    const ref = withdrawalRef(request.withdrawalId);
    const withdrawal = await tx.get(ref);
    if (!withdrawal.exists) fail("not-found", "No such withdrawal.");
    const recorded = firstApprovalOf(withdrawal);
    if (recorded?.uid === caller.uid && recorded.requestId === request.requestId) {
      return { response: awaitingSecondApproval(withdrawal, recorded), replayed: true };
    }
    // A decided withdrawal: the payout replays this reviewer's own decision or refuses.
    if (withdrawal.get("status") !== "pending") return null;
    refuseOwnWithdrawal(withdrawal, caller);
    await refuseApprover((r) => tx.get(r), withdrawal, caller, config);
    if (recorded || !needsTwoApprovals(withdrawal.get("diamonds") as number, config)) return null;

    const at = Timestamp.now();
    const firstApproval = { uid: caller.uid, at, reason: request.reason, requestId: request.requestId };
    tx.update(ref, { firstApproval, updatedAt: FieldValue.serverTimestamp() });
    recordAudit(tx, {
      action: "wallet.withdrawal.firstApproval",
      actorUid: caller.uid,
      targetUid: withdrawal.get("uid") as string,
      reason: request.reason,
      requestId: request.requestId,
      details: { withdrawalId: request.withdrawalId, currency: "diamonds", amount: withdrawal.get("diamonds") as number },
    });
    return { response: awaitingSecondApproval(withdrawal, { ...firstApproval, at: at.toDate().toISOString() }), replayed: false };
  });
}

export async function reviewWithdrawal(caller: Caller, request: ReviewWithdrawalRequest): Promise<ReviewWithdrawalResponse> {
  const approve = request.decision === "approve";
  // One reading of the config for both steps, so they agree on whether two approvals are needed.
  const config = await economyConfig();
  if (approve) {
    const first = await recordFirstApproval(caller, request, config);
    if (first) {
      if (!first.replayed) log.info("withdrawal approved once", { actorUid: caller.uid, withdrawalId: request.withdrawalId });
      return first.response;
    }
  }
  const type = approve ? "withdrawal.payout" : "withdrawal.refund";
  const status = approve ? "paid" : "rejected";
  const decisionTransactionId = ledgerTransactionId(type, caller.uid, request.requestId);
  const { FieldValue } = firestoreValues();
  let owner: string | undefined;

  const outcome = await postLedgerTransaction<Omit<Decided, "transactionId">>(
    { type, owner: caller.uid, key: request.requestId, payload: request, actor: caller.uid },
    async (ctx) => {
      await refuseKeyUsedByOtherType(ctx, [approve ? "withdrawal.refund" : "withdrawal.payout"], caller.uid, request.requestId);
      const ref = withdrawalRef(request.withdrawalId);
      const withdrawal = await ctx.get(ref);
      if (!withdrawal.exists) fail("not-found", "No such withdrawal.");
      const current = withdrawal.get("status") as WithdrawalStatus;
      if (current !== "pending") fail("failed-precondition", `This withdrawal was already decided (${current}).`, { status: current });
      refuseOwnWithdrawal(withdrawal, caller);
      const uid = withdrawal.get("uid") as string;
      owner = uid;
      const diamonds = withdrawal.get("diamonds") as number;
      const firstApproval = firstApprovalOf(withdrawal);
      if (approve) {
        // Checked again here: the payout never relies on the step before it.
        await refuseApprover(ctx.get, withdrawal, caller, config);
        if (needsTwoApprovals(diamonds, config) && !firstApproval) fail("failed-precondition", "This withdrawal needs a first approval.");
      } else if (firstApproval?.uid === caller.uid && firstApproval.requestId === request.requestId) {
        fail("failed-precondition", "This request id was already used for a different request.");
      }
      const feeDiamonds = withdrawal.get("feeDiamonds") as number;
      const entries = withdrawalDecisionEntries(approve, uid, diamonds, feeDiamonds);
      return {
        entries,
        meta: { withdrawalId: request.withdrawalId, uid, decision: request.decision },
        result: { withdrawalId: request.withdrawalId, status, diamonds, feeDiamonds, payoutCents: withdrawal.get("payoutCents") as number },
        writes: (tx) => {
          const now = FieldValue.serverTimestamp();
          tx.update(ref, {
            status,
            reviewedBy: caller.uid,
            reviewedAt: now,
            reviewReason: request.reason,
            decisionTransactionId,
            updatedAt: now,
          });
          recordAudit(tx, {
            action: `wallet.withdrawal.${request.decision}`,
            actorUid: caller.uid,
            targetUid: uid,
            reason: request.reason,
            requestId: request.requestId,
            details: {
              withdrawalId: request.withdrawalId,
              currency: "diamonds",
              amount: diamonds,
              transactionId: decisionTransactionId,
              firstApprovedBy: firstApproval?.uid ?? null,
            },
          });
        },
      };
    },
  );
  if (!outcome.replayed) log.info("withdrawal reviewed", { actorUid: caller.uid, withdrawalId: request.withdrawalId, status });
  if (!outcome.replayed && owner) {
    const { diamonds, payoutCents } = outcome.result;
    // The approval that pays is the last one (a first of two tells the user nothing): they hear "paid" or "rejected".
    await notifyAfterCommit({
      recipient: owner,
      type: approve ? "withdrawal-paid" : "withdrawal-rejected",
      data: {
        withdrawalId: request.withdrawalId,
        amount: `${(payoutCents / 100).toFixed(2)} USD`,
        diamonds,
        payoutCents,
        currency: "USD",
        ...(approve ? {} : { reason: request.reason }),
      },
      dedupeKey: `${request.withdrawalId}:${status}`,
    });
  }
  return { ...outcome.result, transactionId: outcome.transactionId };
}
