/**
 * App Store / Play purchases as RevenueCat reports them: INITIAL_PURCHASE (or NON_RENEWING_PURCHASE)
 * for a package's store product, delivered 1–5 times (some copies at once, some late), and
 * CANCELLATION with cancel_reason CUSTOMER_SUPPORT when the store refunds it — sometimes before the
 * purchase itself arrives.
 */
import type { DeliveryPlan } from "../client.js";
import type { SimContext } from "../context.js";
import type { PurchaseRecord } from "../purchases.js";
import type { Rng } from "../random.js";
import type { SimPackage } from "../world.js";

export function deliveryPlan(rng: Rng): DeliveryPlan {
  const copies = rng.weighted({ "1": 50, "2": 25, "3": 12, "4": 8, "5": 5 });
  const total = Number(copies);
  const late = total > 1 && rng.chance(0.4) ? rng.int(1, total - 1) : 0;
  return { copies: total - late, concurrent: rng.chance(0.5), late };
}

export function pickPackage(ctx: SimContext, rng: Rng): SimPackage {
  const [small, medium, large] = ctx.world.packages as [SimPackage, SimPackage, SimPackage];
  return rng.weighted({ small: 45, medium: 40, large: 15 }) === "small" ? small : rng.chance(0.75) ? medium : large;
}

function moneyEvent(rng: Rng, record: PurchaseRecord, pkg: SimPackage, type: string, extra: Record<string, unknown> = {}) {
  return {
    id: rng.id("rcevt"),
    type,
    app_user_id: record.uid,
    product_id: pkg.storeProductId,
    transaction_id: record.key,
    original_transaction_id: record.key,
    store: rng.chance(0.5) ? "APP_STORE" : "PLAY_STORE",
    environment: "PRODUCTION",
    price: pkg.priceCents / 100,
    currency: "USD",
    event_timestamp_ms: Date.now(),
    ...extra,
  };
}

const packageOf = (ctx: SimContext, record: PurchaseRecord) => ctx.world.packages.find((p) => p.coins + p.bonusCoins === record.coins) as SimPackage;

/** Sends the purchase; resolves once its immediate copies are answered (late copies keep going). */
export async function deliverStorePurchase(ctx: SimContext, rng: Rng, record: PurchaseRecord, plan = deliveryPlan(rng)): Promise<void> {
  const event = moneyEvent(rng, record, packageOf(ctx, record), rng.chance(0.8) ? "INITIAL_PURCHASE" : "NON_RENEWING_PURCHASE");
  const delivery = ctx.webhooks.revenueCat(event, plan);
  ctx.tally.stats(`revenuecat ${event.type}`); // keeps the kind listed even if every copy is late
  ctx.background.track(
    delivery.settled.then(({ delivered }) => {
      record.delivered = delivered ? "yes" : "no";
      if (delivered && record.grantable && ctx.world.refunders.has(record.uid) && !record.reversalSent) ctx.refundable.push(record);
    }),
  );
  await delivery.immediate;
}

function newRecord(ctx: SimContext, rng: Rng, uid: string, grantable: boolean, pkg: SimPackage): PurchaseRecord {
  return ctx.book.add({
    provider: "revenuecat",
    key: `${rng.chance(0.5) ? "GPA" : "2000000"}${rng.id("").slice(1).replaceAll("-", "")}`,
    uid,
    grantable,
    coins: pkg.coins + pkg.bonusCoins,
    amountCents: pkg.priceCents,
    paymentIntentId: null,
  });
}

export async function storePurchase(ctx: SimContext, rng: Rng): Promise<void> {
  const reseller = rng.chance(0.1);
  const buyer = reseller ? rng.pick(ctx.world.resellers) : rng.pick(ctx.world.fans);
  // Resellers buy in bulk.
  const pkg = reseller ? (ctx.world.packages[3] as SimPackage) : pickPackage(ctx, rng);
  await deliverStorePurchase(ctx, rng, newRecord(ctx, rng, buyer.uid, true, pkg));
}

/** Funds an account at setup: one purchase, delivered once. */
export async function fundThroughStore(ctx: SimContext, rng: Rng, uid: string, pkg: SimPackage): Promise<void> {
  await deliverStorePurchase(ctx, rng, newRecord(ctx, rng, uid, true, pkg), { copies: 1, concurrent: false, late: 0 });
}

