/**
 * Folding hot recipients' credit shards (wallets/{id}/shards/{n}) back into their wallet documents.
 * Gifts credit hosts and agencies on shards so that concurrent gifts never serialise on one wallet; the
 * balance the apps show is wallet + shards (readBalances), and this fold keeps the shard count small and
 * the wallet document close to the truth. Folding is a transaction per wallet (foldShards): running it
 * twice, or concurrently with new gifts, neither loses nor double-counts a diamond.
 */
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { log } from "../kernel/logger.js";
import { forEachLimited } from "../kernel/pool.js";
import { accountOfWalletDoc } from "./accounts.js";
import { foldShards } from "./ledger.js";

export interface FoldSummary {
  /** Wallets that had shards. */
  wallets: number;
  /** Diamonds moved from shards into wallet documents. */
  folded: number;
  /** Wallets whose fold failed (left for the next run). */
  failed: number;
}

const PAGE_SIZE = 500;
const FOLD_CONCURRENCY = 8;

/** Wallet ids that have shard documents, page by page (other "shards" collections, e.g. counters, are skipped). */
async function* walletsWithShards(): AsyncGenerator<string[]> {
  let query = db().collectionGroup(Collections.walletShards).select().limit(PAGE_SIZE);
  for (;;) {
    const page = await query.get();
    const ids = new Set<string>();
    for (const doc of page.docs) {
      const wallet = doc.ref.parent.parent;
      if (wallet && wallet.parent.id === Collections.wallets && !wallet.parent.parent) ids.add(wallet.id);
    }
    if (ids.size) yield [...ids];
    if (page.size < PAGE_SIZE) return;
    query = query.startAfter(page.docs[page.docs.length - 1]);
  }
}

export async function foldAllWalletShards(): Promise<FoldSummary> {
  const summary: FoldSummary = { wallets: 0, folded: 0, failed: 0 };
  const seen = new Set<string>();
  for await (const ids of walletsWithShards()) {
    const fresh = ids.filter((id) => !seen.has(id));
    for (const id of fresh) seen.add(id);
    summary.wallets += fresh.length;
    // Bounded concurrency: a few transactions at a time, each touching one wallet and its 16 shards.
    await forEachLimited(fresh, FOLD_CONCURRENCY, async (id) => {
      try {
        summary.folded += await foldShards(accountOfWalletDoc(id));
      } catch (err) {
        summary.failed++;
        log.error("folding wallet shards failed; the next run retries", { walletId: id, error: String(err) });
      }
    });
  }
  return summary;
}
