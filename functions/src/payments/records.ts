/**
 * Back-office records of purchases that need a person: unmatchedPurchases (paid, credited to nobody),
 * pendingRefunds (a store refund that arrived before its purchase) and the reviewQueue entries that
 * point an operator at them. All are keyed by the provider's payment identity, so redeliveries and
 * concurrent deliveries find the same record instead of piling up new ones.
 */
import { createHash } from "node:crypto";
import type { Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";
import type { PaymentProvider } from "./deliveries.js";

/** Store transaction ids are the stores' own strings: used verbatim when path-safe, else hashed. */
export function paymentDocId(provider: PaymentProvider, purchaseKey: string): string {
  const safe = /^[A-Za-z0-9_.:-]{1,200}$/.test(purchaseKey);
  return `${provider}:${safe ? purchaseKey : `sha256-${createHash("sha256").update(purchaseKey).digest("hex")}`}`;
}

export function unmatchedPurchaseRef(provider: PaymentProvider, purchaseKey: string) {
  return db().collection(Collections.unmatchedPurchases).doc(paymentDocId(provider, purchaseKey));
}

export function pendingRefundRef(provider: PaymentProvider, purchaseKey: string) {
  return db().collection(Collections.pendingRefunds).doc(paymentDocId(provider, purchaseKey));
}

/** Review reasons about one purchase (account-level reasons live in velocity.ts). */
export type PurchaseReviewReason = "unmatched-purchase" | "purchase-identity-mismatch" | "refund-shared-identity";

/** reviewQueue/{reason}__{provider}:{purchaseKey}: one entry per purchase and reason. */
export function purchaseReviewRef(reason: PurchaseReviewReason, provider: PaymentProvider, purchaseKey: string) {
  return db()
    .collection(Collections.reviewQueue)
    .doc(`${reason}__${paymentDocId(provider, purchaseKey)}`);
}

function createReviewIfAbsent(
  tx: Transaction,
  existing: boolean,
  reason: PurchaseReviewReason,
  provider: PaymentProvider,
  purchaseKey: string,
  fields: Record<string, unknown>,
) {
  if (existing) return;
  const { FieldValue } = firestoreValues();
  tx.create(purchaseReviewRef(reason, provider, purchaseKey), {
    reason,
    provider,
    purchaseKey,
    status: "open",
    source: "payments",
    createdAt: FieldValue.serverTimestamp(),
    ...fields,
  });
}

/** Opens a review about one purchase, once. */
export async function openPurchaseReview(
  reason: PurchaseReviewReason,
  provider: PaymentProvider,
  purchaseKey: string,
  fields: Record<string, unknown>,
): Promise<void> {
  const ref = purchaseReviewRef(reason, provider, purchaseKey);
  const created = await runTransaction(async (tx) => {
    const existing = (await tx.get(ref)).exists;
    createReviewIfAbsent(tx, existing, reason, provider, purchaseKey, fields);
    return !existing;
  });
  if (created) log.warn("purchase flagged for review", { reason, provider, purchaseKey, ...fields });
}

/** Thrown from a grant's decision: the purchase is paid but must not be credited to whom it names. */
export class UnmatchedPurchase extends Error {
  constructor(
    /** Recorded as the unmatched purchase's cause. */
    readonly refusal: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(`unmatched purchase: ${refusal}`);
  }
}

export interface UnmatchedRecord {
  provider: PaymentProvider;
  purchaseKey: string;
  /** Why nobody was credited (a GrantRefusal, "unknown-product", "buyer-mismatch"). */
  cause: string;
  /** The account the purchase named, verbatim. */
  namedRecipient: string | null;
  eventId: string;
  /** The delivery's fields an operator needs to resolve it (product, price, store...). */
  event: Record<string, unknown>;
}

/**
 * Records a paid purchase that credited nobody and opens its review, once per purchase (later
 * deliveries only count themselves). `writes` joins the same transaction (the provider's own records).
 * Returns the record's id.
 */
export async function recordUnmatchedPurchase(record: UnmatchedRecord, writes?: (tx: Transaction) => void): Promise<string> {
  const { FieldValue } = firestoreValues();
  const ref = unmatchedPurchaseRef(record.provider, record.purchaseKey);
  const reviewRef = purchaseReviewRef("unmatched-purchase", record.provider, record.purchaseKey);
  const pendingRef = pendingRefundRef(record.provider, record.purchaseKey);
  await runTransaction(async (tx) => {
    const [existing, review, pendingRefund] = await tx.getAll(ref, reviewRef, pendingRef);
    const now = FieldValue.serverTimestamp();
    if (existing?.exists) {
      tx.update(ref, { deliveries: FieldValue.increment(1), lastEventId: record.eventId, lastSeenAt: now });
    } else {
      tx.create(ref, {
        ...record,
        status: "open",
        refunded: pendingRefund?.exists === true,
        deliveries: 1,
        createdAt: now,
        lastSeenAt: now,
      });
    }
    createReviewIfAbsent(tx, review?.exists === true, "unmatched-purchase", record.provider, record.purchaseKey, {
      uid: record.namedRecipient,
      cause: record.cause,
      unmatchedPurchaseId: ref.id,
    });
    writes?.(tx);
  });
  log.warn("paid purchase credited to nobody", {
    provider: record.provider,
    purchaseKey: record.purchaseKey,
    cause: record.cause,
    namedRecipient: record.namedRecipient,
  });
  return ref.id;
}
