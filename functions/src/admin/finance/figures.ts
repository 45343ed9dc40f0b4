/**
 * What one ledger transaction means for the day's finance figures. Pure: the ledger trigger adds its
 * result to the day's shards, and a recompute sums it over the day's ledger documents, so both always
 * agree on the classification.
 */
import { SYSTEM_ACCOUNTS } from "../../wallet/accounts.js";
import { emptyFigures, type FinanceFigures, type PurchaseStore } from "./schema.js";

export interface LedgerEntryFields {
  account: string;
  currency: string;
  amount: number;
}

/** The fields of a ledger/{txId} document the classification reads. */
export interface ClassifiableTransaction {
  type: string;
  entries: readonly LedgerEntryFields[];
  meta?: Record<string, unknown> | null;
}

const isWallet = (account: string) => account.startsWith("user:") || account.startsWith("agency:");

/** Which store sold the coins: Stripe checkouts name their provider, RevenueCat events name the store. */
export function purchaseStore(meta: Record<string, unknown> | null | undefined): PurchaseStore {
  if (meta?.provider === "stripe") return "stripe";
  const store = typeof meta?.store === "string" ? meta.store.toUpperCase() : "";
  if (store === "APP_STORE" || store === "MAC_APP_STORE") return "apple";
  if (store === "PLAY_STORE") return "google";
  if (store === "STRIPE") return "stripe";
  return "other";
}

const PURCHASE_FIGURE = {
  apple: "coinsPurchasedApple",
  google: "coinsPurchasedGoogle",
  stripe: "coinsPurchasedStripe",
  other: "coinsPurchasedOther",
} as const satisfies Record<PurchaseStore, keyof FinanceFigures>;

export function classifyLedgerTransaction(tx: ClassifiableTransaction): FinanceFigures {
  const figures = emptyFigures();
  figures.transactions = 1;
  /** Σ of the entries matching `account` (a predicate or an exact id) in `currency`, signed. */
  const sum = (currency: string, account: string | ((account: string) => boolean), sign: "credit" | "debit" | "net" = "net") => {
    let total = 0;
    for (const entry of tx.entries) {
      if (entry.currency !== currency) continue;
      if (typeof account === "string" ? entry.account !== account : !account(entry.account)) continue;
      if (sign === "credit" && entry.amount < 0) continue;
      if (sign === "debit" && entry.amount > 0) continue;
      total += entry.amount;
    }
    return total;
  };
  /** The same sum, as an amount taken from the accounts (0 - sum: a zero stays +0). */
  const taken = (...args: Parameters<typeof sum>) => 0 - sum(...args);
  const isUser = (account: string) => account.startsWith("user:");
  const isAgency = (account: string) => account.startsWith("agency:");
  const { mint, burn, platform, house, gameEscrow, payable } = SYSTEM_ACCOUNTS;

  // Every kind: the platform's takings (gift and entry shares, withdrawal fees, exchange fees) and the house's result.
  figures.platformRevenueDiamonds = sum("diamonds", platform, "credit");
  figures.platformRevenueCoins = sum("coins", platform, "credit");
  figures.gameHouseCoins = sum("coins", house);

  switch (tx.type) {
    case "purchase":
      figures[PURCHASE_FIGURE[purchaseStore(tx.meta)]] = taken("coins", mint);
      break;
    case "purchase.clawback":
      figures.coinsClawedBack = sum("coins", mint);
      break;
    case "gift":
    case "room.entry":
      figures[tx.type === "gift" ? "coinsSpentGifts" : "coinsSpentRoomEntry"] = sum("coins", burn, "credit");
      figures.diamondsEarned = sum("diamonds", isUser, "credit");
      figures.agencyCommissionDiamonds = sum("diamonds", isAgency, "credit");
      break;
    case "vip.purchase":
      figures.coinsSpentVip = sum("coins", burn, "credit");
      break;
    case "game.bet":
      figures.coinsStakedGames = sum("coins", gameEscrow, "credit");
      break;
    case "game.payout":
      figures.coinsPaidOutGames = sum("coins", isWallet, "credit");
      break;
    case "exchange":
      figures.diamondsExchanged = sum("diamonds", burn, "credit");
      figures.coinsFromExchange = sum("coins", isWallet, "credit");
      break;
    case "withdrawal.request":
      figures.diamondsWithdrawalRequested = sum("diamonds", payable, "credit");
      break;
    case "withdrawal.payout":
      figures.diamondsWithdrawn = taken("diamonds", payable, "debit");
      break;
    case "withdrawal.refund":
      figures.diamondsWithdrawalRefunded = taken("diamonds", payable, "debit");
      break;
    case "reseller.transfer": {
      const commission = taken("coins", mint, "debit");
      figures.coinsResellerCommission = commission;
      // The reseller's own commission credit is not a transfer.
      figures.coinsResellerTransferred = sum("coins", isWallet, "credit") - commission;
      break;
    }
    case "admin.grant":
      figures.coinsGranted = taken("coins", mint, "debit");
      figures.diamondsGranted = taken("diamonds", mint, "debit");
      break;
    case "admin.adjust":
      figures.coinsAdjustedDown = sum("coins", burn, "credit");
      figures.diamondsAdjustedDown = sum("diamonds", burn, "credit");
      break;
    case "reward":
      figures.coinsRewarded = taken("coins", mint, "debit");
      figures.diamondsRewarded = taken("diamonds", mint, "debit");
      break;
    case "agency.salary":
      figures.agencySalaryDiamonds = sum("diamonds", isWallet, "credit");
      break;
    default:
      figures.unclassifiedTransactions = 1;
  }
  return figures;
}

export function addFigures(into: FinanceFigures, add: FinanceFigures): FinanceFigures {
  for (const key of Object.keys(into) as (keyof FinanceFigures)[]) into[key] += add[key];
  return into;
}
