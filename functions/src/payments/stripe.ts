/**
 * Stripe web payments: a Checkout Session per recharge (createCheckoutSession in callables.ts) and the
 * webhook that credits and claws back coins (stripeWebhook in webhooks.ts).
 *
 * - createCheckoutSession: the amount is the package's server-side price, never the client's; the
 *   session is created once per (uid, requestId) at Stripe (idempotency key) and here (idempotency
 *   record + checkoutSessions/{sessionId}).
 * - Webhook: the signature is verified on the raw body (stripe.webhooks.constructEvent). Answers: 400
 *   for a missing/invalid signature or an unusable event id (Stripe's documented answer; nothing is
 *   written), 200 once recorded (processed, ignored, duplicate), 500 when processing failed (Stripe
 *   retries for up to three days; the ledger keys make retries safe).
 * - checkout.session.completed / async_payment_succeeded with payment_status "paid": credit, keyed by
 *   the session id, the account that created the session, if it may still be credited (not banned,
 *   disabled or deleted since: recipients.ts); otherwise nothing is credited, the purchase is recorded
 *   in unmatchedPurchases with a review entry and the session marked "unmatched", and the delivery is
 *   acknowledged. So is a signed event that can never be processed (an object of the wrong shape, a
 *   session naming another buyer than the one stored): a 500 is kept for failures a retry can fix.
 * - charge.refunded / charge.dispute.created: claw back coins in proportion to the
 *   amount refunded or disputed (rounded up), keyed by the refund/dispute id, and never more than the
 *   session granted in total (tracked on checkoutSessions/{id} inside the same transaction).
 */
import type { Response } from "express";
import type { FieldValue, Transaction } from "firebase-admin/firestore";
import type { Request } from "firebase-functions/v2/https";
import type Stripe from "stripe";
import type * as z from "zod";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { runIdempotent } from "../kernel/idempotency.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";
import { ledgerTransactionId } from "../wallet/ledger.js";
import { STRIPE_CANCEL_URL, STRIPE_SUCCESS_URL, STRIPE_WEBHOOK_SECRET } from "./config.js";
import { type HandledEvent, IgnoredEvent, processDelivery } from "./deliveries.js";
import { clawBackPurchase, grantPurchase } from "./grants.js";
import { loadPurchasablePackage } from "./packages.js";
import { grantRefusal } from "./recipients.js";
import { UnmatchedPurchase, unmatchedPurchaseRef } from "./records.js";
import {
  CheckoutMetadataSchema,
  type CreateCheckoutSessionRequest,
  type CreateCheckoutSessionResponse,
  packageCoins,
  StoredCheckoutSessionSchema,
  StripeChargeSchema,
  StripeCheckoutSessionSchema,
  StripeDisputeSchema,
  StripeEventIdSchema,
} from "./schema.js";
import { stripeClient, stripeWebhooks } from "./stripe-client.js";
import { checkPurchaseVelocity, checkRefundRatio } from "./velocity.js";

const PROVIDER = "stripe";

function checkoutSessionRef(sessionId: string) {
  return db().collection(Collections.checkoutSessions).doc(sessionId);
}

// ---------------------------------------------------------------------------------------------------
// Checkout

/** Stripe SDK errors as callable errors: transient ones are retryable, a reused key is the caller's mistake. */
function stripeFailure(err: unknown): never {
  const type = (err as { type?: unknown })?.type;
  if (type === "StripeIdempotencyError") {
    fail("failed-precondition", "This request id was already used for a different request.");
  }
  if (type === "StripeConnectionError" || type === "StripeAPIError" || type === "StripeRateLimitError") {
    log.warn("Stripe unavailable", { type, error: String(err) });
    fail("unavailable", "The payment service is unavailable, please retry.");
  }
  throw err;
}

