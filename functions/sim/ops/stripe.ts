/**
 * Web purchases through Stripe Checkout. createCheckoutSession needs Stripe's API (offline here), so a
 * session is either stored as that callable stores it (checkoutSessions/{id}, Admin SDK) or carries only
 * the metadata the callable puts on it (the webhook's fallback). Then Stripe's signed events:
 * checkout.session.completed (sometimes also async_payment_succeeded), charge.refunded (cumulative
 * amounts, full or partial) and charge.dispute.created, each delivered 1–5 times; some refunds arrive
 * before the completion (the webhook answers 5xx until the grant exists; Stripe retries).
 */
import { stripeEvent } from "../../test/support/stripe-events.js";
import type { SimContext } from "../context.js";
import type { PurchaseRecord } from "../purchases.js";
import type { Rng } from "../random.js";
import type { SimPackage } from "../world.js";
import { deliveryPlan, pickPackage } from "./revenuecat.js";

function stripeEventOf(rng: Rng, type: string, object: Record<string, unknown>) {
  return stripeEvent(type, object, rng.id("evt").replaceAll("-", "_"));
}

const packageOf = (ctx: SimContext, record: PurchaseRecord) => ctx.world.packages.find((p) => p.coins + p.bonusCoins === record.coins) as SimPackage;

function metadataOf(ctx: SimContext, record: PurchaseRecord): Record<string, string> {
  return { uid: record.uid, packageId: packageOf(ctx, record).id, coins: String(record.coins) };
}

async function newSession(ctx: SimContext, rng: Rng, uid: string, pkg: SimPackage): Promise<PurchaseRecord> {
  const record = ctx.book.add({
    provider: "stripe",
    key: rng.id("cs_sim").replaceAll("-", "_"),
    uid,
    grantable: true,
    coins: pkg.coins + pkg.bonusCoins,
    amountCents: pkg.priceCents,
    paymentIntentId: rng.id("pi_sim").replaceAll("-", "_"),
  });
  if (rng.chance(0.75)) {
    const { FieldValue } = await import("firebase-admin/firestore");
    const now = FieldValue.serverTimestamp();
    await ctx.firestore.doc(`checkoutSessions/${record.key}`).create({
      uid,
      packageId: pkg.id,
      coins: record.coins,
      amount: pkg.priceCents,
      currency: "USD",
      status: "open",
      requestId: rng.id("checkout"),
      livemode: false,
      createdAt: now,
      updatedAt: now,
    });
  }
  return record;
}

function completedSession(ctx: SimContext, rng: Rng, record: PurchaseRecord, type = "checkout.session.completed") {
  return stripeEventOf(rng, type, {
    id: record.key,
    object: "checkout.session",
    mode: "payment",
    status: "complete",
    payment_status: "paid",
    amount_total: record.amountCents,
    currency: "usd",
    client_reference_id: record.uid,
    metadata: metadataOf(ctx, record),
    payment_intent: record.paymentIntentId,
  });
}

export async function deliverCheckout(ctx: SimContext, rng: Rng, record: PurchaseRecord, plan = deliveryPlan(rng)): Promise<void> {
  const delivery = ctx.webhooks.stripe(completedSession(ctx, rng, record), plan);
  ctx.tally.stats("stripe checkout.session.completed");
  const settled = [delivery.settled];
  // The same payment under another event id (async payment methods): credited once.
  if (rng.chance(0.1))
    settled.push(ctx.webhooks.stripe(completedSession(ctx, rng, record, "checkout.session.async_payment_succeeded"), deliveryPlan(rng)).settled);
  ctx.background.track(
    Promise.all(settled).then((fates) => {
      const delivered = fates.some((f) => f.delivered);
      record.delivered = delivered ? "yes" : "no";
      if (delivered && ctx.world.refunders.has(record.uid) && !record.reversalSent) ctx.refundable.push(record);
    }),
  );
  await delivery.immediate;
}

export async function checkoutPurchase(ctx: SimContext, rng: Rng): Promise<void> {
  const reseller = rng.chance(0.1);
  const buyer = reseller ? rng.pick(ctx.world.resellers) : rng.pick(ctx.world.fans);
  // Resellers buy in bulk.
  const pkg = reseller ? (ctx.world.packages[3] as SimPackage) : pickPackage(ctx, rng);
  await deliverCheckout(ctx, rng, await newSession(ctx, rng, buyer.uid, pkg));
}

/** Funds an account at setup: one paid session, delivered once. */
export async function fundThroughCheckout(ctx: SimContext, rng: Rng, uid: string, pkg: SimPackage): Promise<void> {
  await deliverCheckout(ctx, rng, await newSession(ctx, rng, uid, pkg), { copies: 1, concurrent: false, late: 0 });
}

