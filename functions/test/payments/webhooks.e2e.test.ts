/**
 * The RevenueCat webhook as RevenueCat reaches it: over HTTP through the functions emulator, with the
 * Authorization header the local stack configures, crediting an account made by a real sign-up.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { LOCAL_SECRETS } from "../../../devstack/src/stack.js";
import { signUp, useStackAdmin } from "../support/e2e.js";
import { testStack, useCleanStack } from "../support/stack.js";
import { PACKAGES, post } from "./support.js";

describe("e2e: RevenueCat webhook over HTTP on the emulator stack", function () {
  this.timeout(60_000);
  useCleanStack();
  const stack = useStackAdmin();

  const deliver = (event: Record<string, unknown>) =>
    post(`http://${testStack().functions}/${testStack().projectId}/us-central1/revenuecatWebhook`, JSON.stringify({ api_version: "1.0", event }), {
      authorization: LOCAL_SECRETS.REVENUECAT_WEBHOOK_AUTH,
    });

  const purchaseEvent = (appUserId: string, transactionId: string, fields: Record<string, unknown> = {}) => ({
    id: randomUUID().toUpperCase(),
    type: "NON_RENEWING_PURCHASE",
    app_user_id: appUserId,
    aliases: [appUserId],
    product_id: PACKAGES["coins-300"].storeProductId,
    store: "PLAY_STORE",
    environment: "PRODUCTION",
    transaction_id: transactionId,
    price: 4.99,
    currency: "USD",
    event_timestamp_ms: Date.now(),
    ...fields,
  });

  it("applies a refund that came before its purchase, records an agency id as unmatched and acknowledges a hijacked transaction, all with 200", async () => {
    await stack.firestore.doc("rechargePackages/coins-300").set(PACKAGES["coins-300"]);
    const buyer = await signUp(stack, "rc-buyer");
    const other = await signUp(stack, "rc-other");
    const coins = async (uid: string) => ((await stack.firestore.doc(`wallets/${uid}`).get()).get("coins") as number | undefined) ?? 0;

    // A refund before its purchase, then the purchase: credited and taken back.
    const early = `GPA.${randomUUID().slice(0, 8)}`;
    const refund = await deliver({ ...purchaseEvent(buyer.localId, early), type: "CANCELLATION", cancel_reason: "CUSTOMER_SUPPORT", price: -4.99 });
    assert.equal(refund.status, 200, JSON.stringify(refund.body));
    assert.equal((await stack.firestore.doc(`pendingRefunds/revenuecat:${early}`).get()).get("status"), "pending");
    assert.equal((await deliver(purchaseEvent(buyer.localId, early))).status, 200);
    assert.equal(await coins(buyer.localId), 0);
    assert.equal((await stack.firestore.doc(`pendingRefunds/revenuecat:${early}`).get()).get("status"), "applied");

    // An agency id is nobody to credit.
    const agencyPurchase = `GPA.${randomUUID().slice(0, 8)}`;
    const agency = await deliver(purchaseEvent("agency:agency-1", agencyPurchase));
    assert.deepEqual([agency.status, agency.body.status], [200, "ignored"]);
    assert.equal((await stack.firestore.doc(`unmatchedPurchases/revenuecat:${agencyPurchase}`).get()).get("cause"), "not-a-user-id");
    assert.equal((await stack.firestore.doc("wallets/agency:agency-1").get()).exists, false);

    // A purchase, then the same store transaction under another user: 200, credited once.
    const paid = `GPA.${randomUUID().slice(0, 8)}`;
    assert.equal((await deliver(purchaseEvent(buyer.localId, paid))).status, 200);
    const hijack = await deliver(purchaseEvent(other.localId, paid));
    assert.deepEqual([hijack.status, hijack.body.status], [200, "ignored"]);
    assert.equal(await coins(buyer.localId), 330);
    assert.equal(await coins(other.localId), 0);
    assert.equal((await stack.firestore.doc(`reviewQueue/purchase-identity-mismatch__revenuecat:${paid}`).get()).get("status"), "open");
  });
});
