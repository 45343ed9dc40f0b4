import assert from "node:assert/strict";
import type { Role } from "../../src/kernel/roles.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../../src/wallet/accounts.js";
import { EconomyConfigSchema } from "../../src/wallet/config.js";
import { exchangeQuote } from "../../src/wallet/exchange.js";
import { validateEntries } from "../../src/wallet/ledger.js";
import { checkDailyTransferCap, resellerCommission, reversesRecentTransfer } from "../../src/wallet/reseller.js";
import {
  checkDailyWithdrawalLimit,
  checkWithdrawalAmount,
  needsTwoApprovals,
  withdrawalDecisionEntries,
  withdrawalQuote,
} from "../../src/wallet/withdrawals.js";
import { reasonOf, refusalOf } from "../support/refusals.js";

const HOUR_MS = 3_600_000;
const economy = EconomyConfigSchema.parse({});

describe("wallet: reseller policy (unit)", () => {
  const config = { ...economy, resellerCommissionBps: 300, resellerDailyCommissionCapCoins: 30_000 };
  const commission = (coins: number, recipientRoles: Role[] = [], commissionToday = 0) =>
    resellerCommission({ coins, recipientRoles, commissionToday }, config);

  const cases: [string, ReturnType<typeof commission>, ReturnType<typeof commission>][] = [
    ["3 % of a transfer to an ordinary user", commission(10_000), { commission: 300 }],
    ["rounded down", commission(99), { commission: 2 }],
    ["nothing below the first whole coin", commission(33), { commission: 0 }],
    ["to a viewer or host like any user", commission(1_000, ["viewer", "host"]), { commission: 30 }],
    ["none to another reseller", commission(10_000, ["reseller"]), { commission: 0, withheld: "recipient-not-eligible" }],
    ["none to a moderator", commission(10_000, ["viewer", "moderator"]), { commission: 0, withheld: "recipient-not-eligible" }],
    ["none to an admin, even past the cap", commission(10_000, ["admin"], 30_000), { commission: 0, withheld: "recipient-not-eligible" }],
    ["up to exactly the daily cap", commission(10_000, [], 29_700), { commission: 300 }],
    ["the rest of the daily cap", commission(10_000, [], 29_800), { commission: 200, withheld: "daily-commission-cap" }],
    ["nothing once the cap is reached", commission(10_000, [], 30_000), { commission: 0, withheld: "daily-commission-cap" }],
    ["nothing past a cap lowered below today's total", commission(10_000, [], 40_000), { commission: 0, withheld: "daily-commission-cap" }],
  ];
  for (const [name, actual, expected] of cases) it(`commission: ${name}`, () => assert.deepEqual(actual, expected));

  it("refuses transfers past the daily transfer cap, saying what remains today", () => {
    const capped = { resellerDailyTransferCapCoins: 1_000 };
    assert.equal(
      refusalOf(() => checkDailyTransferCap(400, 600, capped)),
      null,
    );
    assert.deepEqual(refusalOf(() => checkDailyTransferCap(401, 600, capped))?.details, { reason: "daily-transfer-cap", remainingToday: 400 });
    assert.deepEqual(refusalOf(() => checkDailyTransferCap(1, 1_200, capped))?.details, { reason: "daily-transfer-cap", remainingToday: 0 });
  });

  it("sees a ring in a transfer that reverses one within the window, the window's last instant included", () => {
    const now = Date.UTC(2026, 0, 10);
    assert.equal(reversesRecentTransfer(null, now, 72), false);
    assert.equal(reversesRecentTransfer(now - 72 * HOUR_MS, now, 72), true);
    assert.equal(reversesRecentTransfer(now - 72 * HOUR_MS - 1, now, 72), false);
    assert.equal(reversesRecentTransfer(now, now, 1), true);
  });
});

