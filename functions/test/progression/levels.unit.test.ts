import assert from "node:assert/strict";
import { GENEROUS_COINS, ledgerBadgeCandidates } from "../../src/progression/badges.js";
import {
  DEFAULT_WEALTH_THRESHOLDS,
  levelFor,
  nextThreshold,
  ProgressionConfigSchema,
  rewardFor,
  thresholdsOf,
} from "../../src/progression/config.js";
import { dueLevels, pointsOfTransaction } from "../../src/progression/levels.js";

describe("progression: level curves (unit)", () => {
  const curve = [0, 100, 1_000, 5_000];

  const cases: [number, number, number | null][] = [
    [0, 0, 100],
    [99, 0, 100],
    [100, 1, 1_000],
    [999, 1, 1_000],
    [1_000, 2, 5_000],
    [4_999, 2, 5_000],
    [5_000, 3, null],
    [10 ** 12, 3, null],
    [-5, 0, 100],
  ];
  for (const [points, level, next] of cases) {
    it(`${points} points: level ${level}, next at ${next ?? "none (top)"}`, () => {
      assert.equal(levelFor(points, curve), level);
      assert.equal(nextThreshold(level, curve), next);
    });
  }

  it("a curve of one threshold has only level 0", () => {
    assert.equal(levelFor(1_000_000, [0]), 0);
    assert.equal(nextThreshold(0, [0]), null);
  });

  it("defaults: ten levels from 0 to 1,000,000 on both tracks, no rewards", () => {
    const config = ProgressionConfigSchema.parse({});
    assert.deepEqual(thresholdsOf(config, "wealth"), DEFAULT_WEALTH_THRESHOLDS);
    assert.equal(levelFor(1_000_000, thresholdsOf(config, "charm")), 9);
    assert.equal(rewardFor(config, "wealth", 1), 0);
  });

  it("refuses curves that do not start at 0 or do not rise strictly", () => {
    for (const wealthThresholds of [[1, 100], [0, 100, 100], [0, 50, 40], []]) {
      assert.equal(ProgressionConfigSchema.safeParse({ wealthThresholds }).success, false, JSON.stringify(wealthThresholds));
    }
  });

  it("rewards only the levels configured, per track", () => {
    const config = ProgressionConfigSchema.parse({ levelRewards: { wealth: { 2: 50, 5: 500 }, charm: { 2: 10 } } });
    assert.deepEqual(
      [1, 2, 3, 5].map((level) => rewardFor(config, "wealth", level)),
      [0, 50, 0, 500],
    );
    assert.equal(rewardFor(config, "charm", 2), 10);
    assert.equal(rewardFor(config, "charm", 5), 0);
  });

  it("never lowers a level already held, even when the curve moved up since", () => {
    const config = ProgressionConfigSchema.parse({ wealthThresholds: [0, 100, 1_000], charmThresholds: [0, 10] });
    assert.deepEqual(dueLevels({ coinsSpent: 150, diamondsReceived: 10 }, { levels: { wealth: 0, charm: 0 } }, config), { wealth: 1, charm: 1 });
    assert.deepEqual(dueLevels({ coinsSpent: 150, diamondsReceived: 0 }, { levels: { wealth: 2, charm: 1 } }, config), { wealth: 2, charm: 1 });
    assert.deepEqual(dueLevels({ coinsSpent: 5_000, diamondsReceived: 9 }, { levels: { wealth: 1, charm: 0 } }, config), { wealth: 2, charm: 0 });
  });
});

describe("progression: points of a ledger transaction (unit)", () => {
  const gift = {
    type: "gift",
    entries: [
      { account: "user:fan", currency: "coins", amount: -100 },
      { account: "system:burn", currency: "coins", amount: 100 },
      { account: "system:mint", currency: "diamonds", amount: -100 },
      { account: "user:host", currency: "diamonds", amount: 50 },
      { account: "agency:a1", currency: "diamonds", amount: 10 },
      { account: "system:platform", currency: "diamonds", amount: 40 },
    ],
  };

  it("a gift: wealth for the sender's coins, charm for the host's diamonds; agencies and system accounts earn nothing", () => {
    assert.deepEqual(
      pointsOfTransaction(gift),
      new Map([
        ["fan", { coinsSpent: 100, diamondsReceived: 0 }],
        ["host", { coinsSpent: 0, diamondsReceived: 50 }],
      ]),
    );
  });

  it("VIP purchases and room entries earn wealth only", () => {
    for (const type of ["vip.purchase", "room.entry"]) {
      const points = pointsOfTransaction({ ...gift, type });
      assert.deepEqual(points, new Map([["fan", { coinsSpent: 100, diamondsReceived: 0 }]]), type);
    }
  });

  it("purchases, rewards, exchanges, grants and the rest earn nothing (a reward cannot feed back into levels)", () => {
    for (const type of ["purchase", "reward", "exchange", "admin.grant", "reseller.transfer", "withdrawal.request", undefined, 7]) {
      assert.equal(pointsOfTransaction({ ...gift, type }).size, 0, String(type));
    }
  });

  it("adds up several entries of one user and skips malformed ones", () => {
    const points = pointsOfTransaction({
      type: "gift",
      entries: [
        { account: "user:fan", currency: "coins", amount: -30 },
        { account: "user:fan", currency: "coins", amount: -20 },
        { account: "user:fan", currency: "coins", amount: 5 },
        { account: "user:fan", currency: "coins", amount: -1.5 },
        { account: "user:odd", currency: "coins", amount: "-9" },
        null,
        { currency: "coins", amount: -9 },
      ],
    });
    assert.deepEqual(points, new Map([["fan", { coinsSpent: 50, diamondsReceived: 0 }]]));
    assert.equal(pointsOfTransaction({ type: "gift", entries: "nope" }).size, 0);
  });
});

describe("progression: ledger badges (unit)", () => {
  it("first gift sent, first gift received, and generous from GENEROUS_COINS spent", () => {
    assert.deepEqual(ledgerBadgeCandidates({ sentGift: false, receivedGift: false, coinsSpent: GENEROUS_COINS - 1 }), []);
    assert.deepEqual(ledgerBadgeCandidates({ sentGift: true, receivedGift: false, coinsSpent: GENEROUS_COINS }), [
      "first-gift-sent",
      "generous-1000",
    ]);
    assert.deepEqual(ledgerBadgeCandidates({ sentGift: false, receivedGift: true, coinsSpent: 0 }), ["first-gift-received"]);
  });
});