function refundEvent(ctx: SimContext, rng: Rng, record: PurchaseRecord, cumulativeCents: number) {
  return stripeEventOf(rng, "charge.refunded", {
    id: `ch_${record.paymentIntentId}`,
    object: "charge",
    amount: record.amountCents,
    amount_refunded: cumulativeCents,
    currency: "usd",
    payment_intent: record.paymentIntentId,
    // The metadata set at checkout is copied to the payment: it marks the charge as ours.
    metadata: metadataOf(ctx, record),
    refunded: cumulativeCents === record.amountCents,
    refunds: { object: "list", data: [{ id: rng.id("re").replaceAll("-", "_"), object: "refund" }] },
  });
}

function sendRefund(ctx: SimContext, rng: Rng, record: PurchaseRecord, cumulativeCents: number, plan = deliveryPlan(rng)) {
  record.reversalSent = true;
  const delivery = ctx.webhooks.stripe(refundEvent(ctx, rng, record, cumulativeCents), plan);
  ctx.background.track(
    delivery.settled.then(({ delivered }) => {
      if (delivered) record.refundedCents = Math.max(record.refundedCents, cumulativeCents);
    }),
  );
  return delivery;
}

/** A refund of a granted payment: in full, or partially and perhaps the rest later (amounts are cumulative). */
export async function checkoutRefund(ctx: SimContext, rng: Rng): Promise<void> {
  const index = ctx.refundable.findIndex((r) => r.provider === "stripe");
  if (index < 0) return checkoutPurchase(ctx, rng);
  const [record] = ctx.refundable.splice(index, 1) as [PurchaseRecord];
  if (rng.chance(0.6)) {
    await sendRefund(ctx, rng, record, record.amountCents).immediate;
    return;
  }
  const partial = Math.floor((record.amountCents * rng.int(20, 70)) / 100);
  await sendRefund(ctx, rng, record, partial).immediate;
  if (rng.chance(0.5)) await sendRefund(ctx, rng, record, record.amountCents).immediate;
}

/** A chargeback of a granted payment, for its full amount. */
export async function checkoutDispute(ctx: SimContext, rng: Rng): Promise<void> {
  const index = ctx.refundable.findIndex((r) => r.provider === "stripe");
  if (index < 0) return checkoutPurchase(ctx, rng);
  const [record] = ctx.refundable.splice(index, 1) as [PurchaseRecord];
  record.reversalSent = true;
  const event = stripeEventOf(rng, "charge.dispute.created", {
    id: rng.id("dp").replaceAll("-", "_"),
    object: "dispute",
    amount: record.amountCents,
    currency: "usd",
    charge: `ch_${record.paymentIntentId}`,
    payment_intent: record.paymentIntentId,
    metadata: metadataOf(ctx, record),
  });
  const delivery = ctx.webhooks.stripe(event, deliveryPlan(rng));
  ctx.background.track(
    delivery.settled.then(({ delivered }) => {
      if (delivered) record.disputed = true;
    }),
  );
  await delivery.immediate;
}

/** The refund's event reaches the backend before the completion of the session it refunds. */
export async function checkoutRefundBeforePurchase(ctx: SimContext, rng: Rng): Promise<void> {
  const refunders = ctx.world.fans.filter((f) => ctx.world.refunders.has(f.uid));
  if (!refunders.length) return checkoutPurchase(ctx, rng);
  const record = await newSession(ctx, rng, rng.pick(refunders).uid, pickPackage(ctx, rng));
  record.reversedEarly = true;
  const refund = sendRefund(ctx, rng, record, record.amountCents, { copies: 1, concurrent: false, late: 0 });
  const first = await refund.first;
  const outcome = typeof first.body === "object" && first.body ? String((first.body as { status?: unknown }).status) : "";
  ctx.tally.note(`early Stripe refund, first answer: HTTP ${first.status} ${outcome}`.trim());
  await deliverCheckout(ctx, rng, record);
}

/** A forged event (wrong signing secret) is refused (400) and changes nothing. */
export async function checkoutWithBadSignature(ctx: SimContext, rng: Rng): Promise<void> {
  const pkg = pickPackage(ctx, rng);
  const key = rng.id("cs_forged").replaceAll("-", "_");
  const uid = rng.pick(ctx.world.fans).uid;
  const event = stripeEventOf(rng, "checkout.session.completed", {
    id: key,
    object: "checkout.session",
    mode: "payment",
    payment_status: "paid",
    amount_total: pkg.priceCents,
    currency: "usd",
    client_reference_id: uid,
    metadata: { uid, packageId: pkg.id, coins: String(pkg.coins + pkg.bonusCoins) },
    payment_intent: rng.id("pi_forged").replaceAll("-", "_"),
  });
  ctx.tally.refusedKeys.push({ kind: "stripe (bad signature)", owner: "stripe", key, code: "http-400" });
  await ctx.webhooks.stripe(
    event,
    { copies: 1, concurrent: false, late: 0 },
    { secret: "whsec_forged", kind: "stripe checkout.session.completed (bad signature)" },
  ).immediate;
}