describe("wallet: withdrawal policy (unit)", () => {
  it("two approvals from withdrawalDualApprovalDiamonds up (default 50 000); 0 or null: always", () => {
    assert.equal(economy.withdrawalDualApprovalDiamonds, 50_000);
    assert.deepEqual(
      [49_999, 50_000, 100_000].map((diamonds) => needsTwoApprovals(diamonds, economy)),
      [false, true, true],
    );
    for (const threshold of [0, null]) assert.equal(needsTwoApprovals(1, { withdrawalDualApprovalDiamonds: threshold }), true);
    assert.equal(EconomyConfigSchema.safeParse({ withdrawalDualApprovalDiamonds: -1 }).success, false);
  });

  const limits = { withdrawMinDiamonds: 1_000, withdrawMaxDiamondsPerRequest: 100_000, withdrawMaxDiamondsPerDay: 150_000 };

  const amounts: [number, string | null][] = [
    [999, "below-minimum"],
    [1_000, null],
    [100_000, null],
    [100_001, "above-maximum"],
  ];
  for (const [diamonds, reason] of amounts) {
    it(`${diamonds} diamonds per request: ${reason ?? "allowed"}`, () =>
      assert.equal(
        reasonOf(() => checkWithdrawalAmount(diamonds, limits)),
        reason,
      ));
  }

  it("refuses past the daily limit, saying what remains today", () => {
    assert.equal(
      refusalOf(() => checkDailyWithdrawalLimit(50_000, 100_000, limits)),
      null,
    );
    assert.deepEqual(refusalOf(() => checkDailyWithdrawalLimit(50_001, 100_000, limits))?.details, { reason: "daily-limit", remainingToday: 50_000 });
    assert.deepEqual(refusalOf(() => checkDailyWithdrawalLimit(1_000, 200_000, limits))?.details, { reason: "daily-limit", remainingToday: 0 });
  });

  const quotes: [number, number, number, { feeDiamonds: number; payoutCents: number }][] = [
    [1_000, 200, 1, { feeDiamonds: 20, payoutCents: 980 }],
    [1_049, 200, 1, { feeDiamonds: 20, payoutCents: 1_029 }],
    [1_050, 200, 1, { feeDiamonds: 21, payoutCents: 1_029 }],
    [1_000, 0, 3, { feeDiamonds: 0, payoutCents: 3_000 }],
    [1_000, 10_000, 1, { feeDiamonds: 1_000, payoutCents: 0 }],
  ];
  for (const [diamonds, withdrawFeeBps, withdrawCentsPerDiamond, quote] of quotes) {
    it(`quotes ${diamonds} diamonds at ${withdrawFeeBps} bps, ${withdrawCentsPerDiamond} ¢/diamond: the fee rounds down`, () =>
      assert.deepEqual(withdrawalQuote(diamonds, { withdrawFeeBps, withdrawCentsPerDiamond }), quote));
  }

  it("pays out from payable to burn with the fee to the platform, or gives everything back on a rejection", () => {
    const paid = withdrawalDecisionEntries(true, "u1", 1_000, 20);
    assert.deepEqual(paid, [
      { account: SYSTEM_ACCOUNTS.payable, currency: "diamonds", amount: -1_000 },
      { account: SYSTEM_ACCOUNTS.burn, currency: "diamonds", amount: 980 },
      { account: SYSTEM_ACCOUNTS.platform, currency: "diamonds", amount: 20 },
    ]);
    const rejected = withdrawalDecisionEntries(false, "u1", 1_000, 20);
    assert.deepEqual(rejected, [
      { account: SYSTEM_ACCOUNTS.payable, currency: "diamonds", amount: -1_000 },
      { account: userAccount("u1"), currency: "diamonds", amount: 1_000 },
    ]);
    const feeFree = withdrawalDecisionEntries(true, "u1", 1_000, 0);
    assert.deepEqual(
      feeFree.map((e) => e.account),
      [SYSTEM_ACCOUNTS.payable, SYSTEM_ACCOUNTS.burn],
    );
    for (const entries of [paid, rejected, feeFree]) validateEntries(entries);
  });
});

describe("wallet: exchange quote (unit)", () => {
  const cases: [number, number, number, { gross: number; fee: number; net: number }][] = [
    [100, 1, 500, { gross: 100, fee: 5, net: 95 }],
    [19, 1, 500, { gross: 19, fee: 0, net: 19 }],
    [21, 1, 500, { gross: 21, fee: 1, net: 20 }],
    [7, 3, 0, { gross: 21, fee: 0, net: 21 }],
    [1, 1, 9_999, { gross: 1, fee: 0, net: 1 }],
  ];
  for (const [diamonds, exchangeCoinsPerDiamond, exchangeFeeBps, quote] of cases) {
    it(`${diamonds} diamonds at ${exchangeCoinsPerDiamond} coins each, ${exchangeFeeBps} bps fee`, () =>
      assert.deepEqual(exchangeQuote(diamonds, { exchangeCoinsPerDiamond, exchangeFeeBps }), quote));
  }

  it("refuses an exchange the fee would take whole, and one too large to count exactly", () => {
    assert.match(refusalOf(() => exchangeQuote(1, { exchangeCoinsPerDiamond: 1, exchangeFeeBps: 10_000 }))?.message ?? "", /too small/);
    assert.match(refusalOf(() => exchangeQuote(2 ** 52, { exchangeCoinsPerDiamond: 4, exchangeFeeBps: 0 }))?.message ?? "", /too large/);
    assert.equal(
      refusalOf(() => exchangeQuote(2 ** 52, { exchangeCoinsPerDiamond: 1, exchangeFeeBps: 0 })),
      null,
    );
  });
});
