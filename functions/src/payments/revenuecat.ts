/**
 * RevenueCat webhook (revenuecatWebhook in webhooks.ts): App Store / Play purchases of recharge packages,
 * and their refunds.
 *
 * RevenueCat does not sign bodies: it sends the Authorization header value configured in its
 * dashboard, compared here in constant time. Answers: 401 (bad/missing Authorization), 400 (malformed
 * body), 200 (processed, ignored, or already seen: also every outcome no redelivery can change), 500
 * (a transient failure: RevenueCat retries up to 5 times, and the ledger keys make the retry safe).
 * Refusals (401/400) write nothing; they are logged.
 *
 * Event handling (see RevenueCat's "Event Types and Fields"):
 * - INITIAL_PURCHASE, NON_RENEWING_PURCHASE: credit the package of product_id (coins + bonusCoins) to
 *   app_user_id, if it is an existing, active user account (recipients.ts). Otherwise (an agency or
 *   system id, an anonymous id, a missing, disabled, banned or deleted account, an unknown product) no
 *   coins move: the purchase is recorded in unmatchedPurchases with a review entry, and acknowledged.
 *   A transaction already credited under another identity (another user or product) credits nothing
 *   more and is acknowledged with a review entry ("purchase-identity-mismatch").
 * - RENEWAL: also credited. Each renewal is a new store transaction, so a package whose storeProductId
 *   is an auto-renewing subscription works as a coin subscription; consumables never renew.
 * - CANCELLATION with cancel_reason CUSTOMER_SUPPORT: the store refunded the transaction: the coins it
 *   granted are clawed back from the account credited, once, never more than granted, even into a
 *   negative balance. A refund that arrives before its purchase is kept in pendingRefunds and applied by
 *   the grant when it arrives (grant then clawback, each keyed by the transaction). Other cancellation
 *   reasons (unsubscribe, billing error...) do not refund a delivered period: ignored.
 * - TRANSFER: recorded in revenuecatTransfers (who the store account's purchases moved from and to).
 * - TEST, SANDBOX events (unless REVENUECAT_ACCEPT_SANDBOX) and every other type: recorded as ignored
 *   and acknowledged.
 *
 * Whose refund it is. app_user_id is whatever the app logged in to RevenueCat with: it is asserted by
 * the client, not proven, and RevenueCat never says which store account paid. What RevenueCat does say
 * is which app user ids its customer (one store account's purchase history) has used: the first
 * (original_app_user_id), every one (aliases), and TRANSFER events moving the store account's purchases
 * from some ids to others. The rule built on that:
 * - A refund is always taken back from the account the purchase credited (the grant's uid), never
 *   from the refund event's app_user_id (after a TRANSFER that names the new holder).
 * - It counts towards that account's refund ratio, and may freeze it, only when nothing RevenueCat told
 *   us ties the purchase to another user of ours: the buying customer's original_app_user_id and
 *   aliases (anonymous ids aside) were that account alone, and no TRANSFER ever moved purchases into it
 *   from another user. Otherwise (a store account another user had used, the way someone buys coins in
 *   a victim's name and then refunds them) the clawback is marked refundAttributed: false, freezes
 *   nobody, and opens a "refund-shared-identity" review naming the other ids.
 * - A store account that never touched another user of ours leaves no such trace: a purchase made
 *   from it in someone else's name is indistinguishable from that person's own.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Response } from "express";
import type { Request } from "firebase-functions/v2/https";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";
import { type LedgerContext, ledgerTransactionId } from "../wallet/ledger.js";
import { REVENUECAT_ACCEPT_SANDBOX, REVENUECAT_WEBHOOK_AUTH } from "./config.js";
import { type HandledEvent, IgnoredEvent, processDelivery } from "./deliveries.js";
import { clawBackPurchase, grantPurchase, purchaseLedgerRef, readGrant } from "./grants.js";
import { findPackageByStoreProductId } from "./packages.js";
import { grantRefusal, isAnonymousAppUserId } from "./recipients.js";
import { openPurchaseReview, pendingRefundRef, recordUnmatchedPurchase, UnmatchedPurchase, unmatchedPurchaseRef } from "./records.js";
import { packageCoins, type RevenueCatEvent, RevenueCatWebhookSchema } from "./schema.js";
import { checkPurchaseVelocity, checkRefundRatio } from "./velocity.js";

const PROVIDER = "revenuecat";
const GRANTING_TYPES: ReadonlySet<string> = new Set(["INITIAL_PURCHASE", "NON_RENEWING_PURCHASE", "RENEWAL"]);
const REFUND_REASON = "CUSTOMER_SUPPORT";

/** Constant-time comparison: both sides are hashed first, so lengths match and nothing leaks through timing. */
export function isAuthorized(header: string | undefined, expected: string): boolean {
  if (!expected) {
    log.error("REVENUECAT_WEBHOOK_AUTH is not set: refusing every RevenueCat delivery");
    return false;
  }
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(header ?? ""), digest(expected));
}

