/**
 * Purchase and clawback postings, the only way payments move coins. A purchase credits the buyer from
 * the mint; a clawback (refund, chargeback) debits the buyer back into the mint, possibly below zero
 * when the coins were already spent: the ledger core then locks the wallet's spending until settled.
 *
 * Keys: a purchase is keyed by the provider's payment identity (store transaction id, Checkout Session
 * id), so redeliveries and the same purchase under several event ids credit once. Clawbacks are keyed
 * by the refund identity and capped by what the purchase granted.
 */
import type { Transaction } from "firebase-admin/firestore";
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../wallet/accounts.js";
import { type LedgerContext, ledgerTransactionId, type PostedOutcome, postLedgerTransaction } from "../wallet/ledger.js";
import { IgnoredEvent, type PaymentProvider } from "./deliveries.js";

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
  return db().collection(Collections.ledger).doc(ledgerTransactionId("purchase", provider, purchaseKey));
}

export interface GrantSpec {
  /** Read inside the ledger transaction: who is credited and how much (throw IgnoredEvent to abort). */
  decide: (context: LedgerContext) => Promise<{ uid: string; packageId: string; coins: number; meta?: Record<string, unknown>; writes?: (tx: Transaction) => void }>;
}

/**
 * Credits a purchase once per (provider, purchaseKey). `payload` is the purchase's identity: the same
 * key arriving with another identity (another user, another product) is refused, not credited.
 */
export function grantPurchase(
  provider: PaymentProvider,
  purchaseKey: string,
  payload: Record<string, unknown>,
  spec: GrantSpec,
): Promise<PostedOutcome<PurchaseGrant>> {
  return postLedgerTransaction<PurchaseGrant>({ type: "purchase", owner: provider, key: purchaseKey, payload, actor: provider }, async (context) => {
    const { uid, packageId, coins, meta, writes } = await spec.decide(context);
    return {
      entries: [
        { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -coins },
        { account: userAccount(uid), currency: "coins", amount: coins },
      ],
      result: { provider, purchaseKey, uid, packageId, coins },
      meta: { provider, purchaseKey, packageId, ...meta },
      writes,
    };
  });
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

/** The grant recorded by a purchase's ledger document, read inside a ledger transaction. */
export async function readGrant(context: LedgerContext, provider: PaymentProvider, purchaseKey: string): Promise<PurchaseGrant | null> {
  const snapshot = await context.get(purchaseLedgerRef(provider, purchaseKey));
  if (!snapshot.exists) return null;
  const grant = snapshot.get("result") as PurchaseGrant | null;
  return grant && Number.isSafeInteger(grant.coins) && grant.coins > 0 ? grant : null;
}
