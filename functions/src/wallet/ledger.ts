/**
 * The double-entry ledger. Every coin or diamond movement is one Firestore transaction that writes one
 * immutable ledger document (entries summing to zero per currency) together with the balances it moves.
 * The ledger document's id derives from the operation's idempotency key, so a retry finds it and
 * returns the stored result without moving anything.
 *
 * Balances: wallets/{id} holds coins and diamonds. Credits to hot recipients (a popular host's gift
 * earnings) go to one of CREDIT_SHARDS shard documents with an increment and no read, so concurrent
 * gifts do not serialise on one document; a diamond debit folds the shards back into the wallet inside
 * its transaction (and a job folds them periodically). A wallet with any negative balance (after a
 * store refund claws back spent coins) or frozen for review cannot spend until settled.
 */
import { createHash } from "node:crypto";
import type { DocumentReference, DocumentSnapshot, Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fail, refuse } from "../kernel/errors.js";
import { numberOf } from "../kernel/fields.js";
import { fingerprint } from "../kernel/idempotency.js";
import { runTransaction } from "../kernel/transactions.js";
import { type AccountId, CURRENCIES, type Currency, isWalletAccount, type WalletAccount, walletDocId, walletRef, walletShards } from "./accounts.js";
import type { WalletRefusal } from "./schema.js";

export const LEDGER_TYPES = [
  "purchase",
  "purchase.clawback",
  "gift",
  "exchange",
  "withdrawal.request",
  "withdrawal.payout",
  "withdrawal.refund",
  "reseller.transfer",
  "admin.grant",
  "admin.adjust",
  "vip.purchase",
  "room.entry",
  "game.bet",
  "game.payout",
  "reward",
] as const;
export type LedgerType = (typeof LEDGER_TYPES)[number];

export interface EntryInput {
  account: AccountId;
  currency: Currency;
  /** Integer; positive credits the account, negative debits it. */
  amount: number;
  /** Credit through a random shard (hot recipients). Diamond credits to wallet accounts only. */
  viaShard?: boolean;
}

export interface WalletSnapshot {
  account: WalletAccount;
  exists: boolean;
  coins: number;
  diamonds: number;
  /** Diamonds on shards that this transaction folds into the wallet (read with `includeShards`). */
  shardDiamonds: number;
  /**
   * Diamonds on shards this transaction leaves alone, read outside it for display only (with
   * `showShards`): a balance shown to the caller includes them, and concurrent gifts crediting the
   * shards do not contend with this transaction.
   */
  unfoldedShardDiamonds: number;
  frozen: boolean;
  data: Record<string, unknown>;
}

export interface LedgerContext {
  tx: Transaction;
  /**
   * Reads a wallet (once per transaction). `includeShards` folds its shard credits into it in this
   * transaction (exact; contends with concurrent gifts to it); `showShards` only adds them to the
   * snapshot for display. Debits fold shards by themselves when the wallet document cannot cover them.
   */
  wallet(account: WalletAccount, options?: { includeShards?: boolean; showShards?: boolean }): Promise<WalletSnapshot>;
  /** Any other read the operation needs; all reads happen before the ledger writes. */
  get(ref: DocumentReference): Promise<DocumentSnapshot>;
}

export interface PostingPlan<Result> {
  entries: EntryInput[];
  result: Result;
  meta?: Record<string, unknown>;
  /** Wallets that may end negative (a clawback): they then cannot spend until settled. */
  allowNegative?: WalletAccount[];
  /** Debits that proceed even from a frozen or indebted wallet (a clawback, an admin adjustment). */
  ignoreSpendingLock?: boolean;
  /** Further writes of the operation (a withdrawal record, a review flag), in the same transaction. */
  writes?: (tx: Transaction) => void;
}

export interface LedgerOperation {
  type: LedgerType;
  /** Whose key it is: the caller's uid, or "revenuecat"/"stripe" for webhook event ids. */
  owner: string;
  /** The idempotency key: client request id, webhook event id, trigger event id. */
  key: string;
  /** The request, fingerprinted: a reused key with another payload is refused. */
  payload?: unknown;
  actor?: string;
}

export interface PostedOutcome<Result> {
  result: Result;
  replayed: boolean;
  transactionId: string;
}

export function ledgerTransactionId(type: LedgerType, owner: string, key: string): string {
  return createHash("sha256").update(`${type}\u0000${owner}\u0000${key}`).digest("hex").slice(0, 40);
}

