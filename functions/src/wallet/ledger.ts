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
import type { DocumentReference, DocumentSnapshot, FieldValue, Transaction } from "firebase-admin/firestore";
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
  "agency.salary",
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

// ---------------------------------------------------------------------------------------------------
// The steps of a posting. The pure ones (replay, fold, balances, check) decide from plain values; the
// others read or write inside the transaction.
// ---------------------------------------------------------------------------------------------------

/** What an earlier posting under the same key means for this attempt. */
export type ReplayDecision<Result> = { kind: "post" } | { kind: "replay"; result: Result } | { kind: "conflict" };

/** `stored`: the ledger document already written under this key (null: none). */
export function decideReplay<Result>(stored: { fingerprint: unknown; result: unknown } | null, payloadHash: string): ReplayDecision<Result> {
  if (!stored) return { kind: "post" };
  if (stored.fingerprint !== payloadHash) return { kind: "conflict" };
  return { kind: "replay", result: stored.result as Result };
}

/** A wallet as read in this transaction, with the shard documents it folds (deleted when it is written). */
interface ReadWallet extends WalletSnapshot {
  shardRefs: DocumentReference[];
  shardsRead: boolean;
}

/** The wallet figures the planning steps need. */
export type WalletFigures = Pick<WalletSnapshot, "coins" | "diamonds" | "shardDiamonds" | "frozen"> & { shardsRead: boolean };

/** Reads each wallet once per transaction attempt; `includeShards` folds its shard credits in. */
class WalletReads {
  readonly wallets = new Map<WalletAccount, ReadWallet>();

  constructor(private readonly tx: Transaction) {}

  async read(account: WalletAccount, options: { includeShards?: boolean; showShards?: boolean } = {}): Promise<ReadWallet> {
    const known = this.wallets.get(account);
    const snapshot = known ? null : await this.tx.get(walletRef(account));
    const data = known?.data ?? snapshot?.data() ?? {};
    const wallet: ReadWallet = known ?? {
      account,
      exists: snapshot?.exists ?? false,
      coins: numberOf(data.coins),
      diamonds: numberOf(data.diamonds),
      shardDiamonds: 0,
      unfoldedShardDiamonds: 0,
      frozen: data.frozen === true,
      data,
      shardRefs: [],
      shardsRead: false,
    };
    if (options.includeShards && !wallet.shardsRead) {
      const { totals, present } = await walletShards(account).collect(this.tx);
      wallet.shardDiamonds = totals.diamonds;
      wallet.unfoldedShardDiamonds = 0;
      wallet.shardRefs = present;
      wallet.shardsRead = true;
    } else if (options.showShards && !wallet.shardsRead) {
      // Outside the transaction: not part of its read set.
      wallet.unfoldedShardDiamonds = (await walletShards(account).read()).diamonds;
    }
    this.wallets.set(account, wallet);
    return wallet;
  }
}

/** Refuses a malformed posting, naming the operation (a programming error, not a client's). */
function validatePosting(type: LedgerType, entries: EntryInput[]): void {
  try {
    validateEntries(entries);
  } catch (err) {
    throw new Error(`ledger ${type}: ${(err as Error).message}`);
  }
}

/**
 * The wallets whose shard credits this posting must fold in: a diamond debit the wallet document (and
 * the shards already read) cannot cover. One it can cover leaves the shards alone, so it never contends
 * with the gifts that keep crediting them (a popular host exchanging or withdrawing while gifts arrive).
 */
export function walletsToFold(entries: EntryInput[], wallets: ReadonlyMap<WalletAccount, WalletFigures>): WalletAccount[] {
  const diamondsAfter = new Map<WalletAccount, number>();
  for (const entry of entries) {
    if (!isWalletAccount(entry.account) || entry.viaShard || entry.currency !== "diamonds") continue;
    const wallet = wallets.get(entry.account) as WalletFigures;
    const before = diamondsAfter.get(entry.account) ?? wallet.diamonds + wallet.shardDiamonds;
    diamondsAfter.set(entry.account, before + entry.amount);
  }
  return [...diamondsAfter].filter(([account, after]) => after < 0 && !(wallets.get(account)?.shardsRead ?? false)).map(([account]) => account);
}

/** Reads every wallet the entries touch without a shard, then folds the shards of those that need it. */
async function readPostedWallets(reads: WalletReads, entries: EntryInput[]): Promise<void> {
  for (const entry of entries) if (isWalletAccount(entry.account) && !entry.viaShard) await reads.read(entry.account);
  for (const account of walletsToFold(entries, reads.wallets)) await reads.read(account, { includeShards: true });
}

export interface BalanceChange {
  coins: number;
  diamonds: number;
  /** Some entry takes from this wallet: the spending checks apply to it. */
  debited: boolean;
}

export interface BalancePlan {
  /** Every wallet read in the transaction, with its balances after the posting (folded shards included). */
  balances: Map<WalletAccount, BalanceChange>;
  /** Credits that go to a random shard of their wallet instead (no read). */
  shardCredits: EntryInput[];
}

