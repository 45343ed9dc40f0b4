/**
 * Diamonds → coins. The diamonds leave circulation (burn) and the coins are newly issued (mint); the
 * platform keeps its fee in coins. Diamond debits fold the caller's shard credits (ledger core).
 */
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { SYSTEM_ACCOUNTS, userAccount } from "./accounts.js";
import { economyConfig, shareOf } from "./config.js";
import { postLedgerTransaction } from "./ledger.js";
import type { ExchangeDiamondsRequest, ExchangeDiamondsResponse } from "./schema.js";
import { balancesAfter, nonZero } from "./service.js";

export async function exchangeDiamonds(caller: Caller, request: ExchangeDiamondsRequest): Promise<ExchangeDiamondsResponse> {
  const account = userAccount(caller.uid);
  const outcome = await postLedgerTransaction<Omit<ExchangeDiamondsResponse, "transactionId">>(
    { type: "exchange", owner: caller.uid, key: request.requestId, payload: request },
    async (ctx) => {
      const config = await economyConfig();
      const gross = request.diamonds * config.exchangeCoinsPerDiamond;
      if (!Number.isSafeInteger(gross)) fail("failed-precondition", "This exchange is too large.");
      const fee = shareOf(gross, config.exchangeFeeBps);
      const net = gross - fee;
      if (net < 1) fail("failed-precondition", "This exchange is too small: the fee would take all the coins.");
      const wallet = await ctx.wallet(account, { includeShards: true });
      const entries = nonZero([
        { account, currency: "diamonds", amount: -request.diamonds },
        { account: SYSTEM_ACCOUNTS.burn, currency: "diamonds", amount: request.diamonds },
        { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -gross },
        { account, currency: "coins", amount: net },
        { account: SYSTEM_ACCOUNTS.platform, currency: "coins", amount: fee },
      ]);
      return {
        entries,
        meta: { diamonds: request.diamonds, coinsPerDiamond: config.exchangeCoinsPerDiamond, feeCoins: fee },
        result: { diamondsSpent: request.diamonds, coinsReceived: net, feeCoins: fee, balances: balancesAfter(wallet, entries) },
      };
    },
  );
  if (!outcome.replayed) log.info("diamonds exchanged", { uid: caller.uid, diamonds: request.diamonds, coins: outcome.result.coinsReceived });
  return { ...outcome.result, transactionId: outcome.transactionId };
}
