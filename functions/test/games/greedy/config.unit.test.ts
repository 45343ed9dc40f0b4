import assert from "node:assert/strict";
import { DEFAULT_GREEDY_ITEMS, GreedyConfigSchema } from "../../../src/games/greedy/config.js";
import { oddsOf, overallRtp, rtpOf, totalWeight } from "../../../src/games/greedy/odds.js";
import { planSettlement } from "../../../src/games/greedy/settlement.js";
import type { StakeRecord } from "../../../src/games/greedy/store.js";

const issuesOf = (raw: unknown) => {
  const parsed = GreedyConfigSchema.safeParse(raw);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("games greedy: the wheel configuration and its odds (unit)", () => {
  it("the default wheel has four ×5, one ×10, ×15, ×25, ×45, every item at the same RTP ≈ 97 %", () => {
    const config = GreedyConfigSchema.parse({});
    assert.deepEqual(
      config.items.map((item) => item.multiplier),
      [5, 5, 5, 5, 10, 15, 25, 45],
    );
    const total = totalWeight(config.items);
    assert.equal(total, 463);
    for (const item of config.items) assert.equal(item.multiplier * item.weight, 450, `${item.id}: multiplier × weight`);
    for (const item of config.items) assert.ok(Math.abs(rtpOf(item, total) - 450 / 463) < 1e-12);
    assert.ok(Math.abs(overallRtp(config.items) - 0.9719) < 1e-4);
    assert.deepEqual(config.rtpBounds, { min: 0.9, max: 0.99 });
  });

  it("publishes per-item probability and RTP that add up", () => {
    const odds = oddsOf(GreedyConfigSchema.parse({}));
    assert.equal(odds.items.length, 8);
    assert.ok(Math.abs(odds.items.reduce((sum, item) => sum + item.probability, 0) - 1) < 1e-12);
    const steak = odds.items.find((item) => item.id === "steak");
    assert.equal(steak?.probability, 10 / 463);
    assert.equal(steak?.rtp, 450 / 463);
    assert.equal(odds.totalWeight, 463);
  });

  const withItem = (index: number, change: Record<string, unknown>) => ({
    items: DEFAULT_GREEDY_ITEMS.map((item, i) => (i === index ? { ...item, ...change } : item)),
  });

  const refused: [string, unknown, RegExp][] = [
    ["a zero weight", withItem(0, { weight: 0 }), /items\.0\.weight/],
    ["a fractional weight", withItem(0, { weight: 90.5 }), /items\.0\.weight/],
    ["a negative weight", withItem(7, { weight: -10 }), /items\.7\.weight/],
    ["an item paying more than it takes (RTP > max)", withItem(7, { weight: 11 }), /steak has RTP 1\.0/],
    ["an item far below the advertised RTP", withItem(6, { weight: 10 }), /chicken has RTP/],
    ["seven items", { items: DEFAULT_GREEDY_ITEMS.slice(1) }, /items/],
    ["duplicate ids", withItem(1, { id: "carrot" }), /item ids must be unique/],
    ["rtp bounds upside down", { rtpBounds: { min: 0.99, max: 0.9 } }, /rtpBounds/],
    ["bounds the default wheel does not meet", { rtpBounds: { min: 0.98, max: 0.99 } }, /outside \[0\.98, 0\.99\]/],
    ["duplicate chips", { chips: [10, 10] }, /chips must be unique/],
    ["a per-user cap below the largest chip", { maxStakePerUser: 5_000 }, /maxStakePerUser/],
    ["an exposure cap a single shard cannot honour", { exposureCapPerItem: 1_000_000 }, /exposureCapPerItem/],
    ["a betting window too short", { bettingSeconds: 1 }, /bettingSeconds/],
    ["an unknown field", { houseEdgeWhenLosing: 0.5 }, /Unrecognized key/],
  ];
  for (const [name, raw, expected] of refused) {
    it(`refuses ${name}`, () => {
      const issues = issuesOf(raw);
      assert.ok(
        issues.some((issue) => expected.test(issue)),
        `expected an issue matching ${expected}: ${JSON.stringify(issues)}`,
      );
    });
  }

  it("accepts a wheel whose items differ in RTP within the bounds", () => {
    assert.deepEqual(issuesOf({ ...withItem(7, { weight: 9 }), rtpBounds: { min: 0.87, max: 0.99 } }), []);
  });
});

describe("games greedy: who a round pays (unit)", () => {
  const round = { items: GreedyConfigSchema.parse({}).items, winningIndex: 7 };
  const stake = (uid: string, byItem: Record<string, number>): StakeRecord => ({
    uid,
    roundId: "r",
    roomId: "room",
    byItem,
    total: Object.values(byItem).reduce((sum, coins) => sum + coins, 0),
    placedAt: 0,
  });

  it("pays multiplier × the stake on the winning item, the rest to the house, sorted by uid", () => {
    const plan = planSettlement(round, [stake("b", { steak: 100, carrot: 10 }), stake("a", { steak: 10 }), stake("c", { corn: 1_000 })]);
    assert.equal(plan.stakes, 1_120);
    assert.deepEqual(plan.payouts, [
      { uid: "a", coins: 450, placedAt: 0 },
      { uid: "b", coins: 4_500, placedAt: 0 },
    ]);
    assert.equal(plan.house, 1_120 - 4_950);
  });

  it("a round nobody won gives everything to the house", () => {
    const plan = planSettlement(round, [stake("a", { corn: 100 })]);
    assert.deepEqual(plan.payouts, []);
    assert.equal(plan.house, 100);
  });

  it("refuses a round without a result", () => {
    assert.throws(() => planSettlement({ ...round, winningIndex: null }, []), /no result/);
  });
});