export function planBalances(entries: EntryInput[], wallets: ReadonlyMap<WalletAccount, WalletFigures>): BalancePlan {
  const balances = new Map<WalletAccount, BalanceChange>();
  for (const [account, wallet] of wallets)
    balances.set(account, { coins: wallet.coins, diamonds: wallet.diamonds + wallet.shardDiamonds, debited: false });
  const shardCredits: EntryInput[] = [];
  for (const entry of entries) {
    if (!isWalletAccount(entry.account)) continue;
    if (entry.viaShard) {
      shardCredits.push(entry);
      continue;
    }
    const balance = balances.get(entry.account) as BalanceChange;
    balance[entry.currency] += entry.amount;
    if (entry.amount < 0) balance.debited = true;
  }
  return { balances, shardCredits };
}

export interface SpendingRefusal {
  message: string;
  /** `reason` when the wallet is locked; the shortfall otherwise. */
  details: { account: WalletAccount; reason?: WalletRefusal; [field: string]: unknown };
}

/**
 * Why the posting may not proceed, or null: a debited wallet that is frozen or in debt (unless the
 * posting ignores the lock), or one that would end below zero (unless the posting allows it).
 */
export function spendingRefusal(
  plan: BalancePlan,
  wallets: ReadonlyMap<WalletAccount, WalletFigures>,
  posting: Pick<PostingPlan<unknown>, "allowNegative" | "ignoreSpendingLock">,
): SpendingRefusal | null {
  for (const [account, balance] of plan.balances) {
    if (!balance.debited) continue;
    const wallet = wallets.get(account) as WalletFigures;
    if (!posting.ignoreSpendingLock && (wallet.frozen || isInDebt({ coins: wallet.coins, diamonds: wallet.diamonds + wallet.shardDiamonds }))) {
      return {
        message: "This wallet is locked: settle the negative balance or wait for the review.",
        details: { account, reason: wallet.frozen ? "frozen" : "negative-balance" },
      };
    }
    for (const currency of CURRENCIES) {
      if (balance[currency] < 0 && !posting.allowNegative?.includes(account)) {
        return { message: `Insufficient ${currency}.`, details: { account, currency, shortBy: -balance[currency] } };
      }
    }
  }
  return null;
}

/** The immutable ledger document: the entries, who and why, and the result a replay returns. */
function recordPosting(
  tx: Transaction,
  ledgerRef: DocumentReference,
  record: { transactionId: string; operation: LedgerOperation; payloadHash: string; posting: PostingPlan<unknown>; now: FieldValue },
): void {
  const { transactionId, operation, payloadHash, posting, now } = record;
  tx.create(ledgerRef, {
    id: transactionId,
    type: operation.type,
    owner: operation.owner,
    key: operation.key,
    fingerprint: payloadHash,
    actor: operation.actor ?? operation.owner,
    entries: posting.entries.map(({ account, currency, amount }) => ({ account, currency, amount })),
    accounts: [...new Set(posting.entries.map((e) => e.account))],
    accountCurrencies: [...new Set(posting.entries.map((e) => `${e.account}|${e.currency}`))],
    meta: posting.meta ?? {},
    result: posting.result === undefined ? null : posting.result,
    createdAt: now,
  });
}

/** The new balances of every wallet read (its folded shards deleted), then the shard credits as blind increments. */
function writeBalances(tx: Transaction, plan: BalancePlan, wallets: ReadonlyMap<WalletAccount, ReadWallet>, now: FieldValue): void {
  for (const [account, balance] of plan.balances) {
    const wallet = wallets.get(account) as ReadWallet;
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
  for (const entry of plan.shardCredits) walletShards(entry.account as WalletAccount).increment(tx, { diamonds: entry.amount });
}

/**
 * Runs one ledger operation as a Firestore transaction: the replay check, the operation's reads and plan,
 * the entries' validation, the wallet reads, the balance plan and its checks, then the ledger document,
 * the balances and the operation's own writes.
 */
export async function postLedgerTransaction<Result>(
  operation: LedgerOperation,
  plan: (context: LedgerContext) => Promise<PostingPlan<Result>>,
  options: { maxAttempts?: number } = {},
): Promise<PostedOutcome<Result>> {
  const transactionId = ledgerTransactionId(operation.type, operation.owner, operation.key);
  const ledgerRef = db().collection(Collections.ledger).doc(transactionId);
  const payloadHash = fingerprint(operation.payload ?? null);

  return runTransaction(
    async (tx) => {
      const existing = await tx.get(ledgerRef);
      const replay = decideReplay<Result>(
        existing.exists ? { fingerprint: existing.get("fingerprint"), result: existing.get("result") } : null,
        payloadHash,
      );
      if (replay.kind === "conflict") fail("failed-precondition", "This request id was already used for a different request.");
      if (replay.kind === "replay") return { result: replay.result, replayed: true, transactionId };

      const reads = new WalletReads(tx);
      const posting = await plan({ tx, wallet: (account, o) => reads.read(account, o), get: (ref) => tx.get(ref) });
      validatePosting(operation.type, posting.entries);
      await readPostedWallets(reads, posting.entries);
      const balances = planBalances(posting.entries, reads.wallets);
      const refusal = spendingRefusal(balances, reads.wallets, posting);
      if (refusal) {
        const { reason, ...details } = refusal.details;
        if (reason) refuse<WalletRefusal>("failed-precondition", reason, refusal.message, details);
        fail("failed-precondition", refusal.message, details);
      }

      const now = firestoreValues().FieldValue.serverTimestamp();
      recordPosting(tx, ledgerRef, { transactionId, operation, payloadHash, posting, now });
      writeBalances(tx, balances, reads.wallets, now);
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
