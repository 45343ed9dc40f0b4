import assert from "node:assert/strict";
import { addFigures, classifyLedgerTransaction, purchaseStore } from "../../../src/admin/finance/figures.js";
import { emptyFigures, FINANCE_FIGURES, type FinanceFigures } from "../../../src/admin/finance/schema.js";
import { payoutEntries } from "../../../src/games/teenpatti/settlement.js";
import { giftEntries, splitGiftValue } from "../../../src/gifts/send-gift.js";
import { agencyAccount, SYSTEM_ACCOUNTS, userAccount } from "../../../src/wallet/accounts.js";
import { LEDGER_TYPES, type LedgerType } from "../../../src/wallet/ledger.js";
import { withdrawalDecisionEntries } from "../../../src/wallet/withdrawals.js";

const { mint, burn, platform, house, gameEscrow, payable } = SYSTEM_ACCOUNTS;
const alice = userAccount("alice");
const bob = userAccount("bob");

type Entry = { account: string; currency: "coins" | "diamonds"; amount: number };

/** The figures a classification should give: every other figure 0, the transaction counted once. */
function expected(figures: Partial<FinanceFigures>): FinanceFigures {
  return { ...emptyFigures(), transactions: 1, ...figures };
}

function classify(type: LedgerType | string, entries: Entry[], meta: Record<string, unknown> = {}) {
  return classifyLedgerTransaction({ type, entries, meta });
}

