/**
 * The run's verdict, computed from Firestore with the Admin SDK and from the simulation's own records,
 * without the project's reconciliation code:
 *  - every ledger transaction has integer entries and sums to zero per currency;
 *  - every wallet (wallets/{id} plus wallets/{id}/shards/*) equals the sum of its ledger entries;
 *  - the whole system sums to zero per currency (wallet balances plus system accounts' ledger balances);
 *  - no wallet is negative unless it is marked inDebt;
 *  - coins granted by purchases, per buyer, equal the purchases the simulation delivered minus the
 *    refunds and disputes it delivered (nothing to ids that are not users);
 *  - operations refused with a definitive answer posted nothing under their ledger identity;
 *  - policies: no PK reward for a forfeited battle; no reseller commission on transfers to resellers or
 *    staff; no admin approved its own balance adjustment.
 */
import type { Firestore } from "firebase-admin/firestore";
import { PurchaseBook } from "./purchases.js";
import type { Tally } from "./tally.js";
import type { World } from "./world.js";

export interface Mismatch {
  kind: string;
  detail: string;
}

interface Entry {
  account: string;
  currency: string;
  amount: number;
}

interface LedgerDoc {
  id: string;
  type: string;
  owner: string;
  key: string;
  entries: Entry[];
  meta: Record<string, unknown>;
}

export interface AuditFigures {
  ledgerTransactions: number;
  wallets: number;
  shards: number;
  /** Coins minted by purchases, clawed back, and what the simulation expected of each. */
  purchases: { granted: number; expectedGranted: number; clawedBack: number; expectedClawedBack: number };
  /** Per ledger type: count. */
  types: Map<string, number>;
  /** Early reversals: applied (the purchase nets to what the book expects) or not. */
  earlyReversals: { applied: number; lost: number };
}

const CURRENCIES = ["coins", "diamonds"] as const;
type Currency = (typeof CURRENCIES)[number];
const isWalletAccount = (account: string) => account.startsWith("user:") || account.startsWith("agency:");
/** wallets/{uid} for users, wallets/agency:{id} for agencies. */
const accountOfWalletDoc = (id: string) => (id.startsWith("agency:") ? id : `user:${id}`);
const numberOr0 = (value: unknown) => (typeof value === "number" ? value : 0);

async function readLedger(firestore: Firestore): Promise<LedgerDoc[]> {
  const snapshot = await firestore.collection("ledger").get();
  return snapshot.docs.map((doc) => ({
    id: doc.id,
    type: String(doc.get("type")),
    owner: String(doc.get("owner")),
    key: String(doc.get("key")),
    entries: (doc.get("entries") ?? []) as Entry[],
    meta: (doc.get("meta") ?? {}) as Record<string, unknown>,
  }));
}