export async function createCheckoutSessionFor(caller: Caller, request: CreateCheckoutSessionRequest): Promise<CreateCheckoutSessionResponse> {
  const pkg = await loadPurchasablePackage(request.packageId);
  const amount = pkg.prices[request.currency];
  if (!amount) fail("failed-precondition", `This package is not sold in ${request.currency}.`, { packageId: pkg.id, currency: request.currency });
  const coins = packageCoins(pkg);
  const metadata = { uid: caller.uid, packageId: pkg.id, coins: String(coins) };

  let session: Stripe.Checkout.Session;
  try {
    session = await stripeClient().checkout.sessions.create(
      {
        mode: "payment",
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: request.currency.toLowerCase(),
              unit_amount: amount,
              product_data: { name: `${coins} coins`, metadata: { packageId: pkg.id } },
            },
          },
        ],
        client_reference_id: caller.uid,
        metadata,
        // Copied to the PaymentIntent so refunds and disputes of this payment are recognisable as ours.
        payment_intent_data: { metadata },
        success_url: STRIPE_SUCCESS_URL.value(),
        cancel_url: STRIPE_CANCEL_URL.value(),
      },
      // Stripe's keys are account-wide: scoped by uid so two users' request ids never collide.
      { idempotencyKey: `checkout:${caller.uid}:${request.requestId}` },
    );
  } catch (err) {
    stripeFailure(err);
  }
  if (!session.url) throw new Error(`Stripe returned Checkout Session ${session.id} without a url`);
  const url = session.url;

  const { FieldValue } = firestoreValues();
  const { result } = await runIdempotent(
    { scope: "payments.createCheckoutSession", key: request.requestId, owner: caller.uid, payload: request },
    async (tx) => {
      const ref = checkoutSessionRef(session.id);
      // Already there if a previous attempt stored it and then failed: never reset a paid session.
      if (!(await tx.get(ref)).exists) {
        const now = FieldValue.serverTimestamp();
        tx.create(ref, {
          uid: caller.uid,
          packageId: pkg.id,
          coins,
          amount,
          currency: request.currency,
          status: "open",
          requestId: request.requestId,
          livemode: session.livemode ?? false,
          createdAt: now,
          updatedAt: now,
        });
      }
      return { sessionId: session.id, url, packageId: pkg.id, coins, amount, currency: request.currency };
    },
  );
  log.info("checkout session created", { uid: caller.uid, sessionId: result.sessionId, packageId: pkg.id, amount });
  return result;
}

// ---------------------------------------------------------------------------------------------------
// Webhook: credits

/** A signed event's object of an unexpected shape: no redelivery changes it, so it is acknowledged as ignored. */
function parseObject<S extends z.ZodType>(schema: S, object: unknown): z.output<S> {
  const parsed = schema.safeParse(object);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  log.error("Stripe event object of an unexpected shape", { issues });
  throw new IgnoredEvent("malformed-object", { issues });
}

/**
 * The fields a Checkout Session record is created with, from the event, when storing it at creation
 * failed (the grant and the unmatched record both write them, so refunds and disputes find the buyer).
 */
function sessionRecordFromEvent(
  session: { amount_total?: number | null; currency?: string | null },
  buyer: { uid: string; packageId: string; coins: number },
  now: FieldValue,
) {
  return {
    uid: buyer.uid,
    packageId: buyer.packageId,
    coins: buyer.coins,
    amount: session.amount_total ?? 0,
    currency: (session.currency ?? "").toUpperCase(),
    createdAt: now,
  };
}

