/**
 * Velocity review, evaluated after each purchase grant and each clawback (replays included: the
 * checks are reads plus an entry created once per uid and reason while it is open).
 *
 * - purchase-velocity: more than maxPurchasesPerHour purchases in the last hour. Flagged for review
 *   only: heavy buyers are usually legitimate, and their coins are paid for.
 * - refund-ratio: refunds/purchases above maxRefundRatioBps. Flagged AND the wallet is frozen
 *   (wallets/{uid}.frozen = true, which the ledger core honours: no spending until a reviewer unfreezes).
 *   Buy → gift → refund is the classic way to turn a store's refund policy into hosts' diamonds; the
 *   freeze stops the remaining coins being spent before a human has looked. Refunds themselves still
 *   proceed on a frozen wallet (clawbacks ignore spending locks).
 *
 * Counts come from the ledger (purchase and purchase.clawback documents naming user:{uid}), the
 * authoritative record, rather than from counters that could drift. The account is always the one the
 * purchase credited (the grant's uid), whoever a later event names. A clawback whose meta says
 * refundAttributed: false (a store purchase that RevenueCat ties to another user of ours as well, see
 * revenuecat.ts) is not counted: nobody is frozen for a refund they may not have made.
 */
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";
import { userAccount, walletRef } from "../wallet/accounts.js";
import { economyConfig } from "../wallet/config.js";
import type { LedgerType } from "../wallet/ledger.js";

export type ReviewReason = "purchase-velocity" | "refund-ratio";

export interface ReviewFlag {
  uid: string;
  reason: ReviewReason;
  metrics: Record<string, number>;
  /** False when an open entry for this uid and reason already existed. */
  created: boolean;
  frozen: boolean;
}

const HOUR_MS = 3_600_000;

async function countLedger(uid: string, type: LedgerType, sinceMs?: number): Promise<number> {
  const { Timestamp } = firestoreValues();
  let query = db().collection(Collections.ledger).where("accounts", "array-contains", userAccount(uid)).where("type", "==", type);
  // Ordered newest first so the ledger's (accounts, type, createdAt desc) index serves the query.
  if (sinceMs !== undefined) query = query.where("createdAt", ">=", Timestamp.fromMillis(sinceMs)).orderBy("createdAt", "desc");
  return (await query.count().get()).data().count;
}

/** reviewQueue/{reason}__{uid} is the open entry for a uid and reason; a closed one is archived when reopened. */
export function reviewEntryRef(uid: string, reason: ReviewReason) {
  return db().collection(Collections.reviewQueue).doc(`${reason}__${uid}`);
}

async function openReview(uid: string, reason: ReviewReason, metrics: Record<string, number>, freeze: boolean): Promise<ReviewFlag> {
  const { FieldValue } = firestoreValues();
  const ref = reviewEntryRef(uid, reason);
  const wallet = walletRef(userAccount(uid));
  const created = await runTransaction(async (tx) => {
    const existing = await tx.get(ref);
    const now = FieldValue.serverTimestamp();
    if (existing.exists && existing.get("status") === "open") return false;
    // A reviewed (closed) entry is kept as history under a new id before the new review takes its place.
    if (existing.exists) tx.create(db().collection(Collections.reviewQueue).doc(), { ...existing.data(), archivedAt: now });
    tx.set(ref, { uid, reason, metrics, createdAt: now, status: "open", source: "payments.velocity", frozeWallet: freeze });
    if (freeze) tx.set(wallet, { frozen: true, frozenReason: reason, frozenAt: now, updatedAt: now }, { merge: true });
    return true;
  });
  if (created) log.warn("account flagged for review", { uid, reason, metrics, frozen: freeze });
  return { uid, reason, metrics, created, frozen: freeze };
}

/** Refunds per purchase over an account's history, in basis points (refunds without purchases count as 100 %). */
export function refundRatioBps(purchases: number, refunds: number): number {
  return purchases === 0 ? 10_000 : Math.floor((refunds * 10_000) / purchases);
}

/** Whether the refund ratio calls for a review (and a freeze): some refund, and a ratio above the maximum. */
export function refundRatioExceeded(purchases: number, refunds: number, maxRefundRatioBps: number): boolean {
  return refunds > 0 && refundRatioBps(purchases, refunds) > maxRefundRatioBps;
}

/** After a purchase grant. */
export async function checkPurchaseVelocity(uid: string): Promise<ReviewFlag | null> {
  const config = await economyConfig();
  const purchasesLastHour = await countLedger(uid, "purchase", Date.now() - HOUR_MS);
  if (purchasesLastHour <= config.maxPurchasesPerHour) return null;
  return openReview(uid, "purchase-velocity", { purchasesLastHour, maxPurchasesPerHour: config.maxPurchasesPerHour }, false);
}

/** Clawbacks of the account's own purchases (see refundAttributed above). */
async function countAttributedRefunds(uid: string): Promise<number> {
  const clawbacks = await db()
    .collection(Collections.ledger)
    .where("accounts", "array-contains", userAccount(uid))
    .where("type", "==", "purchase.clawback")
    .select("meta.refundAttributed")
    .get();
  return clawbacks.docs.filter((doc) => doc.get("meta.refundAttributed") !== false).length;
}

/** After a clawback of the account's own purchase: refunds/purchases over its whole history, in basis points. */
export async function checkRefundRatio(uid: string): Promise<ReviewFlag | null> {
  const config = await economyConfig();
  const [purchases, refunds] = await Promise.all([countLedger(uid, "purchase"), countAttributedRefunds(uid)]);
  if (!refundRatioExceeded(purchases, refunds, config.maxRefundRatioBps)) return null;
  const metrics = { purchases, refunds, refundRatioBps: refundRatioBps(purchases, refunds), maxRefundRatioBps: config.maxRefundRatioBps };
  return openReview(uid, "refund-ratio", metrics, true);
}
