import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { db } from "../../src/kernel/app.js";
import { revenuecatWebhook } from "../../src/payments/revenuecat.js";
import { SYSTEM_ACCOUNTS } from "../../src/wallet/accounts.js";
import { expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import {
  assertConservation,
  coinsOf,
  ledgerBalance,
  ledgerDocs,
  post,
  RC_AUTH,
  seedPackages,
  setEconomy,
  spendCoins,
  startWebhookServer,
  usePaymentSecrets,
  type WebhookServer,
} from "./support.js";

describe("payments: RevenueCat webhook", () => {
  useCleanStack();
  usePaymentSecrets();
  let server: WebhookServer;
  let uid: string;

  before(async () => {
    server = await startWebhookServer({ revenuecat: revenuecatWebhook });
  });
  after(() => server.close());
  beforeEach(async () => {
    await seedPackages();
    uid = `rc-${randomUUID().slice(0, 8)}`;
  });

  const event = (fields: Record<string, unknown> = {}) => ({
    api_version: "1.0",
    event: {
      id: randomUUID().toUpperCase(),
      type: "NON_RENEWING_PURCHASE",
      app_user_id: uid,
      product_id: "com.demo.live.coins300",
      store: "APP_STORE",
      environment: "PRODUCTION",
      transaction_id: `2000000${Math.floor(Math.random() * 1e9)}`,
      price: 4.99,
      currency: "USD",
      event_timestamp_ms: Date.now(),
      aliases: [uid],
      ...fields,
    },
  });
  type RcBody = ReturnType<typeof event>;
  const refundOf = (purchase: RcBody, fields: Record<string, unknown> = {}) =>
    event({ type: "CANCELLATION", cancel_reason: "CUSTOMER_SUPPORT", transaction_id: purchase.event.transaction_id, price: -4.99, ...fields });
  const deliver = (body: unknown, authorization: string | null = RC_AUTH) =>
    post(`${server.url}/revenuecat`, JSON.stringify(body), authorization === null ? {} : { authorization });

  it("credits coins + bonus of the package behind product_id and records the delivery", async () => {
    const purchase = event();
    const answer = await deliver(purchase);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { status: "processed", duplicate: false });
    assert.equal(await coinsOf(uid), 330);
    const [ledger] = await ledgerDocs("purchase");
    assert.equal(ledger?.owner, "revenuecat");
    assert.equal(ledger?.key, purchase.event.transaction_id);
    assert.deepEqual(ledger?.entries, [
      { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -330 },
      { account: `user:${uid}`, currency: "coins", amount: 330 },
    ]);
    const record = await docData(`webhookEvents/revenuecat:${purchase.event.id}`);
    assert.equal(record?.status, "processed");
    assert.equal(record?.type, "NON_RENEWING_PURCHASE");
    assert.equal(record?.deliveries, 1);
    assert.ok(record?.receivedAt, "receivedAt is recorded");
    assert.equal((record?.details as Record<string, unknown> | undefined)?.coins, 330);
    await assertConservation([uid]);
  });

  it("grants once when the same event is delivered 5 times concurrently", async () => {
    const purchase = event({ type: "INITIAL_PURCHASE" });
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(purchase)));
    for (const a of answers) assert.equal(a.status, 200);
    assert.equal(await coinsOf(uid), 330);
    assert.equal((await ledgerDocs("purchase")).length, 1);
    assert.equal((await docData(`webhookEvents/revenuecat:${purchase.event.id}`))?.deliveries, 5);
    // A later redelivery is acknowledged as a duplicate without running again.
    assert.deepEqual((await deliver(purchase)).body, { status: "processed", duplicate: true });
    assert.equal(await coinsOf(uid), 330);
    await assertConservation([uid]);
  });

  it("grants once when the same store transaction arrives under two event ids", async () => {
    const first = event();
    const second = event({ type: "INITIAL_PURCHASE", transaction_id: first.event.transaction_id });
    const answers = await Promise.all([deliver(first), deliver(second), deliver(first)]);
    for (const a of answers) assert.equal(a.status, 200);
    assert.equal(await coinsOf(uid), 330);
    assert.equal((await ledgerDocs("purchase")).length, 1);
    assert.equal((await docData(`webhookEvents/revenuecat:${first.event.id}`))?.status, "processed");
    assert.equal((await docData(`webhookEvents/revenuecat:${second.event.id}`))?.status, "processed");
  });

  it("grants a RENEWAL again (a new store transaction of a subscription package)", async () => {
    await deliver(event({ type: "INITIAL_PURCHASE", product_id: "com.demo.live.coins60" }));
    await deliver(event({ type: "RENEWAL", product_id: "com.demo.live.coins60" }));
    assert.equal(await coinsOf(uid), 120);
  });

  it("claws back a refund to the exact amounts, into a negative balance that then blocks spending", async () => {
    await setEconomy({ maxRefundRatioBps: 10_000 }); // isolate the debt lock from the refund-ratio freeze
    const purchase = event();
    await deliver(purchase);
    await spendCoins(uid, 200);
    assert.equal(await coinsOf(uid), 130);

    const refund = refundOf(purchase);
    const answers = await Promise.all([deliver(refund), deliver(refund), deliver(refundOf(purchase))]);
    for (const a of answers) assert.equal(a.status, 200);
    assert.equal(await coinsOf(uid), -200, "330 granted, 200 spent, 330 taken back");
    const clawbacks = await ledgerDocs("purchase.clawback");
    assert.equal(clawbacks.length, 1, "one clawback however many refund deliveries");
    assert.deepEqual(clawbacks[0]?.entries, [
      { account: `user:${uid}`, currency: "coins", amount: -330 },
      { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: 330 },
    ]);
    assert.equal(await ledgerBalance(SYSTEM_ACCOUNTS.mint), 0, "every coin granted went back to the mint");
    assert.equal(await ledgerBalance(SYSTEM_ACCOUNTS.burn), 200, "the spent coins stay spent: the buyer owes them");
    assert.equal((await docData(`wallets/${uid}`))?.inDebt, true);

    const refused = await expectHttpsError(spendCoins(uid, 1), "failed-precondition");
    assert.equal((refused.details as { reason?: string } | undefined)?.reason, "negative-balance");
    assert.equal(await coinsOf(uid), -200);
    assert.equal((await db().collection("reviewQueue").get()).size, 0);
    await assertConservation([uid]);
  });

  it("ignores a refund of a transaction it never credited, and other cancellations", async () => {
    const purchase = event();
    const orphanRefund = refundOf(event());
    const unsubscribe = event({ type: "CANCELLATION", cancel_reason: "UNSUBSCRIBE", transaction_id: purchase.event.transaction_id });
    await deliver(purchase);
    for (const body of [orphanRefund, unsubscribe]) assert.equal((await deliver(body)).status, 200);
    assert.equal((await docData(`webhookEvents/revenuecat:${orphanRefund.event.id}`))?.reason, "purchase-not-granted");
    assert.equal((await docData(`webhookEvents/revenuecat:${unsubscribe.event.id}`))?.reason, "cancellation-without-refund");
    assert.equal(await coinsOf(uid), 330);
    assert.equal((await ledgerDocs("purchase.clawback")).length, 0);
  });

  it("refuses a missing or wrong Authorization header with 401 and writes nothing", async () => {
    const before = await allPaths();
    const purchase = event();
    for (const authorization of [null, "", "Bearer wrong", `${RC_AUTH}x`, RC_AUTH.toLowerCase(), "x", `${RC_AUTH}${"x".repeat(500)}`]) {
      const answer = await deliver(purchase, authorization);
      assert.equal(answer.status, 401, `Authorization ${JSON.stringify(authorization)}`);
    }
    assert.deepEqual(await allPaths(), before);
    assert.equal(await coinsOf(uid), 0);
  });

  it("acknowledges TEST, unknown types, sandbox, anonymous and unknown-product events without moving coins", async () => {
    const cases: [RcBody, string][] = [
      [event({ type: "TEST", app_user_id: undefined, product_id: undefined, transaction_id: undefined }), "test-event"],
      [event({ type: "SUBSCRIBER_ALIAS" }), "unhandled-type"],
      [event({ type: "EXPIRATION" }), "unhandled-type"],
      [event({ environment: "SANDBOX" }), "sandbox"],
      [event({ app_user_id: "$RCAnonymousID:8069238d6049ce87cc529853916d624c" }), "anonymous-app-user"],
      [event({ product_id: "com.demo.live.unknown" }), "unknown-product"],
    ];
    for (const [body, reason] of cases) {
      const answer = await deliver(body);
      assert.equal(answer.status, 200, reason);
      assert.equal(answer.body.status, "ignored", reason);
      const record = await docData(`webhookEvents/revenuecat:${body.event.id}`);
      assert.equal(record?.status, "ignored");
      assert.equal(record?.reason, reason);
      assert.equal(record?.type, body.event.type);
    }
    assert.equal((await ledgerDocs()).length, 0);
    assert.equal(await coinsOf(uid), 0);
  });

  it("credits a store purchase of a package deactivated since (the buyer has paid)", async () => {
    await deliver(event({ product_id: "com.demo.live.retired" }));
    assert.equal(await coinsOf(uid), 100);
  });

  it("rejects malformed bodies with 400 and writes nothing", async () => {
    const before = await allPaths();
    const good = event();
    const bad: unknown[] = [
      {},
      [],
      "text",
      { api_version: "1.0" },
      { api_version: "1.0", event: null },
      { ...good, event: { ...good.event, id: "a/b" } },
      { ...good, event: { ...good.event, id: "" } },
      { ...good, event: { ...good.event, type: "purchase" } },
      { ...good, event: { ...good.event, transaction_id: undefined } },
      { ...good, event: { ...good.event, product_id: 42 } },
      { ...good, event: { ...good.event, app_user_id: "users/evil" } },
      { ...good, event: { ...good.event, app_user_id: "" } },
      { ...good, event: { ...good.event, type: "CANCELLATION", cancel_reason: "CUSTOMER_SUPPORT", transaction_id: null } },
    ];
    for (const body of bad) assert.equal((await deliver(body)).status, 400, JSON.stringify(body).slice(0, 120));
    assert.deepEqual(await allPaths(), before);
  });

  it("answers 500 when processing fails, and the retry completes without a second grant", async () => {
    await db().collection("config").doc("economy").set({ maxPurchasesPerHour: "ten" }); // invalid: the velocity check fails
    const purchase = event();
    const failed = await deliver(purchase);
    assert.equal(failed.status, 500);
    assert.equal((await docData(`webhookEvents/revenuecat:${purchase.event.id}`))?.status, "failed");

    await setEconomy({});
    const retried = await deliver(purchase);
    assert.equal(retried.status, 200);
    assert.equal((await docData(`webhookEvents/revenuecat:${purchase.event.id}`))?.status, "processed");
    assert.equal(await coinsOf(uid), 330);
    assert.equal((await ledgerDocs("purchase")).length, 1);
  });

  it("puts a fast buyer in review once, without freezing", async () => {
    await setEconomy({ maxPurchasesPerHour: 2 });
    for (let i = 0; i < 4; i++) assert.equal((await deliver(event({ product_id: "com.demo.live.coins60" }))).status, 200);
    const reviews = await db().collection("reviewQueue").get();
    assert.equal(reviews.size, 1, "one open entry per uid and reason");
    const review = reviews.docs[0]?.data();
    assert.equal(review?.uid, uid);
    assert.equal(review?.reason, "purchase-velocity");
    assert.equal(review?.status, "open");
    assert.ok(review?.createdAt);
    assert.equal((review?.metrics as Record<string, number> | undefined)?.purchasesLastHour, 3);
    assert.notEqual((await docData(`wallets/${uid}`))?.frozen, true);
    assert.equal(await coinsOf(uid), 240, "purchases are still credited");
  });

  it("freezes the wallet and opens a review when refunds exceed the allowed ratio", async () => {
    const first = event();
    await deliver(first);
    await deliver(event({ product_id: "com.demo.live.coins60" }));
    await deliver(refundOf(first)); // 1 refund / 2 purchases = 50% > 30% (default)
    assert.equal(await coinsOf(uid), 60);
    const review = await docData(`reviewQueue/refund-ratio__${uid}`);
    assert.equal(review?.status, "open");
    assert.deepEqual(review?.metrics, { purchases: 2, refunds: 1, refundRatioBps: 5000, maxRefundRatioBps: 3000 });
    assert.equal((await docData(`wallets/${uid}`))?.frozen, true);
    const refused = await expectHttpsError(spendCoins(uid, 10), "failed-precondition");
    assert.equal((refused.details as { reason?: string } | undefined)?.reason, "frozen");
    assert.equal(await coinsOf(uid), 60);
    await assertConservation([uid]);
  });
});