async function creditCheckoutSession(object: unknown, eventId: string): Promise<HandledEvent> {
  const session = parseObject(StripeCheckoutSessionSchema, object);
  if (session.mode !== "payment") throw new IgnoredEvent("not-a-payment-session", { sessionId: session.id, mode: session.mode });
  // Delayed methods (bank debits) complete "unpaid" and send async_payment_succeeded later.
  if (session.payment_status !== "paid") throw new IgnoredEvent("awaiting-payment", { sessionId: session.id, paymentStatus: session.payment_status });
  const ref = checkoutSessionRef(session.id);
  const { FieldValue } = firestoreValues();

  // Set by the decision, for the unmatched record when the buyer may not be credited.
  let buyer: { uid: string; packageId: string; coins: number } | undefined;
  let storedSession = false;
  const outcome = await grantPurchase(
    PROVIDER,
    session.id,
    { sessionId: session.id },
    {
      decide: async (context) => {
        const snapshot = await context.get(ref);
        const stored = snapshot.exists ? StoredCheckoutSessionSchema.parse(snapshot.data()) : null;
        storedSession = stored !== null;
        let found: { uid: string; packageId: string; coins: number };
        if (stored) {
          found = { uid: stored.uid, packageId: stored.packageId, coins: stored.coins };
        } else {
          // The session was created (Stripe answered) but storing it failed: its metadata is ours too
          // (set server-side, delivered under Stripe's signature), so the buyer is still credited.
          const metadata = CheckoutMetadataSchema.safeParse(session.metadata ?? {});
          if (!metadata.success) throw new IgnoredEvent("unknown-session", { sessionId: session.id });
          log.warn("crediting a Checkout Session from its metadata: no stored record", { sessionId: session.id });
          found = metadata.data;
        }
        buyer = found;
        if (session.client_reference_id && session.client_reference_id !== found.uid) {
          log.error("Checkout Session whose client_reference_id is not the stored buyer", {
            sessionId: session.id,
            clientReferenceId: session.client_reference_id,
          });
          throw new UnmatchedPurchase("buyer-mismatch", { clientReferenceId: session.client_reference_id });
        }
        // The buyer was the caller when the session was created; they may have been banned or deleted since.
        const refusal = await grantRefusal(found.uid, (r) => context.get(r));
        if (refusal) throw new UnmatchedPurchase(refusal);
        const now = FieldValue.serverTimestamp();
        const writes = (tx: Transaction) =>
          tx.set(
            ref,
            {
              ...(stored ? {} : sessionRecordFromEvent(session, found, now)),
              status: "paid",
              grantedCoins: found.coins,
              clawedBackCoins: stored?.clawedBackCoins ?? 0,
              paymentIntentId: session.payment_intent,
              amountPaid: session.amount_total ?? null,
              ledgerTransactionId: ledgerTransactionId("purchase", PROVIDER, session.id),
              paidAt: now,
              updatedAt: now,
            },
            { merge: true },
          );
        return {
          ...found,
          meta: { sessionId: session.id, paymentIntentId: session.payment_intent, amountPaid: session.amount_total ?? null },
          writes,
        };
      },
      unmatched: (refusal) => ({
        record: {
          namedRecipient: buyer?.uid ?? null,
          eventId,
          event: {
            sessionId: session.id,
            paymentIntentId: session.payment_intent,
            amountTotal: session.amount_total ?? null,
            currency: session.currency ?? null,
            clientReferenceId: session.client_reference_id ?? null,
            packageId: buyer?.packageId ?? null,
            coins: buyer?.coins ?? null,
          },
        },
        // The payment intent is recorded so that the payment's refunds and disputes find the session.
        writes: (tx) => {
          const now = FieldValue.serverTimestamp();
          tx.set(
            ref,
            {
              ...(storedSession || !buyer ? {} : sessionRecordFromEvent(session, buyer, now)),
              status: "unmatched",
              unmatchedCause: refusal.refusal,
              paymentIntentId: session.payment_intent,
              amountPaid: session.amount_total ?? null,
              updatedAt: now,
            },
            { merge: true },
          );
        },
      }),
    },
  );
  const review = await checkPurchaseVelocity(outcome.result.uid);
  return {
    status: "processed",
    details: {
      action: "grant",
      ...outcome.result,
      ledgerTransactionId: outcome.transactionId,
      replayed: outcome.replayed,
      review: review?.reason ?? null,
    },
  };
}

async function markSessionExpired(object: unknown): Promise<HandledEvent> {
  const session = parseObject(StripeCheckoutSessionSchema, object);
  const { FieldValue } = firestoreValues();
  const changed = await runTransaction(async (tx) => {
    const snapshot = await tx.get(checkoutSessionRef(session.id));
    if (!snapshot.exists || snapshot.get("status") !== "open") return false;
    tx.update(snapshot.ref, { status: "expired", updatedAt: FieldValue.serverTimestamp() });
    return true;
  });
  if (!changed) throw new IgnoredEvent("session-not-open", { sessionId: session.id });
  return { status: "processed", details: { action: "expire", sessionId: session.id } };
}

