/**
 * RevenueCat webhook: App Store / Play purchases of recharge packages, and their refunds.
 *
 * RevenueCat does not sign bodies: it sends the Authorization header value configured in its
 * dashboard, compared here in constant time. Answers: 401 (bad/missing Authorization), 400 (malformed
 * body), 200 (processed, ignored, or already seen), 500 (processing failed: RevenueCat retries, and the
 * ledger keys make the retry safe). Refusals (401/400) write nothing; they are logged.
 *
 * Event handling (see RevenueCat's "Event Types and Fields"):
 * - INITIAL_PURCHASE, NON_RENEWING_PURCHASE: credit the package of product_id (coins + bonusCoins).
 * - RENEWAL: also credited. Each renewal is a new store transaction, so a package whose storeProductId
 *   is an auto-renewing subscription works as a coin subscription; consumables never renew.
 * - CANCELLATION with cancel_reason CUSTOMER_SUPPORT: the store refunded the transaction: the coins it
 *   granted are clawed back, once, never more than granted, even into a negative balance. Other
 *   cancellation reasons (unsubscribe, billing error...) do not refund a delivered period: ignored.
 * - TEST, SANDBOX purchases (unless REVENUECAT_ACCEPT_SANDBOX), anonymous app user ids, unknown
 *   products and every other type: recorded as ignored and acknowledged.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Response } from "express";
import { onRequest, type Request } from "firebase-functions/v2/https";
import { REGION } from "../kernel/config.js";
import { log } from "../kernel/logger.js";
import { REVENUECAT_ACCEPT_SANDBOX, REVENUECAT_WEBHOOK_AUTH } from "./config.js";
import { type HandledEvent, IgnoredEvent, processDelivery } from "./deliveries.js";
import { clawBackPurchase, grantPurchase, readGrant } from "./grants.js";
import { findPackageByStoreProductId } from "./packages.js";
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

async function grantStorePurchase(event: MoneyEvent): Promise<HandledEvent> {
  const uid = event.app_user_id;
  if (uid.startsWith("$RCAnonymousID:")) {
    // The app must call Purchases.logIn(firebaseUid) before selling coins; nobody to credit here.
    log.error("RevenueCat purchase by an anonymous app user id", { eventId: event.id, appUserId: uid });
    throw new IgnoredEvent("anonymous-app-user", { appUserId: uid });
  }
  const pkg = await findPackageByStoreProductId(event.product_id);
  if (!pkg) {
    log.error("RevenueCat purchase of a product with no recharge package", { eventId: event.id, productId: event.product_id });
    throw new IgnoredEvent("unknown-product", { productId: event.product_id });
  }
  const coins = packageCoins(pkg);
  const outcome = await grantPurchase(
    PROVIDER,
    event.transaction_id,
    // The purchase's identity (not the coin amount, which an admin may edit between two deliveries).
    { uid, productId: event.product_id, transactionId: event.transaction_id },
    {
      decide: async () => ({
        uid,
        packageId: pkg.id,
        coins,
        meta: { eventId: event.id, eventType: event.type, productId: event.product_id, store: event.store ?? null, price: event.price ?? null, currency: event.currency ?? null },
      }),
    },
  );
  const review = await checkPurchaseVelocity(uid);
  return {
    status: "processed",
    details: { action: "grant", ...outcome.result, ledgerTransactionId: outcome.transactionId, replayed: outcome.replayed, review: review?.reason ?? null },
  };
}

async function clawBackStoreRefund(event: MoneyEvent): Promise<HandledEvent> {
  const purchaseKey = event.transaction_id;
  // Keyed by the refunded transaction: a store refunds a transaction at most once.
  const outcome = await clawBackPurchase(PROVIDER, purchaseKey, purchaseKey, {
    decide: async (context) => {
      const grant = await readGrant(context, PROVIDER, purchaseKey);
      if (!grant) throw new IgnoredEvent("purchase-not-granted", { transactionId: purchaseKey });
      // From the grant itself: the buyer credited then, and exactly what was credited.
      return { uid: grant.uid, coins: grant.coins, meta: { eventId: event.id, cancelReason: event.cancel_reason ?? null, packageId: grant.packageId } };
    },
  });
  const review = await checkRefundRatio(outcome.result.uid);
  return {
    status: "processed",
    details: { action: "clawback", ...outcome.result, ledgerTransactionId: outcome.transactionId, replayed: outcome.replayed, review: review?.reason ?? null },
  };
}

export async function handleRevenueCatEvent(event: RevenueCatEvent): Promise<HandledEvent> {
  if (event.type === "TEST") throw new IgnoredEvent("test-event");
  const isGrant = GRANTING_TYPES.has(event.type);
  const isRefund = event.type === "CANCELLATION" && event.cancel_reason === REFUND_REASON;
  if (!isGrant && !isRefund) throw new IgnoredEvent(event.type === "CANCELLATION" ? "cancellation-without-refund" : "unhandled-type");
  // Sandbox purchases are free; their refunds are irrelevant too (nothing was granted for them).
  if (event.environment === "SANDBOX" && !REVENUECAT_ACCEPT_SANDBOX.value()) throw new IgnoredEvent("sandbox");
  // The schema requires these three fields for money events.
  const money = event as MoneyEvent;
  return isGrant ? grantStorePurchase(money) : clawBackStoreRefund(money);
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

export const revenuecatWebhook = onRequest({ region: REGION, secrets: [REVENUECAT_WEBHOOK_AUTH] }, handleRevenueCatWebhook);