export async function sendStoreRefund(ctx: SimContext, rng: Rng, record: PurchaseRecord, plan = deliveryPlan(rng)) {
  record.reversalSent = true;
  const event = moneyEvent(rng, record, packageOf(ctx, record), "CANCELLATION", { cancel_reason: "CUSTOMER_SUPPORT" });
  const delivery = ctx.webhooks.revenueCat(event, plan);
  ctx.background.track(
    delivery.settled.then(({ delivered }) => {
      if (delivered) record.refunded = true;
    }),
  );
  return delivery;
}

/** The store refunds a purchase the buyer already received. */
export async function storeRefund(ctx: SimContext, rng: Rng): Promise<void> {
  const index = ctx.refundable.findIndex((r) => r.provider === "revenuecat");
  if (index < 0) return storePurchase(ctx, rng);
  const [record] = ctx.refundable.splice(index, 1) as [PurchaseRecord];
  await (await sendStoreRefund(ctx, rng, record)).immediate;
}

/** The refund reaches the backend before the purchase it refunds (RevenueCat does not order events). */
export async function storeRefundBeforePurchase(ctx: SimContext, rng: Rng): Promise<void> {
  const refunders = ctx.world.fans.filter((f) => ctx.world.refunders.has(f.uid));
  if (!refunders.length) return storePurchase(ctx, rng);
  const buyer = rng.pick(refunders);
  const record = newRecord(ctx, rng, buyer.uid, true, pickPackage(ctx, rng));
  record.reversedEarly = true;
  const refund = await sendStoreRefund(ctx, rng, record, { copies: 1, concurrent: false, late: 0 });
  const first = await refund.first;
  const outcome = typeof first.body === "object" && first.body ? String((first.body as { status?: unknown }).status) : "";
  ctx.tally.note(`early store refund, first answer: HTTP ${first.status} ${outcome}`.trim());
  await deliverStorePurchase(ctx, rng, record);
}

/** A purchase naming an id that is not an ordinary user (an unknown uid, an agency wallet): nothing may be granted. */
export async function storePurchaseForNonUser(ctx: SimContext, rng: Rng): Promise<void> {
  const uid = rng.chance(0.5) ? rng.id("ghost").replaceAll("-", "") : `agency:${rng.pick(ctx.world.agencies)}`;
  const record = newRecord(ctx, rng, uid, false, pickPackage(ctx, rng));
  const event = moneyEvent(rng, record, packageOf(ctx, record), "INITIAL_PURCHASE");
  const delivery = ctx.webhooks.revenueCat(event, { copies: 1, concurrent: false, late: 0 }, { kind: "revenuecat INITIAL_PURCHASE (not a user)" });
  ctx.background.track(
    delivery.settled.then(({ delivered }) => {
      record.delivered = delivered ? "yes" : "no";
    }),
  );
  await delivery.immediate;
}

/** RevenueCat's Authorization header is the only proof of origin: a wrong one is refused (401) and changes nothing. */
export async function storePurchaseWithBadAuthorization(ctx: SimContext, rng: Rng): Promise<void> {
  const pkg = pickPackage(ctx, rng);
  const record: PurchaseRecord = {
    provider: "revenuecat",
    key: rng.id("forged").replaceAll("-", ""),
    uid: rng.pick(ctx.world.fans).uid,
    grantable: false,
    coins: pkg.coins + pkg.bonusCoins,
    amountCents: pkg.priceCents,
    paymentIntentId: null,
    delivered: "no",
    refunded: false,
    refundedCents: 0,
    disputed: false,
    reversedEarly: false,
    reversalSent: false,
  };
  const delivery = ctx.webhooks.revenueCat(
    moneyEvent(rng, record, pkg, "INITIAL_PURCHASE"),
    { copies: 1, concurrent: false, late: 0 },
    {
      authorization: "Bearer not-the-secret",
      kind: "revenuecat INITIAL_PURCHASE (wrong Authorization)",
    },
  );
  ctx.tally.refusedKeys.push({ kind: "revenuecat (bad authorization)", owner: "revenuecat", key: record.key, code: "http-401" });
  await delivery.immediate;
}
