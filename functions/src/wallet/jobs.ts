/** Scheduled jobs of the wallet domain. */
import { onSchedule } from "firebase-functions/v2/scheduler";
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { REGION } from "../kernel/config.js";
import { log } from "../kernel/logger.js";
import type { WalletAccount } from "./accounts.js";
import { foldShards } from "./ledger.js";
import { runReconciliation } from "./reconciliation.js";

/** Daily conservation check; mismatches are logged with log.error (alert on it) and kept in the report. */
export const reconcileLedgerDaily = onSchedule(
  { schedule: "every day 03:30", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 540, memory: "1GiB", retryCount: 1 },
  async () => {
    await runReconciliation("schedule");
  },
);

const FOLD_CONCURRENCY = 8;

/**
 * Folds every wallet's shard credits into the wallet document, so hosts who never spend still see one
 * plain balance and shard documents do not pile up. Balances do not change (same account, no ledger
 * entry); a fold racing a gift's shard credit is serialised by its transaction.
 */
export async function foldAllWalletShards(): Promise<{ wallets: number; diamonds: number }> {
  const shards = await db().collectionGroup(Collections.walletShards).select().get();
  const accounts = new Set<WalletAccount>();
  for (const shard of shards.docs) {
    // Other counters (platformStats/...) also name their subcollection "shards".
    const wallet = shard.ref.parent.parent;
    if (!wallet || wallet.parent.id !== Collections.wallets || wallet.parent.parent) continue;
    accounts.add((wallet.id.startsWith("agency:") ? wallet.id : `user:${wallet.id}`) as WalletAccount);
  }
  const queue = [...accounts];
  let diamonds = 0;
  await Promise.all(
    Array.from({ length: Math.min(FOLD_CONCURRENCY, queue.length) }, async () => {
      for (let account = queue.pop(); account; account = queue.pop()) diamonds += await foldShards(account);
    }),
  );
  return { wallets: accounts.size, diamonds };
}

export const foldWalletShardsHourly = onSchedule(
  { schedule: "every 60 minutes", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 540, retryCount: 1 },
  async () => {
    const folded = await foldAllWalletShards();
    log.info("wallet shards folded", folded);
  },
);
