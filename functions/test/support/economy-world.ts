/** A small gifting world for the gifts tests: catalog, economy config, users, coins granted through the ledger. */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import { db } from "../../src/kernel/app.js";
import { type AccountId, SYSTEM_ACCOUNTS, userAccount, type WalletAccount } from "../../src/wallet/accounts.js";
import { clearEconomyConfigCache } from "../../src/wallet/config.js";
import { postLedgerTransaction, readBalances } from "../../src/wallet/ledger.js";

export const HOST_SHARE_BPS = 5000;
export const AGENCY_SHARE_BPS = 1000;

export const GIFTS = {
  /** 100 coins: host 50, agency 10, platform 40 per gift. */
  star: { name: "Star", priceCoins: 100, vipOnly: false, active: true, activeFrom: null, activeUntil: null, animationAssetId: "anim/star.json" },
  dragon: { name: "VIP Dragon", priceCoins: 500, vipOnly: true, active: true, activeFrom: null, activeUntil: null, animationAssetId: null },
  retired: { name: "Retired", priceCoins: 10, vipOnly: false, active: false, activeFrom: null, activeUntil: null, animationAssetId: null },
} as const;

export async function seedCatalog(): Promise<void> {
  clearEconomyConfigCache();
  const batch = db().batch();
  batch.set(db().doc("config/economy"), { hostShareBps: HOST_SHARE_BPS, agencyShareBps: AGENCY_SHARE_BPS });
  for (const [id, gift] of Object.entries(GIFTS)) batch.set(db().doc(`gifts/${id}`), gift);
  const hour = 3_600_000;
  batch.set(db().doc("gifts/future"), { ...GIFTS.star, name: "Future", activeFrom: Timestamp.fromMillis(Date.now() + hour) });
  batch.set(db().doc("gifts/expired"), { ...GIFTS.star, name: "Expired", activeUntil: Timestamp.fromMillis(Date.now() - hour) });
  batch.set(db().doc("gifts/seasonal"), {
    ...GIFTS.star,
    name: "Seasonal",
    activeFrom: Timestamp.fromMillis(Date.now() - hour),
    activeUntil: Timestamp.fromMillis(Date.now() + hour),
  });
  await batch.commit();
}

export async function createProfile(uid: string, fields: Record<string, unknown> = {}): Promise<void> {
  await db()
    .doc(`users/${uid}`)
    .set({ uid, displayName: uid, roles: [], ...fields });
}

export async function createAgency(agencyId: string, ownerUid: string): Promise<void> {
  await db()
    .doc(`agencies/${agencyId}`)
    .set({ ownerUid, name: `Agency ${agencyId}` });
}

/** Coins enter only through the ledger (an admin grant from system:mint), so conservation checks see them. */
export async function grantCoins(uid: string, coins: number): Promise<void> {
  await postLedgerTransaction({ type: "admin.grant", owner: "test", key: `grant-${uid}-${randomUUID()}` }, async () => ({
    entries: [
      { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -coins },
      { account: userAccount(uid), currency: "coins", amount: coins },
    ],
    result: null,
  }));
}

export interface LedgerTotals {
  /** Σ entries per account and currency, e.g. totals.get("user:x|coins"). */
  byAccount: Map<string, number>;
  count: number;
  of(account: AccountId, currency: "coins" | "diamonds"): number;
}

export async function ledgerTotals(type?: string): Promise<LedgerTotals> {
  const query = type ? db().collection("ledger").where("type", "==", type) : db().collection("ledger");
  const docs = (await query.get()).docs;
  const byAccount = new Map<string, number>();
  for (const doc of docs) {
    for (const entry of doc.get("entries") as { account: string; currency: string; amount: number }[]) {
      const key = `${entry.account}|${entry.currency}`;
      byAccount.set(key, (byAccount.get(key) ?? 0) + entry.amount);
    }
  }
  return { byAccount, count: docs.length, of: (account, currency) => byAccount.get(`${account}|${currency}`) ?? 0 };
}

/**
 * Conservation over the whole ledger: every currency sums to zero, and every wallet's shown balance
 * (wallet + shards) equals the sum of its ledger entries and is not negative.
 */
export async function assertConservation(wallets: WalletAccount[]): Promise<void> {
  const totals = await ledgerTotals();
  for (const currency of ["coins", "diamonds"]) {
    const sum = [...totals.byAccount].filter(([key]) => key.endsWith(`|${currency}`)).reduce((s, [, v]) => s + v, 0);
    assert.equal(sum, 0, `${currency} entries sum to ${sum}`);
  }
  for (const account of wallets) {
    const balances = await readBalances(account);
    assert.equal(balances.coins, totals.of(account, "coins"), `${account} coins match the ledger`);
    assert.equal(balances.diamonds, totals.of(account, "diamonds"), `${account} diamonds match the ledger`);
    assert.ok(balances.coins >= 0 && balances.diamonds >= 0, `${account} is not negative`);
  }
}

/** Shard documents of a wallet (unfolded credits). */
export async function shardCount(walletDocId: string): Promise<number> {
  return (await db().collection(`wallets/${walletDocId}/shards`).get()).size;
}
