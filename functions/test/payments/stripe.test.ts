import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import Stripe from "stripe";
import "../../src/composition.js";
import { runAccountDeletion } from "../../src/gdpr/deletion.js";
import { auth, db } from "../../src/kernel/app.js";
import { createCheckoutSession } from "../../src/payments/callables.js";
import { STRIPE_API_VERSION } from "../../src/payments/config.js";
import type { CreateCheckoutSessionResponse } from "../../src/payments/schema.js";
import { setStripeEndpointForTests } from "../../src/payments/stripe-client.js";
import { stripeWebhook } from "../../src/payments/webhooks.js";
import { SYSTEM_ACCOUNTS } from "../../src/wallet/accounts.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { stripeEvent } from "../support/stripe-events.js";
import type { TestUser } from "../support/users.js";
import {
  assertConservation,
  coinsOf,
  createBuyer,
  type FakeStripe,
  ledgerBalance,
  ledgerDocs,
  post,
  STRIPE_WEBHOOK_TEST_SECRET,
  seedPackages,
  setEconomy,
  spendCoins,
  startFakeStripe,
  startWebhookServer,
  usePaymentSecrets,
  type WebhookServer,
} from "./support.js";

describe("payments: Stripe Checkout and webhook", () => {
  useCleanStack();
  usePaymentSecrets();
  let fakeStripe: FakeStripe;
  let server: WebhookServer;
  let buyer: TestUser;

  before(async () => {
    fakeStripe = await startFakeStripe();
    setStripeEndpointForTests(fakeStripe.endpoint);
    server = await startWebhookServer({ stripe: stripeWebhook });
  });
  after(async () => {
    setStripeEndpointForTests(undefined);
    await fakeStripe.close();
    await server.close();
  });
  beforeEach(async () => {
    fakeStripe.requests.length = 0;
    await seedPackages();
    buyer = await createBuyer();
  });

  const checkout = (data: Record<string, unknown>, user: TestUser | null = buyer) =>
    callInProcess(createCheckoutSession, { user, data }) as Promise<CreateCheckoutSessionResponse>;

  // --- webhook helpers -------------------------------------------------------------------------

  type StripeEventBody = ReturnType<typeof stripeEvent>;

  const sign = (payload: string, options: { secret?: string; timestamp?: number } = {}) =>
    Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? STRIPE_WEBHOOK_TEST_SECRET, timestamp: options.timestamp });

  const deliver = (event: StripeEventBody) => {
    const payload = JSON.stringify(event);
    return post(`${server.url}/stripe`, payload, { "stripe-signature": sign(payload) });
  };

  const completed = (session: CreateCheckoutSessionResponse, paymentIntent: string, fields: Record<string, unknown> = {}) =>
    stripeEvent("checkout.session.completed", {
      ...(fakeStripe.sessions.get(session.sessionId) as Record<string, unknown>),
      status: "complete",
      payment_status: "paid",
      payment_intent: paymentIntent,
      ...fields,
    });

  const refunded = (paymentIntent: string, amount: number, amountRefunded: number, refundId?: string) =>
    stripeEvent("charge.refunded", {
      id: `ch_${paymentIntent}`,
      object: "charge",
      amount,
      amount_refunded: amountRefunded,
      currency: "usd",
      payment_intent: paymentIntent,
      metadata: {},
      refunded: amount === amountRefunded,
      ...(refundId ? { refunds: { object: "list", data: [{ id: refundId, object: "refund" }] } } : {}),
    });

  const disputed = (paymentIntent: string, amount: number, disputeId = `dp_${randomUUID().slice(0, 12)}`) =>
    stripeEvent("charge.dispute.created", {
      id: disputeId,
      object: "dispute",
      amount,
      currency: "usd",
      charge: `ch_${paymentIntent}`,
      payment_intent: paymentIntent,
      metadata: {},
    });

  /** A paid purchase of coins-300 (330 coins for 499 cents). */
  async function paidPurchase(): Promise<{ session: CreateCheckoutSessionResponse; paymentIntent: string }> {
    const session = await checkout({ packageId: "coins-300", requestId: randomUUID() });
    const paymentIntent = `pi_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
    assert.equal((await deliver(completed(session, paymentIntent))).status, 200);
    return { session, paymentIntent };
  }

  // --- createCheckoutSession -------------------------------------------------------------------

  it("creates a payment-mode Checkout Session priced from the package, and stores it", async () => {
    const requestId = randomUUID();
    const result = await checkout({ packageId: "coins-300", requestId });
    assert.equal(result.amount, 499);
    assert.equal(result.coins, 330);
    assert.equal(result.currency, "USD");
    assert.match(result.sessionId, /^cs_test_/);
    assert.equal(result.url, `https://checkout.stripe.test/c/pay/${result.sessionId}`);

    assert.equal(fakeStripe.requests.length, 1);
    const request = fakeStripe.requests[0];
    assert.equal(request?.path, "/v1/checkout/sessions");
    assert.equal(request?.authorization, "Bearer sk_test_payments_suite");
    assert.equal(request?.stripeVersion, STRIPE_API_VERSION);
    assert.equal(request?.idempotencyKey, `checkout:${buyer.uid}:${requestId}`);
    assert.equal(request?.form.mode, "payment");
    assert.equal(request?.form["line_items[0][price_data][unit_amount]"], "499");
    assert.equal(request?.form["line_items[0][price_data][currency]"], "usd");
    assert.equal(request?.form["line_items[0][quantity]"], "1");
    assert.equal(request?.form.client_reference_id, buyer.uid);
    assert.equal(request?.form["metadata[uid]"], buyer.uid);
    assert.equal(request?.form["metadata[packageId]"], "coins-300");
    assert.equal(request?.form["metadata[coins]"], "330");
    assert.equal(request?.form["payment_intent_data[metadata][uid]"], buyer.uid);
    assert.equal(request?.form.success_url, process.env.STRIPE_SUCCESS_URL);

    const stored = await docData(`checkoutSessions/${result.sessionId}`);
    assert.equal(stored?.uid, buyer.uid);
    assert.equal(stored?.packageId, "coins-300");
    assert.equal(stored?.coins, 330);
    assert.equal(stored?.amount, 499);
    assert.equal(stored?.currency, "USD");
    assert.equal(stored?.status, "open");
    assert.equal(await coinsOf(buyer.uid), 0, "nothing is credited before payment");
  });

  it("charges the package's price in the requested currency", async () => {
    const result = await checkout({ packageId: "coins-300", requestId: randomUUID(), currency: "EUR" });
    assert.equal(result.amount, 459);
    assert.equal(fakeStripe.requests[0]?.form["line_items[0][price_data][currency]"], "eur");
  });

  it("is idempotent per request id: 5 concurrent calls, one session", async () => {
    const data = { packageId: "coins-60", requestId: randomUUID() };
    const results = await Promise.all(Array.from({ length: 5 }, () => checkout(data)));
    for (const r of results) assert.deepEqual(r, results[0]);
    assert.ok(fakeStripe.sessions.has(results[0]?.sessionId ?? ""));
    assert.equal(fakeStripe.requests.length, 5);
    assert.equal(new Set(fakeStripe.requests.map((r) => r.idempotencyKey)).size, 1, "one Stripe idempotency key");
    assert.equal((await db().collection("checkoutSessions").get()).size, 1);
    // The same request id for another package is refused, not silently replayed.
    await expectHttpsError(checkout({ ...data, packageId: "coins-300" }), "failed-precondition");
    assert.equal((await db().collection("checkoutSessions").get()).size, 1);
  });

  it("refuses client-chosen amounts and malformed input with invalid-argument, before Stripe or Firestore", async () => {
    const before = await allPaths();
    const bad: unknown[] = [
      null,
      {},
      { packageId: "coins-300", requestId: randomUUID(), amount: 1 },
      { packageId: "coins-300", requestId: randomUUID(), coins: 100000 },
      { packageId: "coins-300", requestId: randomUUID(), unit_amount: 1 },
      { packageId: "coins-300" },
      { packageId: "coins-300", requestId: "short" },
      { packageId: "../config/economy", requestId: randomUUID() },
      { packageId: "", requestId: randomUUID() },
      { packageId: "coins-300", requestId: randomUUID(), currency: "usd" },
      { packageId: 300, requestId: randomUUID() },
    ];
    for (const data of bad) await expectHttpsError(checkout(data as Record<string, unknown>), "invalid-argument");
    assert.equal(fakeStripe.requests.length, 0);
    assert.deepEqual(await allPaths(), before);
  });

  it("refuses unknown, retired and unpriced packages, and anonymous callers", async () => {
    await expectHttpsError(checkout({ packageId: "coins-999999", requestId: randomUUID() }), "not-found");
    await expectHttpsError(checkout({ packageId: "coins-retired", requestId: randomUUID() }), "failed-precondition");
    await expectHttpsError(checkout({ packageId: "coins-60", requestId: randomUUID(), currency: "JPY" }), "failed-precondition");
    await expectHttpsError(checkout({ packageId: "coins-60", requestId: randomUUID() }, null), "unauthenticated");
    assert.equal(fakeStripe.requests.length, 0);
    assert.equal((await db().collection("checkoutSessions").get()).size, 0);
  });

  // --- webhook: credits ------------------------------------------------------------------------

  it("credits a paid session once, even when the event is delivered 5 times concurrently", async () => {
    const session = await checkout({ packageId: "coins-300", requestId: randomUUID() });
    const event = completed(session, "pi_concurrent");
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(event)));
    for (const a of answers) assert.equal(a.status, 200);
    assert.equal(await coinsOf(buyer.uid), 330);
    const purchases = await ledgerDocs("purchase");
    assert.equal(purchases.length, 1);
    assert.equal(purchases[0]?.owner, "stripe");
    assert.equal(purchases[0]?.key, session.sessionId);
    const stored = await docData(`checkoutSessions/${session.sessionId}`);
    assert.equal(stored?.status, "paid");
    assert.equal(stored?.grantedCoins, 330);
    assert.equal(stored?.paymentIntentId, "pi_concurrent");
    const record = await docData(`webhookEvents/stripe:${event.id}`);
    assert.equal(record?.status, "processed");
    assert.equal(record?.type, "checkout.session.completed");
    assert.equal(record?.deliveries, 5);
    // Stripe's other completion event for the same session credits nothing more.
    await deliver(stripeEvent("checkout.session.async_payment_succeeded", event.data.object));
    assert.equal(await coinsOf(buyer.uid), 330);
    await assertConservation([buyer.uid]);
  });

  it("credits the stored package, whatever the event's metadata claims", async () => {
    const session = await checkout({ packageId: "coins-60", requestId: randomUUID() });
    await deliver(completed(session, "pi_meta", { metadata: { uid: buyer.uid, packageId: "coins-300", coins: "999999" } }));
    assert.equal(await coinsOf(buyer.uid), 60);
  });

  it("acknowledges unpaid sessions, expirations and other event types without crediting", async () => {
    const session = await checkout({ packageId: "coins-300", requestId: randomUUID() });
    const unpaid = completed(session, "pi_unpaid", { payment_status: "unpaid" });
    const other = stripeEvent("customer.created", { id: "cus_1", object: "customer" });
    const expired = stripeEvent("checkout.session.expired", {
      ...(fakeStripe.sessions.get(session.sessionId) as Record<string, unknown>),
      status: "expired",
    });
    for (const event of [unpaid, other]) {
      const answer = await deliver(event);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.status, "ignored");
    }
    assert.equal((await deliver(expired)).body.status, "processed");
    assert.equal((await docData(`webhookEvents/stripe:${unpaid.id}`))?.reason, "awaiting-payment");
    assert.equal((await docData(`webhookEvents/stripe:${other.id}`))?.reason, "unhandled-type");
    assert.equal((await docData(`checkoutSessions/${session.sessionId}`))?.status, "expired");
    assert.equal((await ledgerDocs()).length, 0);
  });

  // --- webhook: clawbacks ----------------------------------------------------------------------

  it("claws back a full refund exactly once, into a negative balance after spending", async () => {
    await setEconomy({ maxRefundRatioBps: 10_000 });
    const { session, paymentIntent } = await paidPurchase();
    await spendCoins(buyer.uid, 300);
    const refund = refunded(paymentIntent, 499, 499, "re_full");
    const answers = await Promise.all([deliver(refund), deliver(refund), deliver(refunded(paymentIntent, 499, 499, "re_full"))]);
    for (const a of answers) assert.equal(a.status, 200);
    assert.equal(await coinsOf(buyer.uid), -300);
    const clawbacks = await ledgerDocs("purchase.clawback");
    assert.equal(clawbacks.length, 1);
    assert.equal(clawbacks[0]?.key, "re_full");
    assert.deepEqual(clawbacks[0]?.entries, [
      { account: `user:${buyer.uid}`, currency: "coins", amount: -330 },
      { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: 330 },
    ]);
    const stored = await docData(`checkoutSessions/${session.sessionId}`);
    assert.equal(stored?.status, "refunded");
    assert.equal(stored?.clawedBackCoins, 330);
    await expectHttpsError(spendCoins(buyer.uid, 1), "failed-precondition");
    await assertConservation([buyer.uid]);
  });

  it("claws back partial refunds and a dispute in proportion, never above the grant", async () => {
    await setEconomy({ maxRefundRatioBps: 10_000 });
    const { session, paymentIntent } = await paidPurchase();
    // 100 of 499 cents refunded: ceil(330 × 100 / 499) = 67 coins.
    await deliver(refunded(paymentIntent, 499, 100, "re_1"));
    assert.equal(await coinsOf(buyer.uid), 330 - 67);
    // A second refund brings the cumulative amount to 250: ceil(330 × 250 / 499) = 166 in total.
    await deliver(refunded(paymentIntent, 499, 250, "re_2"));
    assert.equal(await coinsOf(buyer.uid), 330 - 166);
    // An older snapshot arriving late under a new event id takes nothing more.
    const late = await deliver(refunded(paymentIntent, 499, 100));
    assert.equal(late.body.status, "ignored");
    // A dispute of the whole payment takes only what is left.
    await deliver(disputed(paymentIntent, 499));
    assert.equal(await coinsOf(buyer.uid), 0);
    // Further reversals find nothing left to take.
    await deliver(refunded(paymentIntent, 499, 499, "re_3"));
    await deliver(disputed(paymentIntent, 499));
    assert.equal(await coinsOf(buyer.uid), 0);
    const clawedBack = (await ledgerDocs("purchase.clawback")).reduce((sum, d) => sum + (d.result.coins as number), 0);
    assert.equal(clawedBack, 330);
    const stored = await docData(`checkoutSessions/${session.sessionId}`);
    assert.equal(stored?.clawedBackCoins, 330);
    assert.equal(stored?.status, "disputed");
    assert.equal(await ledgerBalance(SYSTEM_ACCOUNTS.mint), 0);
    await assertConservation([buyer.uid]);
  });

  it("freezes the buyer's wallet for review after a chargeback (refund ratio)", async () => {
    const { paymentIntent } = await paidPurchase();
    await deliver(disputed(paymentIntent, 499));
    const review = await docData(`reviewQueue/refund-ratio__${buyer.uid}`);
    assert.equal(review?.status, "open");
    assert.equal((await docData(`wallets/${buyer.uid}`))?.frozen, true);
  });

  it("ignores reversals of payments it does not know", async () => {
    const answer = await deliver(refunded("pi_elsewhere", 1000, 1000, "re_elsewhere"));
    assert.equal(answer.status, 200);
    assert.equal(answer.body.status, "ignored");
    assert.equal((await ledgerDocs()).length, 0);
  });

  // --- webhook: signatures ---------------------------------------------------------------------

  it("rejects missing, wrong, stale and tampered signatures with 400 and writes nothing", async () => {
    const session = await checkout({ packageId: "coins-300", requestId: randomUUID() });
    const before = await allPaths();
    const event = completed(session, "pi_forged");
    const payload = JSON.stringify(event);
    const tampered = JSON.stringify({ ...event, data: { object: { ...event.data.object, metadata: { coins: "999999" } } } });
    const attempts: [string, Record<string, string>][] = [
      [payload, {}],
      [payload, { "stripe-signature": "" }],
      [payload, { "stripe-signature": "t=1,v1=deadbeef" }],
      [payload, { "stripe-signature": sign(payload, { secret: "whsec_wrong" }) }],
      [payload, { "stripe-signature": sign(payload, { timestamp: Math.floor(Date.now() / 1000) - 600 }) }],
      [tampered, { "stripe-signature": sign(payload) }],
      [`${payload} `, { "stripe-signature": sign(payload) }],
    ];
    for (const [body, headers] of attempts) {
      const answer = await post(`${server.url}/stripe`, body, headers);
      assert.equal(answer.status, 400, JSON.stringify(headers));
    }
    assert.deepEqual(await allPaths(), before);
    assert.equal(await coinsOf(buyer.uid), 0);
  });

  // --- webhook: who may be credited ------------------------------------------------------------

  it("credits nobody when the buyer was banned, disabled or deleted before paying: unmatched, 200, and its refund is acknowledged", async () => {
    const cases: [string, (uid: string) => Promise<unknown>][] = [
      ["account-banned", (uid) => auth().setCustomUserClaims(uid, { banned: true })],
      ["account-banned", (uid) => db().doc(`bans/${uid}`).set({ reason: "fraud", bannedAt: Timestamp.now() })],
      ["account-disabled", (uid) => auth().updateUser(uid, { disabled: true })],
      ["account-deleted", (uid) => runAccountDeletion(uid)],
    ];
    for (const [cause, shutAccount] of cases) {
      buyer = await createBuyer();
      const session = await checkout({ packageId: "coins-300", requestId: randomUUID() });
      await shutAccount(buyer.uid);
      const paymentIntent = `pi_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
      const event = completed(session, paymentIntent);
      const answer = await deliver(event);
      assert.equal(answer.status, 200, cause);
      assert.deepEqual(answer.body, { status: "ignored", duplicate: false }, cause);
      const record = await docData(`webhookEvents/stripe:${event.id}`);
      assert.equal(record?.reason, "unmatched-purchase");
      assert.equal((record?.details as Record<string, unknown> | undefined)?.cause, cause);
      const unmatched = await docData(`unmatchedPurchases/stripe:${session.sessionId}`);
      assert.equal(unmatched?.cause, cause);
      assert.equal(unmatched?.namedRecipient, buyer.uid);
      assert.equal((unmatched?.event as Record<string, unknown> | undefined)?.paymentIntentId, paymentIntent);
      assert.equal((await docData(`reviewQueue/unmatched-purchase__stripe:${session.sessionId}`))?.status, "open");
      const stored = await docData(`checkoutSessions/${session.sessionId}`);
      assert.equal(stored?.status, "unmatched");
      assert.equal(stored?.paymentIntentId, paymentIntent);
      assert.equal(await coinsOf(buyer.uid), 0, cause);

      // The payment's refund finds the session and takes nothing (nothing was credited).
      const refund = await deliver(refunded(paymentIntent, 499, 499, `re_${randomUUID().slice(0, 8)}`));
      assert.equal(refund.status, 200);
      assert.equal(refund.body.status, "ignored");
      assert.equal((await docData(`unmatchedPurchases/stripe:${session.sessionId}`))?.refunded, true);
    }
    assert.equal((await ledgerDocs("purchase")).length, 0);
    assert.equal((await ledgerDocs("purchase.clawback")).length, 0);
  });

  it("answers 200 (never 500) to signed events that no retry can change: a buyer other than the stored one, a malformed object", async () => {
    const session = await checkout({ packageId: "coins-300", requestId: randomUUID() });
    const other = await createBuyer();
    const contradicting = completed(session, "pi_contradicting", { client_reference_id: other.uid });
    const answer = await deliver(contradicting);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.status, "ignored");
    assert.equal((await docData(`unmatchedPurchases/stripe:${session.sessionId}`))?.cause, "buyer-mismatch");
    assert.equal(await coinsOf(buyer.uid), 0);
    assert.equal(await coinsOf(other.uid), 0);

    for (const event of [
      stripeEvent("checkout.session.completed", { object: "checkout.session", mode: "payment", payment_status: "paid" }),
      stripeEvent("charge.refunded", { id: "ch_1", object: "charge", amount: "lots" }),
      stripeEvent("charge.dispute.created", { object: "dispute" }),
    ]) {
      const malformed = await deliver(event);
      assert.equal(malformed.status, 200, event.type);
      assert.equal(malformed.body.status, "ignored");
      assert.equal((await docData(`webhookEvents/stripe:${event.id}`))?.reason, "malformed-object");
    }
    assert.equal((await ledgerDocs()).length, 0);
  });
});
