import assert from "node:assert/strict";
import { planClawback, type SessionClawbackState } from "../../src/payments/stripe.js";
import { refundRatioBps, refundRatioExceeded } from "../../src/payments/velocity.js";

describe("payments: Stripe clawbacks (unit)", () => {
  // A 4.99 payment that granted 500 coins.
  const fresh: SessionClawbackState = { grantedCoins: 500, clawedBackCoins: 0, refundClawedBackCoins: 0, paidCents: 499 };

  const cases: [string, Parameters<typeof planClawback>[0], SessionClawbackState, ReturnType<typeof planClawback>][] = [
    ["a full refund takes everything back", { kind: "refund", cents: 499 }, fresh, { coins: 500, total: 500, status: "refunded" }],
    ["a partial refund takes its share, rounded up", { kind: "refund", cents: 100 }, fresh, { coins: 101, total: 101, status: "partially_refunded" }],
    ["one cent refunded still takes a coin", { kind: "refund", cents: 1 }, fresh, { coins: 2, total: 2, status: "partially_refunded" }],
    [
      "refund amounts are cumulative: the second refund takes only what the first did not",
      { kind: "refund", cents: 300 },
      { ...fresh, clawedBackCoins: 101, refundClawedBackCoins: 101 },
      { coins: 200, total: 301, status: "partially_refunded" },
    ],
    [
      "a refund that completes the charge: refunded",
      { kind: "refund", cents: 499 },
      { ...fresh, clawedBackCoins: 301, refundClawedBackCoins: 301 },
      { coins: 199, total: 500, status: "refunded" },
    ],
    ["a dispute takes its share on its own", { kind: "dispute", cents: 499 }, fresh, { coins: 500, total: 500, status: "disputed" }],
    [
      "a dispute after a partial refund takes only what is left",
      { kind: "dispute", cents: 499 },
      { ...fresh, clawedBackCoins: 101, refundClawedBackCoins: 101 },
      { coins: 399, total: 500, status: "disputed" },
    ],
    [
      "a refund after a dispute took everything takes nothing",
      { kind: "refund", cents: 499 },
      { ...fresh, clawedBackCoins: 500 },
      { coins: 0, total: 500, status: "refunded" },
    ],
    [
      "a redelivered cumulative refund takes nothing more",
      { kind: "refund", cents: 100 },
      { ...fresh, clawedBackCoins: 101, refundClawedBackCoins: 101 },
      { coins: 0, total: 101, status: "partially_refunded" },
    ],
    [
      "a refund larger than the payment is capped at what was granted",
      { kind: "refund", cents: 10_000 },
      fresh,
      { coins: 500, total: 500, status: "refunded" },
    ],
  ];
  for (const [name, reversal, session, planned] of cases) it(name, () => assert.deepEqual(planClawback(reversal, session), planned));

  it("never takes back more than was granted, over any sequence of cumulative refunds", () => {
    let session = { ...fresh };
    for (const cents of [7, 7, 50, 120, 120, 333, 499, 499]) {
      const { coins, total } = planClawback({ kind: "refund", cents }, session);
      assert.ok(coins >= 0);
      session = { ...session, clawedBackCoins: total, refundClawedBackCoins: session.refundClawedBackCoins + coins };
    }
    assert.equal(session.clawedBackCoins, 500);
  });
});

describe("payments: refund ratio (unit)", () => {
  const cases: [number, number, number, boolean][] = [
    [10, 0, 0, false],
    [10, 3, 3_000, false],
    [10, 4, 4_000, true],
    [3, 1, 3_333, true],
    [0, 1, 10_000, true],
    [0, 0, 10_000, false],
    [1_000, 1, 10, false],
  ];
  for (const [purchases, refunds, bps, flagged] of cases) {
    it(`${refunds} refunds of ${purchases} purchases: ${bps} bps, ${flagged ? "flagged" : "not flagged"} at a 3,000 bps maximum`, () => {
      assert.equal(refundRatioBps(purchases, refunds), bps);
      assert.equal(refundRatioExceeded(purchases, refunds, 3_000), flagged);
    });
  }
});
