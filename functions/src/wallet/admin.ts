/**
 * Admin balance adjustments (support compensation, corrections): a grant mints value to the user, a
 * debit burns it. Both are audited in the same transaction as the movement, and a debit never takes a
 * wallet below zero (it may reach a frozen or indebted wallet: that is what corrections are for).
 */
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { SYSTEM_ACCOUNTS, userAccount } from "./accounts.js";
import { type EntryInput, ledgerTransactionId, postLedgerTransaction } from "./ledger.js";
import type { AdminAdjustBalanceRequest, AdminAdjustBalanceResponse } from "./schema.js";
import { balancesAfter, refuseKeyUsedByOtherType, requireUserProfile } from "./service.js";

export async function adminAdjustBalance(caller: Caller, request: AdminAdjustBalanceRequest): Promise<AdminAdjustBalanceResponse> {
  // Four eyes: nobody moves value into or out of their own wallet by decree.
  if (request.uid === caller.uid) fail("failed-precondition", "Admins cannot adjust their own balance.");
  const grant = request.amount > 0;
  const type = grant ? "admin.grant" : "admin.adjust";
  const account = userAccount(request.uid);
  const transactionId = ledgerTransactionId(type, caller.uid, request.requestId);
  const { FieldValue } = firestoreValues();

  const outcome = await postLedgerTransaction<Omit<AdminAdjustBalanceResponse, "transactionId">>(
    { type, owner: caller.uid, key: request.requestId, payload: request, actor: caller.uid },
    async (ctx) => {
      await refuseKeyUsedByOtherType(ctx, [grant ? "admin.adjust" : "admin.grant"], caller.uid, request.requestId);
      await requireUserProfile(ctx, request.uid);
      const wallet = await ctx.wallet(account, { includeShards: true });
      const magnitude = Math.abs(request.amount);
      const { currency } = request;
      const entries: EntryInput[] = grant
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
        meta: { targetUid: request.uid },
        // A correction must still reach a locked wallet; balances never go negative (no allowNegative).
        ignoreSpendingLock: true,
        result: { uid: request.uid, currency, amount: request.amount, type, balances: balancesAfter(wallet, entries) },
        writes: (tx) => {
          tx.create(db().collection(Collections.auditLog).doc(), {
            action: `wallet.${type}`,
            actorUid: caller.uid,
            targetUid: request.uid,
            currency,
            amount: request.amount,
            reason: request.reason,
            requestId: request.requestId,
            transactionId,
            at: FieldValue.serverTimestamp(),
          });
        },
      };
    },
  );
  if (!outcome.replayed) {
    log.info("admin balance adjustment", { actorUid: caller.uid, targetUid: request.uid, currency: request.currency, amount: request.amount });
  }
  return { ...outcome.result, transactionId: outcome.transactionId };
}