describe("admin/finance: ledger classification (unit)", () => {
  it("credits purchases to the store that sold them", () => {
    const entries: Entry[] = [
      { account: mint, currency: "coins", amount: -500 },
      { account: alice, currency: "coins", amount: 500 },
    ];
    assert.deepEqual(classify("purchase", entries, { provider: "stripe" }), expected({ coinsPurchasedStripe: 500 }));
    assert.deepEqual(classify("purchase", entries, { provider: "revenuecat", store: "APP_STORE" }), expected({ coinsPurchasedApple: 500 }));
    assert.deepEqual(classify("purchase", entries, { provider: "revenuecat", store: "PLAY_STORE" }), expected({ coinsPurchasedGoogle: 500 }));
    assert.deepEqual(classify("purchase", entries, { provider: "revenuecat", store: "AMAZON" }), expected({ coinsPurchasedOther: 500 }));
    assert.equal(purchaseStore({ store: "MAC_APP_STORE" }), "apple");
    assert.equal(purchaseStore(null), "other");
  });

  it("counts a clawback's coins back to the mint", () => {
    const entries: Entry[] = [
      { account: alice, currency: "coins", amount: -300 },
      { account: mint, currency: "coins", amount: 300 },
    ];
    assert.deepEqual(classify("purchase.clawback", entries), expected({ coinsClawedBack: 300 }));
  });

  it("splits a gift as sendGift posts it: coins spent, host diamonds, agency share, platform revenue", () => {
    const split = splitGiftValue(100, { hostShareBps: 5000, agencyShareBps: 1000 }, true);
    const entries = giftEntries("alice", "bob", agencyAccount("a1"), split);
    assert.deepEqual(
      classify("gift", entries),
      expected({ coinsSpentGifts: 100, diamondsEarned: 50, agencyCommissionDiamonds: 10, platformRevenueDiamonds: 40 }),
    );
    const withoutAgency = giftEntries("alice", "bob", null, splitGiftValue(100, { hostShareBps: 5000, agencyShareBps: 1000 }, false));
    assert.deepEqual(classify("room.entry", withoutAgency), expected({ coinsSpentRoomEntry: 100, diamondsEarned: 50, platformRevenueDiamonds: 50 }));
  });

  it("counts VIP purchases as coins spent on VIP", () => {
    const entries: Entry[] = [
      { account: alice, currency: "coins", amount: -1000 },
      { account: burn, currency: "coins", amount: 1000 },
    ];
    assert.deepEqual(classify("vip.purchase", entries), expected({ coinsSpentVip: 1000 }));
  });

  it("counts game stakes, payouts and the house's result (a house loss is negative)", () => {
    const bet: Entry[] = [
      { account: alice, currency: "coins", amount: -20 },
      { account: gameEscrow, currency: "coins", amount: 20 },
    ];
    assert.deepEqual(classify("game.bet", bet), expected({ coinsStakedGames: 20 }));
    const hand = payoutEntries(60, { payouts: { alice: 57 }, rake: 3 });
    assert.deepEqual(classify("game.payout", hand), expected({ coinsPaidOutGames: 57, gameHouseCoins: 3 }));
    const houseTopUp: Entry[] = [
      { account: house, currency: "coins", amount: -40 },
      { account: gameEscrow, currency: "coins", amount: 40 },
    ];
    assert.deepEqual(classify("game.payout", houseTopUp), expected({ gameHouseCoins: -40 }));
  });

  it("counts an exchange's diamonds, the coins credited and the platform's fee", () => {
    const entries: Entry[] = [
      { account: alice, currency: "diamonds", amount: -100 },
      { account: burn, currency: "diamonds", amount: 100 },
      { account: mint, currency: "coins", amount: -100 },
      { account: alice, currency: "coins", amount: 95 },
      { account: platform, currency: "coins", amount: 5 },
      { account: mint, currency: "coins", amount: -10 },
      { account: alice, currency: "coins", amount: 10 },
    ];
    assert.deepEqual(classify("exchange", entries), expected({ diamondsExchanged: 100, coinsFromExchange: 105, platformRevenueCoins: 5 }));
  });

  it("follows a withdrawal: requested, paid out with its fee, or refunded", () => {
    const request: Entry[] = [
      { account: alice, currency: "diamonds", amount: -1000 },
      { account: payable, currency: "diamonds", amount: 1000 },
    ];
    assert.deepEqual(classify("withdrawal.request", request), expected({ diamondsWithdrawalRequested: 1000 }));
    assert.deepEqual(
      classify("withdrawal.payout", withdrawalDecisionEntries(true, "alice", 1000, 50)),
      expected({ diamondsWithdrawn: 1000, platformRevenueDiamonds: 50 }),
    );
    assert.deepEqual(
      classify("withdrawal.refund", withdrawalDecisionEntries(false, "alice", 1000, 50)),
      expected({ diamondsWithdrawalRefunded: 1000 }),
    );
  });

  it("separates a reseller transfer from the commission minted for the reseller", () => {
    const entries: Entry[] = [
      { account: alice, currency: "coins", amount: -1000 },
      { account: bob, currency: "coins", amount: 1000 },
      { account: mint, currency: "coins", amount: -20 },
      { account: alice, currency: "coins", amount: 20 },
    ];
    assert.deepEqual(classify("reseller.transfer", entries), expected({ coinsResellerTransferred: 1000, coinsResellerCommission: 20 }));
  });

  it("counts admin grants, adjustments down, rewards and agency salaries", () => {
    assert.deepEqual(
      classify("admin.grant", [
        { account: mint, currency: "diamonds", amount: -7 },
        { account: alice, currency: "diamonds", amount: 7 },
      ]),
      expected({ diamondsGranted: 7 }),
    );
    assert.deepEqual(
      classify("admin.adjust", [
        { account: alice, currency: "coins", amount: -9 },
        { account: burn, currency: "coins", amount: 9 },
      ]),
      expected({ coinsAdjustedDown: 9 }),
    );
    assert.deepEqual(
      classify("reward", [
        { account: mint, currency: "coins", amount: -300 },
        { account: alice, currency: "coins", amount: 300 },
      ]),
      expected({ coinsRewarded: 300 }),
    );
    assert.deepEqual(
      classify("agency.salary", [
        { account: platform, currency: "diamonds", amount: -80 },
        { account: agencyAccount("a1"), currency: "diamonds", amount: 80 },
      ]),
      expected({ agencySalaryDiamonds: 80 }),
    );
  });

  it("classifies every ledger type the code posts, and counts an unknown one as unclassified", () => {
    const entries: Entry[] = [
      { account: mint, currency: "coins", amount: -1 },
      { account: alice, currency: "coins", amount: 1 },
    ];
    for (const type of LEDGER_TYPES) assert.equal(classify(type, entries).unclassifiedTransactions, 0, type);
    assert.deepEqual(classify("future.kind", entries), expected({ unclassifiedTransactions: 1 }));
  });

  it("adds figures field by field", () => {
    const sum = addFigures(expected({ coinsSpentGifts: 5 }), expected({ coinsSpentGifts: 7, diamondsEarned: 3 }));
    assert.deepEqual(sum, { ...emptyFigures(), transactions: 2, coinsSpentGifts: 12, diamondsEarned: 3 });
    assert.equal(Object.keys(sum).length, FINANCE_FIGURES.length);
  });
});
