/**
 * Diamonds → coins. The diamonds leave circulation (burn) and the coins are newly issued (mint); the
 * platform keeps its fee in coins. Diamond debits fold the caller's shard credits (ledger core). An active
 * VIP membership adds its tier's exchangeBonusBps of the gross, minted to the user in the same posting.
 */
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { vipConfig, vipPrivileges } from "../progression/vip/memberships.js";
import { SYSTEM_ACCOUNTS, userAccount } from "./accounts.js";
import { type EconomyConfig, economyConfig, shareOf } from "./config.js";
import { postLedgerTransaction } from "./ledger.js";
import { balancesAfter, nonZero } from "./postings.js";
import type { ExchangeDiamondsRequest, ExchangeDiamondsResponse } from "./schema.js";

/**
 * The coins an exchange of `diamonds` issues: gross at the exchange rate, the platform's fee (rounded
 * down) and the user's net. Refuses an exchange too large to count exactly or one the fee would take whole.
 */
export function exchangeQuote(diamonds: number, config: Pick<EconomyConfig, "exchangeCoinsPerDiamond" | "exchangeFeeBps">) {
  const gross = diamonds * config.exchangeCoinsPerDiamond;
  if (!Number.isSafeInteger(gross)) fail("failed-precondition", "This exchange is too large.");
  const fee = shareOf(gross, config.exchangeFeeBps);
  const net = gross - fee;
  if (net < 1) fail("failed-precondition", "This exchange is too small: the fee would take all the coins.");
  return { gross, fee, net };
}

export async function exchangeDiamonds(caller: Caller, request: ExchangeDiamondsRequest): Promise<ExchangeDiamondsResponse> {
  const account = userAccount(caller.uid);
  const outcome = await postLedgerTransaction<Omit<ExchangeDiamondsResponse, "transactionId">>(
    { type: "exchange", owner: caller.uid, key: request.requestId, payload: request },
    async (ctx) => {
      const [config, tiers] = await Promise.all([economyConfig(), vipConfig()]);
      const { gross, fee, net } = exchangeQuote(request.diamonds, config);
      // The membership as of this transaction: one that expired a moment ago pays no bonus.
      const profile = await ctx.get(db().collection(Collections.users).doc(caller.uid));
      const vipBonus = shareOf(gross, vipPrivileges(profile.data(), Date.now(), tiers).exchangeBonusBps);
      const wallet = await ctx.wallet(account, { showShards: true });
      const entries = nonZero([
        { account, currency: "diamonds", amount: -request.diamonds },
        { account: SYSTEM_ACCOUNTS.burn, currency: "diamonds", amount: request.diamonds },
        { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -gross },
        { account, currency: "coins", amount: net },
        { account: SYSTEM_ACCOUNTS.platform, currency: "coins", amount: fee },
        { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -vipBonus },
        { account, currency: "coins", amount: vipBonus },
      ]);
      return {
        entries,
        meta: { diamonds: request.diamonds, coinsPerDiamond: config.exchangeCoinsPerDiamond, feeCoins: fee, vipBonusCoins: vipBonus },
        result: {
          diamondsSpent: request.diamonds,
          coinsReceived: net,
          feeCoins: fee,
          vipBonusCoins: vipBonus,
          balances: balancesAfter(wallet, entries),
        },
      };
    },
  );
  if (!outcome.replayed)
    log.info("diamonds exchanged", {
      uid: caller.uid,
      diamonds: request.diamonds,
      coins: outcome.result.coinsReceived,
      vipBonusCoins: outcome.result.vipBonusCoins,
    });
  // Exchanges stored before the bonus existed replay without the field.
  return { ...outcome.result, vipBonusCoins: outcome.result.vipBonusCoins ?? 0, transactionId: outcome.transactionId };
}
