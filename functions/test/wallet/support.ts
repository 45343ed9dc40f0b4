/** Wallet test helpers: a user with a profile, funding through the real ledger, config, KYC, ledger reads. */
import { randomUUID } from "node:crypto";
import { db } from "../../src/kernel/app.js";
import { clearConfigCaches } from "../../src/kernel/config-document.js";
import type { Role } from "../../src/kernel/roles.js";
import { type AccountId, SYSTEM_ACCOUNTS, userAccount } from "../../src/wallet/accounts.js";
import type { EconomyConfig } from "../../src/wallet/config.js";
import { type EntryInput, postLedgerTransaction, readBalances } from "../../src/wallet/ledger.js";
import { createTestUser, type TestUser } from "../support/users.js";

/** An Auth user with a public profile and an empty wallet, as the sign-up trigger leaves them. */
export async function walletUser(roles?: Role[]): Promise<TestUser> {
  const user = await createTestUser({ roles });
  await db()
    .doc(`users/${user.uid}`)
    .set({ uid: user.uid, displayName: user.uid, roles: roles ?? [] });
  await db().doc(`wallets/${user.uid}`).set({ uid: user.uid, coins: 0, diamonds: 0 });
  return user;
}

/** Funds a wallet from the mint through the ledger (diamonds optionally on shards, as gifts credit them). */
export async function fund(uid: string, amounts: { coins?: number; diamonds?: number; shardDiamonds?: number[] }): Promise<void> {
  const account = userAccount(uid);
  const entries: EntryInput[] = [];
  const credit = (currency: "coins" | "diamonds", amount: number, viaShard = false) => {
    entries.push({ account: SYSTEM_ACCOUNTS.mint, currency, amount: -amount }, { account, currency, amount, viaShard });
  };
  if (amounts.coins) credit("coins", amounts.coins);
  if (amounts.diamonds) credit("diamonds", amounts.diamonds);
  for (const shardAmount of amounts.shardDiamonds ?? []) credit("diamonds", shardAmount, true);
  await postLedgerTransaction({ type: "reward", owner: "test", key: randomUUID() }, async () => ({ entries, result: null }));
}

export function balancesOf(uid: string) {
  return readBalances(userAccount(uid)).then(({ coins, diamonds }) => ({ coins, diamonds }));
}

export async function setEconomy(overrides: Partial<EconomyConfig>): Promise<void> {
  await db().doc("config/economy").set(overrides);
  clearConfigCaches();
}

export async function approveKyc(uid: string, status: "pending" | "approved" | "rejected" = "approved"): Promise<void> {
  await db().doc(`kyc/${uid}`).set({ status });
}

export interface LedgerDoc {
  id: string;
  type: string;
  owner: string;
  entries: { account: AccountId; currency: string; amount: number }[];
  accounts: string[];
  meta: Record<string, unknown>;
}

/** Ledger transactions of one type (test worlds are small). */
export async function ledgerOfType(type: string): Promise<LedgerDoc[]> {
  const snapshot = await db().collection("ledger").where("type", "==", type).get();
  return snapshot.docs.map((doc) => doc.data() as LedgerDoc);
}

/** Entries as comparable strings, order-independent: "account currency amount". */
export function entrySet(doc: LedgerDoc): string[] {
  return doc.entries.map((e) => `${e.account} ${e.currency} ${e.amount}`).sort();
}

/** The ledger balance of any account (system accounts live only in the ledger). */
export async function ledgerBalance(account: AccountId, currency: "coins" | "diamonds"): Promise<number> {
  const snapshot = await db().collection("ledger").where("accountCurrencies", "array-contains", `${account}|${currency}`).get();
  let sum = 0;
  for (const doc of snapshot.docs) {
    for (const e of (doc.data() as LedgerDoc).entries) if (e.account === account && e.currency === currency) sum += e.amount;
  }
  return sum;
}

export const requestId = () => `req-${randomUUID()}`;