// ---------------------------------------------------------------------------------------------------
// Webhook: clawbacks

interface Reversal {
  kind: "refund" | "dispute";
  /** The ledger key: the refund or dispute id. */
  key: string;
  paymentIntentId: string | null;
  /** Refunds: the charge's cumulative amount refunded. Disputes: the disputed amount. Minor units. */
  cents: number;
  /** Our metadata reached the charge (the payment is ours even if its grant is not recorded yet). */
  ours: boolean;
}

/** What a payment's session has granted and taken back so far. */
export interface SessionClawbackState {
  grantedCoins: number;
  /** By refunds and disputes together. */
  clawedBackCoins: number;
  /** The part of clawedBackCoins due to refunds. */
  refundClawedBackCoins: number;
  /** What the payment charged, minor units. */
  paidCents: number;
}

/**
 * The coins a reversal takes back: its share of the payment, rounded up, of the coins granted; for a
 * refund, less what earlier refunds of the charge took (refund amounts are cumulative per charge); never
 * more than is left. With the session's totals and status afterwards.
 */
export function planClawback(reversal: Pick<Reversal, "kind" | "cents">, session: SessionClawbackState) {
  const granted = session.grantedCoins;
  const proportional = Math.min(granted, Math.ceil((granted * reversal.cents) / session.paidCents));
  const wanted = reversal.kind === "refund" ? proportional - session.refundClawedBackCoins : proportional;
  const coins = Math.min(wanted, granted - session.clawedBackCoins);
  const total = session.clawedBackCoins + coins;
  const status: "disputed" | "refunded" | "partially_refunded" =
    reversal.kind === "dispute" ? "disputed" : total >= granted ? "refunded" : "partially_refunded";
  return { coins, total, status };
}

async function clawBackPayment(reversal: Reversal): Promise<HandledEvent> {
  if (!reversal.paymentIntentId) {
    log.error("Stripe reversal without a payment intent", { ...reversal });
    throw new IgnoredEvent("no-payment-intent", { key: reversal.key });
  }
  const found = await db().collection(Collections.checkoutSessions).where("paymentIntentId", "==", reversal.paymentIntentId).limit(1).get();
  const sessionDoc = found.docs[0];
  if (!sessionDoc) {
    // Ours but not yet credited (the completion event is late): fail so Stripe retries after the grant.
    if (reversal.ours) throw new Error(`reversal ${reversal.key} for payment ${reversal.paymentIntentId} arrived before its grant`);
    throw new IgnoredEvent("unknown-payment", { paymentIntentId: reversal.paymentIntentId });
  }
  const ref = sessionDoc.ref;
  const { FieldValue } = firestoreValues();
  if (sessionDoc.get("status") === "unmatched") {
    // Nothing was credited: nothing to take back, but the operator resolving it must know.
    await unmatchedPurchaseRef(PROVIDER, sessionDoc.id).update({ refunded: true, refundKey: reversal.key, refundedAt: FieldValue.serverTimestamp() });
    throw new IgnoredEvent("purchase-unmatched", { sessionId: sessionDoc.id, key: reversal.key });
  }

  const outcome = await clawBackPurchase(PROVIDER, reversal.key, sessionDoc.id, {
    decide: async (context) => {
      const snapshot = await context.get(ref);
      const session = StoredCheckoutSessionSchema.parse(snapshot.data());
      const granted = session.grantedCoins ?? 0;
      if (!granted) throw new IgnoredEvent("purchase-not-granted", { sessionId: sessionDoc.id });
      const refundClawedBack = session.refundClawedBackCoins ?? 0;
      const { coins, total, status } = planClawback(reversal, {
        grantedCoins: granted,
        clawedBackCoins: session.clawedBackCoins ?? 0,
        refundClawedBackCoins: refundClawedBack,
        paidCents: (snapshot.get("amountPaid") as number | null) || session.amount,
      });
      const writes = (tx: Transaction) =>
        tx.update(ref, {
          clawedBackCoins: total,
          ...(reversal.kind === "refund" ? { refundClawedBackCoins: refundClawedBack + coins } : { disputedCoins: FieldValue.increment(coins) }),
          status,
          updatedAt: FieldValue.serverTimestamp(),
        });
      return {
        uid: session.uid,
        coins,
        meta: { kind: reversal.kind, sessionId: sessionDoc.id, paymentIntentId: reversal.paymentIntentId, cents: reversal.cents },
        writes,
      };
    },
  });
  const review = await checkRefundRatio(outcome.result.uid);
  return {
    status: "processed",
    details: {
      action: reversal.kind,
      ...outcome.result,
      ledgerTransactionId: outcome.transactionId,
      replayed: outcome.replayed,
      review: review?.reason ?? null,
    },
  };
}