/** Refuses a malformed posting: integers, non-zero, balanced per currency, at least two accounts. */
export function validateEntries(entries: EntryInput[]): void {
  if (entries.length < 2) throw new Error("a ledger transaction needs at least two entries");
  const sums = new Map<Currency, number>();
  for (const entry of entries) {
    if (!Number.isSafeInteger(entry.amount) || entry.amount === 0) throw new Error(`invalid amount ${entry.amount} for ${entry.account}`);
    if (!CURRENCIES.includes(entry.currency)) throw new Error(`unknown currency ${entry.currency}`);
    if (entry.viaShard && (entry.amount < 0 || entry.currency !== "diamonds" || !isWalletAccount(entry.account))) {
      throw new Error("only diamond credits to wallet accounts may go through shards");
    }
    sums.set(entry.currency, (sums.get(entry.currency) ?? 0) + entry.amount);
  }
  for (const [currency, sum] of sums) if (sum !== 0) throw new Error(`${currency} entries sum to ${sum}, not zero`);
}

export function isInDebt(wallet: Pick<WalletSnapshot, "coins" | "diamonds">): boolean {
  return wallet.coins < 0 || wallet.diamonds < 0;
}

/**
 * Runs one ledger operation as a Firestore transaction: replay check, the operation's reads and plan,
 * balance checks, then the ledger document, balance updates and the operation's own writes.
 */
