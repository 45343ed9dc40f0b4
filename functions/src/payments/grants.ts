/**
 * Purchase and clawback postings, the only way payments move coins. A purchase credits the buyer from
 * the mint; a clawback (refund, chargeback) debits the buyer back into the mint, possibly below zero
 * when the coins were already spent: the ledger core then locks the wallet's spending until settled.
 *
 * Keys: a purchase is keyed by the provider's payment identity (store transaction id, Checkout Session
 * id), so redeliveries and the same purchase under several event ids credit once. Clawbacks are keyed
 * by the refund identity and capped by what the purchase granted, and always debit the account the
 * purchase credited. Who may be credited at all is decided by each provider's `decide` with
 * recipients.ts; a paid purchase nobody may receive is recorded (records.ts), not credited.
 */
import type { Transaction } from "firebase-admin/firestore";
import { HttpsError } from "firebase-functions/v2/https";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fingerprint } from "../kernel/idempotency.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../wallet/accounts.js";
import { type LedgerContext, ledgerTransactionId, type PostedOutcome, postLedgerTransaction } from "../wallet/ledger.js";
import { IgnoredEvent, type PaymentProvider } from "./deliveries.js";
import { openPurchaseReview, recordUnmatchedPurchase, UnmatchedPurchase, type UnmatchedRecord, unmatchedPurchaseRef } from "./records.js";

/** Stored as the purchase ledger document's result: what a later clawback may take back. */
export interface PurchaseGrant {
  provider: PaymentProvider;
  /** The provider's payment identity (the ledger key). */
  purchaseKey: string;
  uid: string;
  packageId: string;
  coins: number;
}

export interface Clawback {
  provider: PaymentProvider;
  /** The refund identity (the ledger key). */
  clawbackKey: string;
  purchaseKey: string;
  uid: string;
  coins: number;
}

/** The ledger document of a provider's purchase (immutable once written). */
export function purchaseLedgerRef(provider: PaymentProvider, purchaseKey: string) {
  return db()
    .collection(Collections.ledger)
    .doc(ledgerTransactionId("purchase", provider, purchaseKey));
}

export interface GrantSpec {
  /**
   * Read inside the ledger transaction: who is credited and how much. Throw IgnoredEvent to abort, or
   * UnmatchedPurchase when the purchase is paid but may not be credited to whom it names.
   */
  decide: (
    context: LedgerContext,
  ) => Promise<{ uid: string; packageId: string; coins: number; meta?: Record<string, unknown>; writes?: (tx: Transaction) => void }>;
  /** What an operator needs to resolve the purchase if it turns out unmatched, and the provider's own writes then. */
  unmatched: (refusal: UnmatchedPurchase) => {
    record: Omit<UnmatchedRecord, "provider" | "purchaseKey" | "cause">;
    writes?: (tx: Transaction) => void;
  };
}

/**
 * Credits a purchase once per (provider, purchaseKey). `payload` is the purchase's identity.
 *
 * Outcomes that no redelivery can change are IgnoredEvent (the webhook acknowledges them) with a
 * record and a review for an operator: "unmatched-purchase" (nobody may be credited) and
 * "purchase-identity-mismatch" (the key was already credited under another identity: another user or
 * product; nothing more is credited).
 */