function refundReversal(object: unknown): Reversal {
  const charge = parseObject(StripeChargeSchema, object);
  // The newest refund's id when the list is included; otherwise the cumulative state identifies it.
  const key = charge.refunds?.data[0]?.id ?? `${charge.id}:refunded:${charge.amount_refunded}`;
  return { kind: "refund", key, paymentIntentId: charge.payment_intent, cents: charge.amount_refunded, ours: Boolean(charge.metadata?.packageId) };
}

function disputeReversal(object: unknown): Reversal {
  const dispute = parseObject(StripeDisputeSchema, object);
  return {
    kind: "dispute",
    key: dispute.id,
    paymentIntentId: dispute.payment_intent,
    cents: dispute.amount,
    ours: Boolean(dispute.metadata?.packageId),
  };
}

export async function handleStripeEvent(event: Pick<Stripe.Event, "id" | "type"> & { data: { object: unknown } }): Promise<HandledEvent> {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      return creditCheckoutSession(event.data.object, event.id);
    case "checkout.session.expired":
      return markSessionExpired(event.data.object);
    case "charge.refunded":
      return clawBackPayment(refundReversal(event.data.object));
    case "charge.dispute.created":
      return clawBackPayment(disputeReversal(event.data.object));
    default:
      throw new IgnoredEvent("unhandled-type");
  }
}

/** The request handler (exported for tests). Needs the raw body exactly as received: req.rawBody. */
export async function handleStripeWebhook(req: Request, res: Response): Promise<void> {
  if (req.method !== "POST") {
    res.status(405).set("Allow", "POST").json({ error: "method not allowed" });
    return;
  }
  const secret = STRIPE_WEBHOOK_SECRET.value();
  if (!secret) {
    // A deployment mistake, not the sender's: 500 keeps Stripe retrying until it is fixed.
    log.error("STRIPE_WEBHOOK_SECRET is not set: cannot verify Stripe deliveries");
    res.status(500).json({ error: "not configured" });
    return;
  }
  const signature = req.get("stripe-signature");
  let event: Stripe.Event;
  try {
    if (!signature || !req.rawBody?.length) throw new Error("missing signature or body");
    event = stripeWebhooks().constructEvent(req.rawBody, signature, secret);
  } catch (err) {
    log.warn("Stripe webhook refused: signature verification failed", { ip: req.ip, error: String(err) });
    res.status(400).json({ error: "invalid signature" });
    return;
  }
  if (!StripeEventIdSchema.safeParse(event.id).success || typeof event.type !== "string") {
    log.error("Stripe webhook refused: unusable event id", { eventId: String(event.id).slice(0, 100) });
    res.status(400).json({ error: "invalid event" });
    return;
  }
  try {
    const outcome = await processDelivery(PROVIDER, event.id, event.type, () => handleStripeEvent(event as Parameters<typeof handleStripeEvent>[0]));
    res.status(outcome.status === "failed" ? 500 : 200).json({ status: outcome.status, duplicate: outcome.duplicate });
  } catch (err) {
    log.error("Stripe webhook: could not record the delivery", { eventId: event.id, error: String(err) });
    res.status(500).json({ status: "failed" });
  }
}
