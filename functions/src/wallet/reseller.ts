/**
 * Resellers sell coins they hold to users (paid outside the app) by transferring them; the platform pays
 * them a commission in newly minted coins. The commission is credited in the same transaction, but the
 * reseller must hold the full amount beforehand: the commission never funds the transfer itself.
 */
import { auth, db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { SYSTEM_ACCOUNTS, userAccount } from "./accounts.js";
import { economyConfig, shareOf } from "./config.js";
import { postLedgerTransaction } from "./ledger.js";
import type { ResellerTransferRequest, ResellerTransferResponse } from "./schema.js";
import { balancesAfter, nonZero, requireUserProfile } from "./service.js";

function blockRef(blockerUid: string, blockedUid: string) {
  return db().collection(Collections.blocks).doc(`${blockerUid}__${blockedUid}`);
}

/** Suspended (banned claim) or disabled accounts cannot receive coins. */
async function requireActiveAccount(uid: string): Promise<void> {
  const user = await auth()
    .getUser(uid)
    .catch(() => fail("not-found", "No such user."));
  if (user.disabled || user.customClaims?.banned === true) fail("failed-precondition", "The recipient's account is suspended.");
}

export async function resellerTransfer(caller: Caller, request: ResellerTransferRequest): Promise<ResellerTransferResponse> {
  if (request.toUid === caller.uid) fail("failed-precondition", "Resellers cannot transfer coins to themselves.");
  const reseller = userAccount(caller.uid);
  const recipient = userAccount(request.toUid);

  const outcome = await postLedgerTransaction<Omit<ResellerTransferResponse, "transactionId">>(
    { type: "reseller.transfer", owner: caller.uid, key: request.requestId, payload: request },
    async (ctx) => {
      const config = await economyConfig();
      if (request.coins > config.resellerMaxTransferCoins) {
        fail("failed-precondition", `At most ${config.resellerMaxTransferCoins} coins per transfer.`, { reason: "above-maximum" });
      }
      await requireUserProfile(ctx, request.toUid);
      const [blockedByRecipient, blockedByReseller] = await Promise.all([
        ctx.get(blockRef(request.toUid, caller.uid)),
        ctx.get(blockRef(caller.uid, request.toUid)),
      ]);
      if (blockedByRecipient.exists || blockedByReseller.exists) {
        fail("failed-precondition", "Coins cannot be transferred between users who blocked each other.", { reason: "blocked" });
      }
      await requireActiveAccount(request.toUid);
      const wallet = await ctx.wallet(reseller, { includeShards: true });
      if (wallet.coins < request.coins) {
        fail("failed-precondition", "Insufficient coins.", { account: reseller, currency: "coins", shortBy: request.coins - wallet.coins });
      }
      const commission = shareOf(request.coins, config.resellerCommissionBps);
      const entries = nonZero([
        { account: reseller, currency: "coins", amount: -request.coins },
        { account: recipient, currency: "coins", amount: request.coins },
        { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -commission },
        { account: reseller, currency: "coins", amount: commission },
      ]);
      return {
        entries,
        meta: { fromUid: caller.uid, toUid: request.toUid, coins: request.coins, commissionCoins: commission },
        result: { toUid: request.toUid, coins: request.coins, commissionCoins: commission, balances: balancesAfter(wallet, entries) },
      };
    },
  );
  if (!outcome.replayed) log.info("reseller transfer", { resellerUid: caller.uid, toUid: request.toUid, coins: request.coins });
  return { ...outcome.result, transactionId: outcome.transactionId };
}