export async function postLedgerTransaction<Result>(
  operation: LedgerOperation,
  plan: (context: LedgerContext) => Promise<PostingPlan<Result>>,
  options: { maxAttempts?: number } = {},
): Promise<PostedOutcome<Result>> {
  const transactionId = ledgerTransactionId(operation.type, operation.owner, operation.key);
  const ledgerRef = db().collection(Collections.ledger).doc(transactionId);
  const payloadHash = fingerprint(operation.payload ?? null);
  const { FieldValue } = firestoreValues();

  return runTransaction(
    async (tx) => {
      const existing = await tx.get(ledgerRef);
      if (existing.exists) {
        if (existing.get("fingerprint") !== payloadHash) {
          fail("failed-precondition", "This request id was already used for a different request.");
        }
        return { result: existing.get("result") as Result, replayed: true, transactionId };
      }

      const wallets = new Map<WalletAccount, WalletSnapshot & { shardRefs: DocumentReference[]; shardsRead: boolean }>();
      const readWallet = async (account: WalletAccount, options: { includeShards?: boolean; showShards?: boolean } = {}) => {
        const known = wallets.get(account);
        const snapshot = known ? null : await tx.get(walletRef(account));
        const data = known?.data ?? snapshot?.data() ?? {};
        const wallet = known ?? {
          account,
          exists: snapshot?.exists ?? false,
          coins: numberOf(data.coins),
          diamonds: numberOf(data.diamonds),
          shardDiamonds: 0,
          unfoldedShardDiamonds: 0,
          frozen: data.frozen === true,
          data,
          shardRefs: [] as DocumentReference[],
          shardsRead: false,
        };
        if (options.includeShards && !wallet.shardsRead) {
          const { totals, present } = await walletShards(account).collect(tx);
          wallet.shardDiamonds = totals.diamonds;
          wallet.unfoldedShardDiamonds = 0;
          wallet.shardRefs = present;
          wallet.shardsRead = true;
        } else if (options.showShards && !wallet.shardsRead) {
          // Outside the transaction: not part of its read set.
          wallet.unfoldedShardDiamonds = (await walletShards(account).read()).diamonds;
        }
        wallets.set(account, wallet);
        return wallet;
      };

      const posting = await plan({ tx, wallet: (account, o) => readWallet(account, o), get: (ref) => tx.get(ref) });
      try {
        validateEntries(posting.entries);
      } catch (err) {
        throw new Error(`ledger ${operation.type}: ${(err as Error).message}`);
      }

      // Every wallet touched without a shard is read. A diamond debit the wallet document cannot cover
      // folds the shards in; one it can cover leaves them alone, so it never contends with the gifts
      // that keep crediting them (a popular host exchanging or withdrawing while gifts arrive).
      const diamondsAfter = new Map<WalletAccount, number>();
      for (const entry of posting.entries) {
        if (!isWalletAccount(entry.account) || entry.viaShard) continue;
        const wallet = await readWallet(entry.account);
        if (entry.currency !== "diamonds") continue;
        const before = diamondsAfter.get(entry.account) ?? wallet.diamonds + wallet.shardDiamonds;
        diamondsAfter.set(entry.account, before + entry.amount);
      }
      for (const [account, after] of diamondsAfter) {
        if (after < 0 && !(wallets.get(account)?.shardsRead ?? false)) await readWallet(account, { includeShards: true });
      }

      const now = FieldValue.serverTimestamp();
      const balances = new Map<WalletAccount, { coins: number; diamonds: number; debited: boolean }>();
      for (const [account, wallet] of wallets) {
        balances.set(account, { coins: wallet.coins, diamonds: wallet.diamonds + wallet.shardDiamonds, debited: false });
      }
      const shardCredits: EntryInput[] = [];
      for (const entry of posting.entries) {
        if (!isWalletAccount(entry.account)) continue;
        if (entry.viaShard) {
          shardCredits.push(entry);
          continue;
        }
        const balance = balances.get(entry.account) as { coins: number; diamonds: number; debited: boolean };
        balance[entry.currency] += entry.amount;
        if (entry.amount < 0) balance.debited = true;
      }

      for (const [account, balance] of balances) {
        const wallet = wallets.get(account) as WalletSnapshot;
        if (!balance.debited) continue;
        if (!posting.ignoreSpendingLock && (wallet.frozen || isInDebt({ coins: wallet.coins, diamonds: wallet.diamonds + wallet.shardDiamonds }))) {
          refuse<WalletRefusal>(
            "failed-precondition",
            wallet.frozen ? "frozen" : "negative-balance",
            "This wallet is locked: settle the negative balance or wait for the review.",
            { account },
          );
        }
        for (const currency of CURRENCIES) {
          if (balance[currency] < 0 && !posting.allowNegative?.includes(account)) {
            fail("failed-precondition", `Insufficient ${currency}.`, { account, currency, shortBy: -balance[currency] });
          }
        }
      }

      const accounts = [...new Set(posting.entries.map((e) => e.account))];
      tx.create(ledgerRef, {
        id: transactionId,
        type: operation.type,
        owner: operation.owner,
        key: operation.key,
        fingerprint: payloadHash,
        actor: operation.actor ?? operation.owner,
        entries: posting.entries.map(({ account, currency, amount }) => ({ account, currency, amount })),
        accounts,
        accountCurrencies: [...new Set(posting.entries.map((e) => `${e.account}|${e.currency}`))],
        meta: posting.meta ?? {},
        result: posting.result === undefined ? null : posting.result,
        createdAt: now,
      });

      for (const [account, balance] of balances) {
        const wallet = wallets.get(account) as WalletSnapshot & { shardRefs: DocumentReference[] };
        const update: Record<string, unknown> = {
          coins: balance.coins,
          diamonds: balance.diamonds,
          inDebt: isInDebt(balance),
          updatedAt: now,
        };
        if (!wallet.exists) Object.assign(update, { id: walletDocId(account), createdAt: now });
        if (account.startsWith("user:") && !wallet.exists) update.uid = walletDocId(account);
        tx.set(walletRef(account), update, { merge: true });
        for (const shardRef of wallet.shardRefs) tx.delete(shardRef);
      }
      for (const entry of shardCredits) {
        walletShards(entry.account as WalletAccount).increment(tx, { diamonds: entry.amount });
      }
      posting.writes?.(tx);
      return { result: posting.result, replayed: false, transactionId };
    },
    { maxAttempts: options.maxAttempts ?? 20 },
  );
}

/** Moves a wallet's shard credits into the wallet document (no ledger entry: same account). */
export async function foldShards(account: WalletAccount): Promise<number> {
  const { FieldValue } = firestoreValues();
  return runTransaction(async (tx) => {
    const { totals, present } = await walletShards(account).collect(tx);
    if (!present.length) return 0;
    tx.set(walletRef(account), { diamonds: FieldValue.increment(totals.diamonds), updatedAt: FieldValue.serverTimestamp() }, { merge: true });
    for (const shard of present) tx.delete(shard);
    return totals.diamonds;
  });
}

/** Balances as the apps should show them: the wallet plus unfolded shard credits. */
export async function readBalances(account: WalletAccount): Promise<{ coins: number; diamonds: number; inDebt: boolean; frozen: boolean }> {
  const [wallet, shards] = await Promise.all([walletRef(account).get(), walletShards(account).read()]);
  const data = wallet.data() ?? {};
  const diamonds = numberOf(data.diamonds) + shards.diamonds;
  const coins = numberOf(data.coins);
  return { coins, diamonds, inDebt: isInDebt({ coins, diamonds }), frozen: data.frozen === true };
}
