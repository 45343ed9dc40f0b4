/**
 * Helpers shared by the wallet operations (exchange.ts, withdrawals.ts, reseller.ts, adjustments.ts). Every
 * operation is one postLedgerTransaction: its plan does the reads and business checks, the ledger core
 * checks balances and writes the ledger document, the balances and the operation's own records.
 */
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import { type EntryInput, type LedgerContext, type LedgerType, ledgerTransactionId, type WalletSnapshot } from "./ledger.js";
import type { Balances } from "./schema.js";

/** Zero amounts are not postings (the ledger core refuses them): a 0 % fee simply has no entry. */
export function nonZero(entries: EntryInput[]): EntryInput[] {
  return entries.filter((entry) => entry.amount !== 0);
}

/** A wallet's balances once `entries` are applied (read the wallet with `showShards` to include unfolded gift credits). */
export function balancesAfter(wallet: WalletSnapshot, entries: EntryInput[]): Balances {
  const balances = { coins: wallet.coins, diamonds: wallet.diamonds + wallet.shardDiamonds + wallet.unfoldedShardDiamonds };
  for (const entry of entries) if (entry.account === wallet.account) balances[entry.currency] += entry.amount;
  return balances;
}

/**
 * Operations whose ledger type depends on the request (grant vs debit, approve vs reject) derive their
 * ledger id from that type; this refuses a request id already used under a sibling type, so one request
 * id can never move value twice.
 */
export async function refuseKeyUsedByOtherType(ctx: LedgerContext, otherTypes: LedgerType[], owner: string, key: string): Promise<void> {
  for (const type of otherTypes) {
    const sibling = await ctx.get(
      db()
        .collection(Collections.ledger)
        .doc(ledgerTransactionId(type, owner, key)),
    );
    if (sibling.exists) fail("failed-precondition", "This request id was already used for a different request.");
  }
}

/** The user's profile must exist for value to be sent to them. */
export async function requireUserProfile(ctx: LedgerContext, uid: string): Promise<void> {
  const profile = await ctx.get(db().collection(Collections.users).doc(uid));
  if (!profile.exists) fail("not-found", "No such user.");
}