export async function audit(
  firestore: Firestore,
  book: PurchaseBook,
  tally: Tally,
  world: World,
): Promise<{ mismatches: Mismatch[]; figures: AuditFigures }> {
  const mismatches: Mismatch[] = [];
  const add = (kind: string, detail: string) => mismatches.push({ kind, detail });

  const [ledger, walletDocs, shardDocs] = await Promise.all([
    readLedger(firestore),
    firestore.collection("wallets").get(),
    firestore.collectionGroup("shards").get(),
  ]);

  // 1. Transactions: valid entries, zero per currency; balances per account from the ledger.
  const ledgerBalance = new Map<string, Record<Currency, number>>();
  const types = new Map<string, number>();
  const systemTotal: Record<Currency, number> = { coins: 0, diamonds: 0 };
  for (const doc of ledger) {
    types.set(doc.type, (types.get(doc.type) ?? 0) + 1);
    const sums: Record<Currency, number> = { coins: 0, diamonds: 0 };
    for (const entry of doc.entries) {
      if (
        !CURRENCIES.includes(entry.currency as Currency) ||
        !Number.isSafeInteger(entry.amount) ||
        entry.amount === 0 ||
        typeof entry.account !== "string"
      ) {
        add("invalid ledger entry", `${doc.id} (${doc.type}): ${JSON.stringify(entry)}`);
        continue;
      }
      const currency = entry.currency as Currency;
      sums[currency] += entry.amount;
      systemTotal[currency] += entry.amount;
      const balance = ledgerBalance.get(entry.account) ?? { coins: 0, diamonds: 0 };
      balance[currency] += entry.amount;
      ledgerBalance.set(entry.account, balance);
    }
    for (const currency of CURRENCIES)
      if (sums[currency] !== 0) add("unbalanced transaction", `${doc.id} (${doc.type}) ${currency} entries sum to ${sums[currency]}`);
  }
  for (const currency of CURRENCIES) if (systemTotal[currency] !== 0) add("ledger total", `all ${currency} entries sum to ${systemTotal[currency]}`);

  // 2. Wallets (document + shards) against their ledger balances; negative only when marked inDebt.
  const walletBalance = new Map<string, Record<Currency, number>>();
  const inDebtFlag = new Map<string, boolean>();
  for (const doc of walletDocs.docs) {
    const account = accountOfWalletDoc(doc.id);
    walletBalance.set(account, { coins: numberOr0(doc.get("coins")), diamonds: numberOr0(doc.get("diamonds")) });
    inDebtFlag.set(account, doc.get("inDebt") === true);
  }
  let shards = 0;
  for (const doc of shardDocs.docs) {
    const wallet = doc.ref.parent.parent;
    if (wallet?.parent.id !== "wallets" || wallet.parent.parent) continue;
    shards++;
    const account = accountOfWalletDoc(wallet.id);
    const balance = walletBalance.get(account) ?? { coins: 0, diamonds: 0 };
    balance.coins += numberOr0(doc.get("coins"));
    balance.diamonds += numberOr0(doc.get("diamonds"));
    walletBalance.set(account, balance);
  }
  const walletAccounts = new Set([...walletBalance.keys(), ...[...ledgerBalance.keys()].filter(isWalletAccount)]);
  const actualTotal: Record<Currency, number> = { coins: 0, diamonds: 0 };
  for (const account of walletAccounts) {
    const actual = walletBalance.get(account) ?? { coins: 0, diamonds: 0 };
    const expected = ledgerBalance.get(account) ?? { coins: 0, diamonds: 0 };
    for (const currency of CURRENCIES) {
      actualTotal[currency] += actual[currency];
      if (actual[currency] !== expected[currency])
        add("wallet ≠ ledger", `${account} ${currency}: wallet (with shards) ${actual[currency]}, ledger ${expected[currency]}`);
    }
    if ((actual.coins < 0 || actual.diamonds < 0) && !inDebtFlag.get(account)) {
      add(
        "negative wallet not in debt",
        `${account}: coins ${actual.coins}, diamonds ${actual.diamonds}, inDebt ${inDebtFlag.get(account) ?? "absent"}`,
      );
    }
  }
  for (const [account, balance] of ledgerBalance) {
    if (isWalletAccount(account)) continue;
    for (const currency of CURRENCIES) actualTotal[currency] += balance[currency];
  }
  for (const currency of CURRENCIES)
    if (actualTotal[currency] !== 0) add("system total", `wallets plus system accounts hold ${actualTotal[currency]} ${currency}, not 0`);

  // 3. Purchases, per account the coins went to, against the simulation's book.
  const purchaseNet = new Map<string, number>();
  const purchaseEntries = (types: string[]) =>
    ledger.filter((d) => types.includes(d.type)).flatMap((d) => d.entries.filter((e) => isWalletAccount(e.account) && e.currency === "coins"));
  let granted = 0;
  let clawedBack = 0;
  for (const entry of purchaseEntries(["purchase"])) {
    granted += entry.amount;
    purchaseNet.set(entry.account, (purchaseNet.get(entry.account) ?? 0) + entry.amount);
  }
  for (const entry of purchaseEntries(["purchase.clawback"])) {
    clawedBack -= entry.amount;
    purchaseNet.set(entry.account, (purchaseNet.get(entry.account) ?? 0) + entry.amount);
  }
  const expectedNet = new Map<string, number>();
  let expectedGranted = 0;
  let expectedClawedBack = 0;
  for (const record of book.records) {
    const account = `user:${record.uid}`;
    expectedNet.set(account, (expectedNet.get(account) ?? 0) + PurchaseBook.expectedNet(record));
    if (record.grantable && record.delivered === "yes") expectedGranted += record.coins;
    expectedClawedBack += PurchaseBook.expectedClawback(record);
  }
  for (const account of new Set([...purchaseNet.keys(), ...expectedNet.keys()])) {
    const actual = purchaseNet.get(account) ?? 0;
    const expected = expectedNet.get(account) ?? 0;
    if (actual === expected) continue;
    const uid = account.slice("user:".length);
    const records = book.records.filter((r) => `user:${r.uid}` === account || r.uid === account);
    const summary = records
      .map(
        (r) =>
          `${r.provider} ${r.key} ${r.coins}c delivered=${r.delivered}${r.grantable ? "" : " not-a-user"}${r.reversalSent ? ` reversal(refunded=${r.refunded} cents=${r.refundedCents} disputed=${r.disputed}${r.reversedEarly ? " early" : ""})` : ""}`,
      )
      .join("; ");
    add(
      "purchases ≠ book",
      `${account}: purchases net ${actual} coins in the ledger, the simulation delivered ${expected} (${summary || `no purchase for ${uid}`})`,
    );
  }
  for (const record of book.undelivered())
    add("purchase never acknowledged", `${record.provider} ${record.key} for ${record.uid}: no delivery got a 2xx`);

  // Early reversals: the purchase nets to what the book expects (the refund was applied after the grant).
  const netByPurchase = new Map<string, number>();
  for (const doc of ledger) {
    if (doc.type !== "purchase" && doc.type !== "purchase.clawback") continue;
    const purchaseKey = doc.type === "purchase" ? doc.key : String(doc.meta.purchaseKey ?? doc.key);
    const coins = doc.entries.filter((e) => isWalletAccount(e.account) && e.currency === "coins").reduce((s, e) => s + e.amount, 0);
    netByPurchase.set(`${doc.owner}|${purchaseKey}`, (netByPurchase.get(`${doc.owner}|${purchaseKey}`) ?? 0) + coins);
  }
  const earlyReversals = { applied: 0, lost: 0 };
  for (const record of book.records.filter((r) => r.reversedEarly && r.delivered === "yes")) {
    if ((netByPurchase.get(`${record.provider}|${record.key}`) ?? 0) === PurchaseBook.expectedNet(record)) earlyReversals.applied++;
    else earlyReversals.lost++;
  }

  // 4. Definitive refusals left nothing under their ledger identity.
  const postedKeys = new Set(ledger.map((d) => `${d.owner}|${d.key}`));
  for (const refused of tally.refusedKeys) {
    if (postedKeys.has(`${refused.owner}|${refused.key}`))
      add("refused but posted", `${refused.kind} answered ${refused.code}, yet the ledger holds ${refused.owner}|${refused.key}`);
  }

  // 5. Policies.
  const rewarded = new Set(ledger.filter((d) => d.type === "reward" && d.owner === "pk").flatMap((d) => [d.key, String(d.meta.battleId)]));
  const forfeits = await firestore.collection("pkBattles").where("result.reason", "==", "forfeit").get();
  for (const battle of forfeits.docs)
    if (rewarded.has(battle.id)) add("PK reward on forfeit", `battle ${battle.id} was forfeited and its winner was paid a reward`);
  for (const doc of ledger.filter((d) => d.type === "reseller.transfer")) {
    const recipient = doc.entries
      .find((e) => e.currency === "coins" && e.amount > 0 && e.account !== `user:${doc.owner}`)
      ?.account.slice("user:".length);
    const commission = -doc.entries.filter((e) => e.account.startsWith("system:") && e.currency === "coins").reduce((s, e) => s + e.amount, 0);
    if (recipient && world.notOrdinary.has(recipient) && commission > 0)
      add("commission to a reseller or staff", `${doc.id}: ${doc.owner} → ${recipient} earned ${commission} coins of commission`);
  }
  const selfApproved = tally.kinds.get("reviewBalanceAdjustment (own request)")?.succeeded ?? 0;
  if (selfApproved > 0) add("four eyes", `${selfApproved} balance adjustment(s) approved by the admin who requested them`);

  return {
    mismatches,
    figures: {
      ledgerTransactions: ledger.length,
      wallets: walletDocs.size,
      shards,
      purchases: { granted, expectedGranted, clawedBack, expectedClawedBack },
      types,
      earlyReversals,
    },
  };
}