type MoneyEvent = RevenueCatEvent & { app_user_id: string; product_id: string; transaction_id: string };

/** The event's fields kept on back-office records (not subscriber attributes, which may hold personal data). */
function eventSummary(event: RevenueCatEvent): Record<string, unknown> {
  const fields = [
    "id",
    "type",
    "app_user_id",
    "original_app_user_id",
    "aliases",
    "product_id",
    "transaction_id",
    "original_transaction_id",
    "store",
    "environment",
    "price",
    "currency",
    "cancel_reason",
    "event_timestamp_ms",
  ] as const;
  return Object.fromEntries(fields.map((field) => [field, event[field] ?? null]));
}

/** The ids in `ids` that may name a user of ours (RevenueCat's anonymous ids never do), without `except`. */
function userIds(ids: readonly (string | null | undefined)[], except?: string): string[] {
  return [...new Set(ids.filter((id): id is string => !!id && id !== except && !isAnonymousAppUserId(id)))].sort();
}

// ---------------------------------------------------------------------------------------------------
// Purchases

async function grantStorePurchase(event: MoneyEvent): Promise<HandledEvent> {
  const uid = event.app_user_id;
  const transactionId = event.transaction_id;
  const pkg = await findPackageByStoreProductId(event.product_id);
  if (!pkg) {
    log.error("RevenueCat purchase of a product with no recharge package", { eventId: event.id, productId: event.product_id });
    const unmatchedPurchaseId = await recordUnmatchedPurchase({
      provider: PROVIDER,
      purchaseKey: transactionId,
      cause: "unknown-product",
      namedRecipient: uid,
      eventId: event.id,
      event: eventSummary(event),
    });
    throw new IgnoredEvent("unmatched-purchase", { cause: "unknown-product", productId: event.product_id, unmatchedPurchaseId });
  }
  const outcome = await grantPurchase(
    PROVIDER,
    transactionId,
    // The purchase's identity (not the coin amount, which an admin may edit between two deliveries).
    { uid, productId: event.product_id, transactionId },
    {
      decide: async (context) => {
        // Read for its conflict only: with recordPendingRefund reading this grant's ledger document, one
        // of the two transactions sees the other's write, so a refund racing the grant is never lost.
        await context.get(pendingRefundRef(PROVIDER, transactionId));
        const refusal = await grantRefusal(uid, (ref) => context.get(ref));
        if (refusal) throw new UnmatchedPurchase(refusal, { appUserId: uid });
        return {
          uid,
          packageId: pkg.id,
          coins: packageCoins(pkg),
          meta: {
            eventId: event.id,
            eventType: event.type,
            productId: event.product_id,
            store: event.store ?? null,
            price: event.price ?? null,
            currency: event.currency ?? null,
            // Other users of ours the buying customer had used: their refunds are not this account's alone.
            otherAppUserIds: userIds([event.original_app_user_id, ...(event.aliases ?? [])], uid),
          },
        };
      },
      unmatched: () => ({ record: { namedRecipient: uid, eventId: event.id, event: eventSummary(event) } }),
    },
  );
  const review = await checkPurchaseVelocity(uid);
  // A refund that came first: applied now, and again by a redelivery if this one fails after the grant.
  const pending = await pendingRefundRef(PROVIDER, transactionId).get();
  const refund =
    pending.exists && pending.get("status") === "pending"
      ? await reverseGrantedPurchase(transactionId, pending.get("eventId"), pending.get("cancelReason"))
      : null;
  return {
    status: "processed",
    details: {
      action: "grant",
      ...outcome.result,
      ledgerTransactionId: outcome.transactionId,
      replayed: outcome.replayed,
      review: review?.reason ?? null,
      pendingRefundApplied: refund ? refund.details : null,
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Refunds

/** Thrown inside a clawback's decision when the purchase has not been granted. */
class PurchaseNotGranted extends Error {}

/** Other users of ours tied to a granted purchase: those its buyer had used, and TRANSFER sources into its account. */
async function sharedIdentity(context: LedgerContext, uid: string, grantMeta: Record<string, unknown>): Promise<string[]> {
  const transfers = await context.tx.get(db().collection(Collections.revenuecatTransfers).where("to", "array-contains", uid));
  const recorded = Array.isArray(grantMeta.otherAppUserIds) ? (grantMeta.otherAppUserIds as string[]) : [];
  return userIds([...recorded, ...transfers.docs.flatMap((doc) => (doc.get("from") ?? []) as string[])], uid);
}

/**
 * Claws back a granted purchase (keyed by the transaction: a store refunds a transaction at most once)
 * and reviews its account. Null when the purchase has not been granted.
 */
async function reverseGrantedPurchase(
  transactionId: string,
  refundEventId: string,
  cancelReason: string | null,
): Promise<(HandledEvent & { details: Record<string, unknown> }) | null> {
  const pendingRef = pendingRefundRef(PROVIDER, transactionId);
  const { FieldValue } = firestoreValues();
  let sharedWith: string[] = [];
  let outcome: Awaited<ReturnType<typeof clawBackPurchase>>;
  try {
    outcome = await clawBackPurchase(PROVIDER, transactionId, transactionId, {
      decide: async (context) => {
        const grant = await readGrant(context, PROVIDER, transactionId);
        if (!grant) throw new PurchaseNotGranted();
        const [pending, shared] = await Promise.all([context.get(pendingRef), sharedIdentity(context, grant.uid, grant.meta)]);
        sharedWith = shared;
        const clawbackTransactionId = ledgerTransactionId("purchase.clawback", PROVIDER, transactionId);
        return {
          // From the grant itself: the account credited then, and exactly what was credited.
          uid: grant.uid,
          coins: grant.coins,
          meta: { eventId: refundEventId, cancelReason, packageId: grant.packageId, refundAttributed: shared.length === 0, sharedWith: shared },
          writes: (tx) => {
            if (pending.exists && pending.get("status") === "pending") {
              tx.update(pendingRef, { status: "applied", appliedAt: FieldValue.serverTimestamp(), clawbackTransactionId });
            }
          },
        };
      },
    });
  } catch (err) {
    if (err instanceof PurchaseNotGranted) return null;
    throw err;
  }
  const { uid } = outcome.result;
  if (outcome.replayed) {
    const posted = await db().collection(Collections.ledger).doc(outcome.transactionId).get();
    sharedWith = (posted.get("meta.sharedWith") ?? []) as string[];
  }
  let review: string | null;
  if (sharedWith.length === 0) {
    review = (await checkRefundRatio(uid))?.reason ?? null;
  } else {
    await openPurchaseReview("refund-shared-identity", PROVIDER, transactionId, { uid, sharedWith, refundEventId });
    review = "refund-shared-identity";
  }
  return {
    status: "processed",
    details: { action: "clawback", ...outcome.result, ledgerTransactionId: outcome.transactionId, replayed: outcome.replayed, review },
  };
}

/**
 * Keeps a refund whose purchase has not been granted, for the grant to apply. False when the purchase
 * was granted meanwhile (the caller claws it back now). Also marks an unmatched purchase refunded.
 */
async function recordPendingRefund(event: MoneyEvent): Promise<boolean> {
  const transactionId = event.transaction_id;
  const pendingRef = pendingRefundRef(PROVIDER, transactionId);
  const unmatchedRef = unmatchedPurchaseRef(PROVIDER, transactionId);
  const { FieldValue } = firestoreValues();
  return runTransaction(async (tx) => {
    // The grant reads the pending record in its own transaction (see grantStorePurchase): either this
    // transaction sees the grant, or the grant's delivery finds this record after committing.
    const [granted, pending, unmatched] = await tx.getAll(purchaseLedgerRef(PROVIDER, transactionId), pendingRef, unmatchedRef);
    if (granted?.exists) return false;
    const now = FieldValue.serverTimestamp();
    if (!pending?.exists) {
      tx.create(pendingRef, {
        provider: PROVIDER,
        purchaseKey: transactionId,
        status: "pending",
        eventId: event.id,
        cancelReason: event.cancel_reason ?? null,
        namedRecipient: event.app_user_id,
        event: eventSummary(event),
        createdAt: now,
      });
    }
    if (unmatched?.exists && unmatched.get("refunded") !== true)
      tx.update(unmatchedRef, { refunded: true, refundEventId: event.id, refundedAt: now });
    return true;
  });
}

async function refundStorePurchase(event: MoneyEvent): Promise<HandledEvent> {
  const transactionId = event.transaction_id;
  const reverse = () => reverseGrantedPurchase(transactionId, event.id, event.cancel_reason ?? null);
  const reversed = await reverse();
  if (reversed) return reversed;
  if (await recordPendingRefund(event)) {
    log.info("RevenueCat refund before its purchase: pending", { eventId: event.id, transactionId });
    return {
      status: "processed",
      details: { action: "refund-pending", transactionId, pendingRefundId: pendingRefundRef(PROVIDER, transactionId).id },
    };
  }
  // Granted between the two reads above.
  const late = await reverse();
  if (!late) throw new Error(`RevenueCat refund ${event.id}: transaction ${transactionId} is granted but could not be read`);
  return late;
}

// ---------------------------------------------------------------------------------------------------
// Transfers

async function recordTransfer(event: RevenueCatEvent): Promise<HandledEvent> {
  const from = userIds(event.transferred_from ?? []);
  const to = userIds(event.transferred_to ?? []);
  await db()
    .collection(Collections.revenuecatTransfers)
    .doc(event.id)
    .set({
      eventId: event.id,
      from,
      to,
      transferredFrom: event.transferred_from ?? [],
      transferredTo: event.transferred_to ?? [],
      store: event.store ?? null,
      eventTimestampMs: event.event_timestamp_ms ?? null,
      recordedAt: firestoreValues().FieldValue.serverTimestamp(),
    });
  return { status: "processed", details: { action: "transfer", from, to } };
}

export async function handleRevenueCatEvent(event: RevenueCatEvent): Promise<HandledEvent> {
  if (event.type === "TEST") throw new IgnoredEvent("test-event");
  const isGrant = GRANTING_TYPES.has(event.type);
  const isRefund = event.type === "CANCELLATION" && event.cancel_reason === REFUND_REASON;
  const isTransfer = event.type === "TRANSFER";
  if (!isGrant && !isRefund && !isTransfer) throw new IgnoredEvent(event.type === "CANCELLATION" ? "cancellation-without-refund" : "unhandled-type");
  // Sandbox purchases are free; their refunds and transfers are irrelevant too (nothing was granted for them).
  if (event.environment === "SANDBOX" && !REVENUECAT_ACCEPT_SANDBOX.value()) throw new IgnoredEvent("sandbox");
  if (isTransfer) return recordTransfer(event);
  // The schema requires these three fields for money events.
  const money = event as MoneyEvent;
  return isGrant ? grantStorePurchase(money) : refundStorePurchase(money);
}

/** The request handler (exported for tests and for mounting elsewhere). */
export async function handleRevenueCatWebhook(req: Request, res: Response): Promise<void> {
  if (req.method !== "POST") {
    res.status(405).set("Allow", "POST").json({ error: "method not allowed" });
    return;
  }
  if (!isAuthorized(req.get("authorization"), REVENUECAT_WEBHOOK_AUTH.value())) {
    log.warn("RevenueCat webhook refused: bad Authorization header", { ip: req.ip });
    res.status(401).json({ error: "unauthorized" });
    return;
  }
  const parsed = RevenueCatWebhookSchema.safeParse(req.body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    log.warn("RevenueCat webhook refused: malformed body", { issues });
    res.status(400).json({ error: "invalid payload", issues });
    return;
  }
  const event = parsed.data.event;
  try {
    const outcome = await processDelivery(PROVIDER, event.id, event.type, () => handleRevenueCatEvent(event));
    res.status(outcome.status === "failed" ? 500 : 200).json({ status: outcome.status, duplicate: outcome.duplicate });
  } catch (err) {
    log.error("RevenueCat webhook: could not record the delivery", { eventId: event.id, error: String(err) });
    res.status(500).json({ status: "failed" });
  }
}
