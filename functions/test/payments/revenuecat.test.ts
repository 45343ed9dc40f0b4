import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import "../../src/composition.js";
import { runAccountDeletion } from "../../src/gdpr/deletion.js";
import { auth, db } from "../../src/kernel/app.js";
import { revenuecatWebhook } from "../../src/payments/webhooks.js";
import { SYSTEM_ACCOUNTS } from "../../src/wallet/accounts.js";
import { expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser } from "../support/users.js";
import {
  assertConservation,
  coinsOf,
  createBuyer,
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
    uid = (await createBuyer()).uid;
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

  it("ignores cancellations that are not refunds", async () => {
    const purchase = event();
    const unsubscribe = event({ type: "CANCELLATION", cancel_reason: "UNSUBSCRIBE", transaction_id: purchase.event.transaction_id });
    await deliver(purchase);
    assert.equal((await deliver(unsubscribe)).status, 200);
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

  it("acknowledges TEST, unknown types and sandbox events without moving coins", async () => {
    const cases: [RcBody, string][] = [
      [event({ type: "TEST", app_user_id: undefined, product_id: undefined, transaction_id: undefined }), "test-event"],
      [event({ type: "SUBSCRIBER_ALIAS" }), "unhandled-type"],
      [event({ type: "EXPIRATION" }), "unhandled-type"],
      [event({ environment: "SANDBOX" }), "sandbox"],
      [event({ type: "TRANSFER", environment: "SANDBOX", transferred_from: [uid], transferred_to: ["someone"] }), "sandbox"],
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
      { ...good, event: { ...good.event, app_user_id: "" } },
      { ...good, event: { ...good.event, app_user_id: undefined } },
      { ...good, event: { ...good.event, aliases: "not-a-list" } },
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

  // --- who may be credited ---------------------------------------------------------------------

  /** The answer to a purchase that must credit nobody: 200, recorded unmatched, one open review. */
  async function assertUnmatched(purchase: RcBody, cause: string) {
    const answer = await deliver(purchase);
    assert.equal(answer.status, 200, cause);
    assert.deepEqual(answer.body, { status: "ignored", duplicate: false }, cause);
    const record = await docData(`webhookEvents/revenuecat:${purchase.event.id}`);
    assert.equal(record?.reason, "unmatched-purchase", cause);
    assert.equal((record?.details as Record<string, unknown> | undefined)?.cause, cause);
    const transactionId = purchase.event.transaction_id;
    const unmatched = await docData(`unmatchedPurchases/revenuecat:${transactionId}`);
    assert.equal(unmatched?.cause, cause);
    assert.equal(unmatched?.status, "open");
    assert.equal(unmatched?.namedRecipient, purchase.event.app_user_id);
    assert.equal(unmatched?.eventId, purchase.event.id);
    const fields = unmatched?.event as Record<string, unknown>;
    assert.equal(fields.product_id, purchase.event.product_id);
    assert.equal(fields.transaction_id, transactionId);
    assert.equal(fields.price, purchase.event.price);
    assert.equal(fields.store, "APP_STORE");
    const review = await docData(`reviewQueue/unmatched-purchase__revenuecat:${transactionId}`);
    assert.equal(review?.status, "open");
    assert.equal(review?.cause, cause);
    assert.equal(review?.unmatchedPurchaseId, `revenuecat:${transactionId}`);
  }

  it("credits only an existing, active user: other ids, missing accounts, disabled, banned and deleted ones are recorded unmatched", async () => {
    const noProfile = await createTestUser();
    const disabled = await createBuyer();
    await auth().updateUser(disabled.uid, { disabled: true });
    const bannedByClaim = await createBuyer({ claims: { banned: true } });
    const bannedByRecord = await createBuyer();
    await db()
      .doc(`bans/${bannedByRecord.uid}`)
      .set({ reason: "fraud", bannedAt: Timestamp.now(), expiresAt: Timestamp.fromMillis(Date.now() + 3_600_000) });
    const deleted = await createBuyer();
    await runAccountDeletion(deleted.uid);
    const deleting = await createBuyer();
    await runAccountDeletion(deleting.uid, { stopAt: "followEdges" });
    const profileOnly = `ghost${randomUUID().slice(0, 8)}`;
    await db().doc(`users/${profileOnly}`).set({ uid: profileOnly, displayName: "ghost", roles: [] });

    const cases: [string, string][] = [
      ["agency:agency-1", "not-a-user-id"],
      ["system:mint", "not-a-user-id"],
      ["users/evil", "not-a-user-id"],
      ["a.b", "not-a-user-id"],
      ["$RCAnonymousID:8069238d6049ce87cc529853916d624c", "anonymous-app-user"],
      [`nobody-${randomUUID().slice(0, 8)}`, "no-profile"],
      [noProfile.uid, "no-profile"],
      [profileOnly, "no-auth-account"],
      [disabled.uid, "account-disabled"],
      [bannedByClaim.uid, "account-banned"],
      [bannedByRecord.uid, "account-banned"],
      [deleted.uid, "account-deleted"],
      [deleting.uid, "account-deleted"],
    ];
    for (const [appUserId, cause] of cases) await assertUnmatched(event({ app_user_id: appUserId, aliases: [appUserId] }), cause);
    assert.equal((await ledgerDocs("purchase")).length, 0, "no coins moved");
    assert.equal((await db().doc("wallets/agency:agency-1").get()).exists, false, "no agency wallet was written");
    for (const target of [disabled, bannedByClaim, bannedByRecord]) assert.equal(await coinsOf(target.uid), 0);

    // An expired ban does not stand in the way.
    const pardoned = await createBuyer();
    await db()
      .doc(`bans/${pardoned.uid}`)
      .set({ reason: "cool-off", expiresAt: Timestamp.fromMillis(Date.now() - 1000) });
    assert.equal((await deliver(event({ app_user_id: pardoned.uid }))).body.status, "processed");
    assert.equal(await coinsOf(pardoned.uid), 330);
  });

  it("records an unmatched purchase once however often and under however many event ids it arrives", async () => {
    const purchase = event({ app_user_id: "agency:agency-1" });
    const again = event({ app_user_id: "agency:agency-1", transaction_id: purchase.event.transaction_id });
    const answers = await Promise.all([deliver(purchase), deliver(purchase), deliver(again), deliver(again)]);
    for (const a of answers) assert.equal(a.status, 200);
    const path = `unmatchedPurchases/revenuecat:${purchase.event.transaction_id}`;
    const seen = (await docData(path))?.deliveries as number;
    assert.ok(seen >= 2 && seen <= 4, `each delivery that ran counted itself: ${seen}`);
    // Once an event's outcome is recorded, its redeliveries stop there.
    assert.deepEqual((await deliver(purchase)).body, { status: "ignored", duplicate: true });
    assert.equal((await docData(path))?.deliveries, seen);
    assert.equal((await db().collection("unmatchedPurchases").get()).size, 1);
    assert.equal((await db().collection("reviewQueue").get()).size, 1);
    assert.equal((await ledgerDocs()).length, 0);
  });

  it("records a purchase of a product with no recharge package as unmatched", async () => {
    await assertUnmatched(event({ product_id: "com.demo.live.unknown" }), "unknown-product");
    assert.equal(await coinsOf(uid), 0);
  });

  it("answers 200 to a known store transaction redelivered under another app_user_id, credits nothing more and opens a review", async () => {
    const other = await createBuyer();
    const purchase = event();
    await deliver(purchase);
    const hijack = event({ transaction_id: purchase.event.transaction_id, app_user_id: other.uid, aliases: [other.uid] });
    const answer = await deliver(hijack);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { status: "ignored", duplicate: false });
    const record = await docData(`webhookEvents/revenuecat:${hijack.event.id}`);
    assert.equal(record?.reason, "purchase-identity-mismatch");
    assert.equal((record?.details as Record<string, unknown> | undefined)?.grantedTo, uid);
    const review = await docData(`reviewQueue/purchase-identity-mismatch__revenuecat:${purchase.event.transaction_id}`);
    assert.equal(review?.status, "open");
    assert.equal(review?.grantedTo, uid);
    assert.equal(await coinsOf(uid), 330);
    assert.equal(await coinsOf(other.uid), 0);
    // The same with another product, and as a duplicate delivery: acknowledged, nothing more.
    assert.equal((await deliver(event({ transaction_id: purchase.event.transaction_id, product_id: "com.demo.live.coins60" }))).status, 200);
    assert.deepEqual((await deliver(hijack)).body, { status: "ignored", duplicate: true });
    assert.equal((await ledgerDocs("purchase")).length, 1);
    await assertConservation([uid, other.uid]);
  });

  // --- whose refund it is ----------------------------------------------------------------------

  it("a purchase naming a victim from the attacker's store account, then refunded, is clawed back but freezes nobody", async () => {
    const attacker = await createBuyer();
    await deliver(event({ product_id: "com.demo.live.coins60" })); // the victim's own purchase
    // RevenueCat's customer (the store account's history) started as the attacker and now names the victim.
    const purchase = event({ original_app_user_id: attacker.uid, aliases: [attacker.uid, uid] });
    assert.equal((await deliver(purchase)).status, 200);
    assert.equal(await coinsOf(uid), 390);
    assert.equal((await deliver(refundOf(purchase, { original_app_user_id: attacker.uid, aliases: [attacker.uid, uid] }))).status, 200);

    assert.equal(await coinsOf(uid), 60, "the unpaid coins go back");
    assert.notEqual((await docData(`wallets/${uid}`))?.frozen, true, "the victim is not frozen for someone else's refund");
    await spendCoins(uid, 10);
    assert.equal(await docData(`reviewQueue/refund-ratio__${uid}`), undefined);
    const review = await docData(`reviewQueue/refund-shared-identity__revenuecat:${purchase.event.transaction_id}`);
    assert.equal(review?.status, "open");
    assert.equal(review?.uid, uid);
    assert.deepEqual(review?.sharedWith, [attacker.uid]);
    const [clawback] = await ledgerDocs("purchase.clawback");
    assert.equal(clawback?.meta.refundAttributed, false);
    await assertConservation([uid, attacker.uid]);
  });

  it("a purchase naming a victim after RevenueCat transferred the attacker's store account to it freezes nobody when refunded", async () => {
    const attacker = await createBuyer();
    const transfer = event({
      type: "TRANSFER",
      app_user_id: undefined,
      product_id: undefined,
      transaction_id: undefined,
      transferred_from: [attacker.uid],
      transferred_to: [uid],
    });
    const transferAnswer = await deliver(transfer);
    assert.equal(transferAnswer.status, 200);
    assert.equal(transferAnswer.body.status, "processed");
    const recorded = await docData(`revenuecatTransfers/${transfer.event.id}`);
    assert.deepEqual(recorded?.from, [attacker.uid]);
    assert.deepEqual(recorded?.to, [uid]);

    const purchase = event();
    await deliver(purchase);
    await deliver(refundOf(purchase));
    assert.equal(await coinsOf(uid), 0);
    assert.notEqual((await docData(`wallets/${uid}`))?.frozen, true);
    assert.deepEqual((await docData(`reviewQueue/refund-shared-identity__revenuecat:${purchase.event.transaction_id}`))?.sharedWith, [attacker.uid]);
  });

  it("a refund delivered after a TRANSFER is taken from, and counted against, the account the purchase credited", async () => {
    const newOwner = await createBuyer();
    const purchase = event();
    await deliver(purchase);
    await deliver(
      event({
        type: "TRANSFER",
        app_user_id: undefined,
        product_id: undefined,
        transaction_id: undefined,
        transferred_from: [uid],
        transferred_to: [newOwner.uid],
      }),
    );
    // After the transfer RevenueCat names the new owner on the transaction's later events.
    assert.equal((await deliver(refundOf(purchase, { app_user_id: newOwner.uid, aliases: [newOwner.uid] }))).status, 200);
    assert.equal(await coinsOf(uid), 0);
    assert.equal((await docData(`wallets/${uid}`))?.frozen, true, "the buyer made and refunded the purchase");
    assert.equal((await docData(`reviewQueue/refund-ratio__${uid}`))?.status, "open");
    assert.notEqual((await docData(`wallets/${newOwner.uid}`))?.frozen, true);
    assert.equal(await docData(`reviewQueue/refund-ratio__${newOwner.uid}`), undefined);
    await assertConservation([uid, newOwner.uid]);
  });

  // --- refunds before their purchase -----------------------------------------------------------

  it("a refund that arrives before its purchase is applied when the purchase arrives: zero coins, counted in the refund ratio", async () => {
    const purchase = event();
    const refund = refundOf(purchase);
    const early = await deliver(refund);
    assert.equal(early.status, 200);
    assert.deepEqual(early.body, { status: "processed", duplicate: false });
    const pending = await docData(`pendingRefunds/revenuecat:${purchase.event.transaction_id}`);
    assert.equal(pending?.status, "pending");
    assert.equal(pending?.eventId, refund.event.id);
    // Redeliveries before the purchase: the same event, and the same refund under another event id.
    assert.deepEqual((await deliver(refund)).body, { status: "processed", duplicate: true });
    assert.equal((await deliver(refundOf(purchase))).status, 200);
    assert.equal((await ledgerDocs()).length, 0);

    const answer = await deliver(purchase);
    assert.equal(answer.status, 200);
    assert.equal(await coinsOf(uid), 0, "granted and clawed back");
    assert.equal((await ledgerDocs("purchase")).length, 1);
    assert.equal((await ledgerDocs("purchase.clawback")).length, 1);
    assert.equal((await docData(`pendingRefunds/revenuecat:${purchase.event.transaction_id}`))?.status, "applied");
    const review = await docData(`reviewQueue/refund-ratio__${uid}`);
    assert.deepEqual(review?.metrics, { purchases: 1, refunds: 1, refundRatioBps: 10_000, maxRefundRatioBps: 3000 });
    assert.equal((await docData(`wallets/${uid}`))?.frozen, true);

    // Redeliveries after: the purchase (same and new event id) and the refund (new event id) change nothing.
    await Promise.all([deliver(purchase), deliver(event({ transaction_id: purchase.event.transaction_id })), deliver(refundOf(purchase))]);
    assert.equal(await coinsOf(uid), 0);
    assert.equal((await ledgerDocs("purchase")).length, 1);
    assert.equal((await ledgerDocs("purchase.clawback")).length, 1);
    await assertConservation([uid]);
  });

  it("purchase and refund delivered concurrently, several times each, in either order: one grant, one clawback", async () => {
    await setEconomy({ maxRefundRatioBps: 10_000 });
    for (let round = 0; round < 4; round++) {
      const purchase = event();
      const deliveries = [purchase, purchase, event({ transaction_id: purchase.event.transaction_id }), refundOf(purchase), refundOf(purchase)];
      if (round % 2) deliveries.reverse();
      const answers = await Promise.all(deliveries.map((body) => deliver(body)));
      for (const a of answers) assert.equal(a.status, 200, JSON.stringify(a.body));
    }
    assert.equal(await coinsOf(uid), 0);
    assert.equal((await ledgerDocs("purchase")).length, 4);
    assert.equal((await ledgerDocs("purchase.clawback")).length, 4);
    const pending = await db().collection("pendingRefunds").get();
    for (const doc of pending.docs) assert.equal(doc.get("status"), "applied", doc.id);
    await assertConservation([uid]);
  });

  it("a refund of an unmatched purchase, before or after it, is noted on the unmatched record", async () => {
    for (const refundFirst of [true, false]) {
      const purchase = event({ app_user_id: "agency:agency-1" });
      const refund = refundOf(purchase, { app_user_id: "agency:agency-1" });
      for (const body of refundFirst ? [refund, purchase] : [purchase, refund]) assert.equal((await deliver(body)).status, 200);
      const unmatched = await docData(`unmatchedPurchases/revenuecat:${purchase.event.transaction_id}`);
      assert.equal(unmatched?.refunded, true, `refund first: ${refundFirst}`);
    }
    assert.equal((await ledgerDocs()).length, 0);
  });
});
