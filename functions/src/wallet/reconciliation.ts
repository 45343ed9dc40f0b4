/**
 * Conservation check of the whole economy, independent of the code that moves value:
 *  1. every ledger transaction balances to zero per currency, with integer amounts;
 *  2. every wallet (document plus its unfolded shards) equals the sum of its ledger entries;
 *  3. the system sums to zero: actual wallet balances plus the system accounts' ledger balances.
 * Everything is read in one read-only transaction (one consistent snapshot), page by page, so postings
 * running meanwhile cannot produce false mismatches. The report goes to reconciliationReports/{id};
 * each mismatch is logged with log.error (alerting hooks on it).
 */
import type { DocumentData, Query, QueryDocumentSnapshot, Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { numberOf } from "../kernel/fields.js";
import { log } from "../kernel/logger.js";
import { type AccountId, accountOfWalletDoc, CURRENCIES, type Currency, isWalletAccount } from "./accounts.js";
import type { ReconciliationMismatch, ReconciliationReport } from "./schema.js";

const PAGE_SIZE = 500;
/** Stored and logged individually up to this many; the count is always exact. */
const MAX_REPORTED_MISMATCHES = 200;

type Sums = Record<Currency, number>;
const zero = (): Sums => ({ coins: 0, diamonds: 0 });

async function* pagesOf(tx: Transaction, query: Query): AsyncGenerator<QueryDocumentSnapshot<DocumentData>[]> {
  const { FieldPath } = firestoreValues();
  let page = query.orderBy(FieldPath.documentId()).limit(PAGE_SIZE);
  for (;;) {
    const snapshot = await tx.get(page);
    if (snapshot.empty) return;
    yield snapshot.docs;
    if (snapshot.size < PAGE_SIZE) return;
    page = page.startAfter(snapshot.docs[snapshot.size - 1]);
  }
}

interface Snapshot {
  wallets: Map<AccountId, Sums>;
  ledger: Map<AccountId, Sums>;
  transactions: number;
  mismatches: ReconciliationMismatch[];
}

async function readWorld(tx: Transaction): Promise<Snapshot> {
  const world: Snapshot = { wallets: new Map(), ledger: new Map(), transactions: 0, mismatches: [] };
  const add = (map: Map<AccountId, Sums>, account: AccountId, currency: Currency, amount: number) => {
    const sums = map.get(account) ?? zero();
    sums[currency] += amount;
    map.set(account, sums);
  };

  for await (const docs of pagesOf(tx, db().collection(Collections.wallets))) {
    for (const doc of docs) for (const currency of CURRENCIES) add(world.wallets, accountOfWalletDoc(doc.id), currency, numberOf(doc.get(currency)));
  }
  // "shards" also names other counters' subcollections (platformStats): keep those under wallets/ only.
  for await (const docs of pagesOf(tx, db().collectionGroup(Collections.walletShards))) {
    for (const doc of docs) {
      const wallet = doc.ref.parent.parent;
      if (!wallet || wallet.parent.id !== Collections.wallets || wallet.parent.parent) continue;
      for (const currency of CURRENCIES) add(world.wallets, accountOfWalletDoc(wallet.id), currency, numberOf(doc.get(currency)));
    }
  }

  for await (const docs of pagesOf(tx, db().collection(Collections.ledger))) {
    for (const doc of docs) {
      world.transactions += 1;
      const sums = zero();
      for (const entry of (doc.get("entries") ?? []) as { account: AccountId; currency: Currency; amount: number }[]) {
        if (!CURRENCIES.includes(entry.currency) || !Number.isSafeInteger(entry.amount) || typeof entry.account !== "string") {
          world.mismatches.push({ kind: "invalid-entry", transactionId: doc.id, detail: JSON.stringify(entry).slice(0, 200) });
          continue;
        }
        sums[entry.currency] += entry.amount;
        add(world.ledger, entry.account, entry.currency, entry.amount);
      }
      for (const currency of CURRENCIES) {
        if (sums[currency] !== 0) world.mismatches.push({ kind: "unbalanced-transaction", transactionId: doc.id, currency, sum: sums[currency] });
      }
    }
  }
  return world;
}

/** Compares the snapshot: wallets against their ledger sums, and the system total against zero. */
function compare(world: Snapshot): { checkedWallets: number; mismatches: ReconciliationMismatch[] } {
  const mismatches = [...world.mismatches];
  const walletAccounts = new Set<AccountId>([...world.wallets.keys(), ...[...world.ledger.keys()].filter(isWalletAccount)]);
  const total = zero();
  for (const account of walletAccounts) {
    const actual = world.wallets.get(account) ?? zero();
    const expected = world.ledger.get(account) ?? zero();
    for (const currency of CURRENCIES) {
      total[currency] += actual[currency];
      if (actual[currency] !== expected[currency]) {
        mismatches.push({ kind: "wallet-balance", account, currency, walletBalance: actual[currency], ledgerBalance: expected[currency] });
      }
    }
  }
  for (const [account, sums] of world.ledger) {
    if (isWalletAccount(account)) continue;
    for (const currency of CURRENCIES) total[currency] += sums[currency];
  }
  for (const currency of CURRENCIES) {
    if (total[currency] !== 0) mismatches.push({ kind: "system-total", currency, total: total[currency] });
  }
  return { checkedWallets: walletAccounts.size, mismatches };
}

export async function runReconciliation(trigger: ReconciliationReport["trigger"], actorUid?: string): Promise<ReconciliationReport> {
  const { FieldValue, Timestamp } = firestoreValues();
  const startedAt = new Date();
  const world = await db().runTransaction((tx) => readWorld(tx), { readOnly: true });
  const { checkedWallets, mismatches } = compare(world);
  const finishedAt = new Date();

  const ref = db().collection(Collections.reconciliationReports).doc();
  const report: ReconciliationReport = {
    id: ref.id,
    ok: mismatches.length === 0,
    checkedWallets,
    checkedTransactions: world.transactions,
    mismatchCount: mismatches.length,
    mismatches: mismatches.slice(0, MAX_REPORTED_MISMATCHES),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    trigger,
  };
  await ref.create({
    ...report,
    startedAt: Timestamp.fromDate(startedAt),
    finishedAt: Timestamp.fromDate(finishedAt),
    actorUid: actorUid ?? null,
    writtenAt: FieldValue.serverTimestamp(),
  });

  for (const mismatch of report.mismatches) log.error("reconciliation mismatch", { reportId: ref.id, ...mismatch });
  const summary = { reportId: ref.id, trigger, checkedWallets, checkedTransactions: world.transactions, mismatchCount: mismatches.length };
  if (report.ok) log.info("reconciliation passed", summary);
  else log.error("reconciliation failed", summary);
  return report;
}