export async function grantPurchase(
  provider: PaymentProvider,
  purchaseKey: string,
  payload: Record<string, unknown>,
  spec: GrantSpec,
): Promise<PostedOutcome<PurchaseGrant>> {
  const unmatchedRef = unmatchedPurchaseRef(provider, purchaseKey);
  try {
    return await postLedgerTransaction<PurchaseGrant>(
      { type: "purchase", owner: provider, key: purchaseKey, payload, actor: provider },
      async (context) => {
        const [decision, unmatched] = await Promise.all([spec.decide(context), context.get(unmatchedRef)]);
        const { uid, packageId, coins, meta, writes } = decision;
        const transactionId = ledgerTransactionId("purchase", provider, purchaseKey);
        return {
          entries: [
            { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -coins },
            { account: userAccount(uid), currency: "coins", amount: coins },
          ],
          result: { provider, purchaseKey, uid, packageId, coins },
          meta: { provider, purchaseKey, packageId, ...meta },
          writes: (tx) => {
            // Recorded unmatched by an earlier delivery, credited now (the account became grantable).
            if (unmatched.exists && unmatched.get("status") === "open") {
              tx.update(unmatchedRef, {
                status: "granted",
                grantedTo: uid,
                ledgerTransactionId: transactionId,
                resolvedAt: firestoreValues().FieldValue.serverTimestamp(),
              });
            }
            writes?.(tx);
          },
        };
      },
    );
  } catch (err) {
    if (err instanceof UnmatchedPurchase) {
      const { record, writes } = spec.unmatched(err);
      const unmatchedPurchaseId = await recordUnmatchedPurchase({ ...record, provider, purchaseKey, cause: err.refusal }, writes);
      throw new IgnoredEvent("unmatched-purchase", { cause: err.refusal, unmatchedPurchaseId, ...err.details });
    }
    if (err instanceof HttpsError && err.code === "failed-precondition") await refuseIdentityMismatch(provider, purchaseKey, payload);
    throw err;
  }
}

/** After the ledger refused the key: if it is credited under another identity, that is final (IgnoredEvent). */
async function refuseIdentityMismatch(provider: PaymentProvider, purchaseKey: string, payload: Record<string, unknown>): Promise<void> {
  const existing = await purchaseLedgerRef(provider, purchaseKey).get();
  if (!existing.exists || existing.get("fingerprint") === fingerprint(payload)) return;
  const granted = (existing.get("result") ?? {}) as Partial<PurchaseGrant>;
  const details = { grantedTo: granted.uid ?? null, grantedPackageId: granted.packageId ?? null, claimed: payload };
  await openPurchaseReview("purchase-identity-mismatch", provider, purchaseKey, { uid: granted.uid ?? null, ...details });
  throw new IgnoredEvent("purchase-identity-mismatch", details);
}

export interface ClawbackSpec {
  /**
   * Inside the ledger transaction: the purchase being reversed and how many coins to take back (already
   * capped by the caller's rule). Throw IgnoredEvent (or return 0 coins) when there is nothing to take.
   */
  decide: (context: LedgerContext) => Promise<{ uid: string; coins: number; meta?: Record<string, unknown>; writes?: (tx: Transaction) => void }>;
}

/**
 * Takes coins back from the buyer once per (provider, clawbackKey). The buyer's wallet may go negative
 * and the debit proceeds even from a locked or frozen wallet: a refund is a fact, not a request.
 */
export function clawBackPurchase(
  provider: PaymentProvider,
  clawbackKey: string,
  purchaseKey: string,
  spec: ClawbackSpec,
): Promise<PostedOutcome<Clawback>> {
  return postLedgerTransaction<Clawback>(
    { type: "purchase.clawback", owner: provider, key: clawbackKey, payload: { purchaseKey }, actor: provider },
    async (context) => {
      const { uid, coins, meta, writes } = await spec.decide(context);
      if (!(coins > 0)) throw new IgnoredEvent("nothing-to-claw-back", { purchaseKey });
      const buyer = userAccount(uid);
      return {
        entries: [
          { account: buyer, currency: "coins", amount: -coins },
          { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: coins },
        ],
        result: { provider, clawbackKey, purchaseKey, uid, coins },
        meta: { provider, purchaseKey, ...meta },
        allowNegative: [buyer],
        ignoreSpendingLock: true,
        writes,
      };
    },
  );
}

/** The grant recorded by a purchase's ledger document (with the posting's meta), read inside a ledger transaction. */
export async function readGrant(
  context: LedgerContext,
  provider: PaymentProvider,
  purchaseKey: string,
): Promise<(PurchaseGrant & { meta: Record<string, unknown> }) | null> {
  const snapshot = await context.get(purchaseLedgerRef(provider, purchaseKey));
  if (!snapshot.exists) return null;
  const grant = snapshot.get("result") as PurchaseGrant | null;
  return grant && Number.isSafeInteger(grant.coins) && grant.coins > 0
    ? { ...grant, meta: (snapshot.get("meta") ?? {}) as Record<string, unknown> }
    : null;
}
