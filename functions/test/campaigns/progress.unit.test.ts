import assert from "node:assert/strict";
import { campaignProgressDeltas } from "../../src/campaigns/progress.js";
import type { Campaign } from "../../src/campaigns/schema.js";

const at = (ms: number) => ({ toMillis: () => ms });

describe("campaigns: progress of a ledger transaction (unit)", () => {
  const base: Campaign = {
    id: "c",
    title: "C",
    startsAtMs: 1_000,
    endsAtMs: 2_000,
    claimUntilMs: 3_000,
    cancelled: false,
    goal: { metric: "gifts-sent" },
    tiers: [{ threshold: 1, coins: 1 }],
  };
  const gift = (createdAtMs: number, meta: Record<string, unknown> = {}) => ({
    type: "gift",
    owner: "sender",
    createdAt: at(createdAtMs),
    meta: { giftId: "star", count: 3, totalCoins: 300, recipientUid: "host", ...meta },
  });

  it("adds units or coins to the sender or the recipient, per the goal's metric", () => {
    const campaigns: Campaign[] = [
      base,
      { ...base, id: "r", goal: { metric: "gifts-received" } },
      { ...base, id: "cs", goal: { metric: "gift-coins-sent" } },
      { ...base, id: "cr", goal: { metric: "gift-coins-received", giftId: "star" } },
      { ...base, id: "rose", goal: { metric: "gifts-sent", giftId: "rose" } },
    ];
    assert.deepEqual(campaignProgressDeltas(gift(1_500), campaigns), [
      { campaignId: "c", uid: "sender", amount: 3 },
      { campaignId: "r", uid: "host", amount: 3 },
      { campaignId: "cs", uid: "sender", amount: 300 },
      { campaignId: "cr", uid: "host", amount: 300 },
    ]);
  });

  it("counts only inside [startsAt, endsAt) of a campaign not cancelled", () => {
    assert.equal(campaignProgressDeltas(gift(1_000), [base]).length, 1);
    assert.equal(campaignProgressDeltas(gift(999), [base]).length, 0);
    assert.equal(campaignProgressDeltas(gift(2_000), [base]).length, 0);
    assert.equal(campaignProgressDeltas(gift(1_500), [{ ...base, cancelled: true }]).length, 0);
  });

  it("ignores other transaction types and malformed gifts", () => {
    assert.deepEqual(campaignProgressDeltas({ ...gift(1_500), type: "reward" }, [base]), []);
    assert.deepEqual(campaignProgressDeltas({ ...gift(1_500), createdAt: undefined }, [base]), []);
    assert.deepEqual(campaignProgressDeltas(gift(1_500, { count: 1.5 }), [base]), []);
    assert.deepEqual(campaignProgressDeltas(gift(1_500, { recipientUid: null }), [base]), []);
  });
});
