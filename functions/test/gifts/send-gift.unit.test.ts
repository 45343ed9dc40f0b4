import assert from "node:assert/strict";
import { isCampaignRunning } from "../../src/campaigns/store.js";
import { giftEntries, refuseGift, sendableGift, senderRefusal, splitGiftValue } from "../../src/gifts/send-gift.js";
import { nextStreak } from "../../src/gifts/streaks.js";
import { activeVip } from "../../src/progression/vip/store.js";

const isVip = (user: Record<string, unknown> | undefined, nowMs: number) => activeVip(user, nowMs) !== null;

import { VenuePaths } from "../../src/venues/paths.js";
import { SYSTEM_ACCOUNTS, userAccount, type WalletAccount } from "../../src/wallet/accounts.js";
import { shareOf } from "../../src/wallet/config.js";
import { validateEntries } from "../../src/wallet/ledger.js";
import { refusalOf } from "../support/refusals.js";

const at = (ms: number) => ({ toMillis: () => ms });

describe("gifts: the split of a gift's value (unit)", () => {
  const cases: [string, number, { hostShareBps: number; agencyShareBps: number }, boolean, [number, number, number]][] = [
    ["the default 50 % / 10 %", 100, { hostShareBps: 5000, agencyShareBps: 1000 }, true, [50, 10, 40]],
    ["no agency: its share stays with the platform", 100, { hostShareBps: 5000, agencyShareBps: 1000 }, false, [50, 0, 50]],
    ["shares round down, the platform takes the remainder", 7, { hostShareBps: 5000, agencyShareBps: 1000 }, true, [3, 0, 4]],
    ["a 1-coin gift earns the host nothing at 50 %", 1, { hostShareBps: 5000, agencyShareBps: 1000 }, true, [0, 0, 1]],
    ["host and agency take everything", 999, { hostShareBps: 9000, agencyShareBps: 1000 }, true, [899, 99, 1]],
    ["host 100 %", 12345, { hostShareBps: 10_000, agencyShareBps: 0 }, true, [12345, 0, 0]],
    ["zero shares", 50, { hostShareBps: 0, agencyShareBps: 0 }, true, [0, 0, 50]],
    [
      "a combo of large gifts stays exact",
      3 * 999_999_999,
      { hostShareBps: 3333, agencyShareBps: 1234 },
      true,
      [999_899_999, 370_199_999, 1_629_899_999],
    ],
  ];
  for (const [name, total, shares, hasAgency, [host, agency, platform]] of cases) {
    it(name, () => {
      const split = splitGiftValue(total, shares, hasAgency);
      assert.deepEqual(split, { totalCoins: total, hostShare: host, agencyShare: agency, platformShare: platform });
      assert.equal(split.hostShare + split.agencyShare + split.platformShare, total);
    });
  }

  it("shareOf is floor(amount × bps / 10000)", () => {
    assert.equal(shareOf(0, 5000), 0);
    assert.equal(shareOf(19_999, 1), 1);
    assert.equal(shareOf(9_999, 1), 0);
    assert.equal(shareOf(101, 10_000), 101);
  });
});

describe("gifts: ledger entries of a gift (unit)", () => {
  const agency: WalletAccount = "agency:a1";

  it("burns the sender's coins, mints the diamonds, credits host and agency through shards, the rest to the platform", () => {
    const entries = giftEntries("s", "h", agency, splitGiftValue(100, { hostShareBps: 5000, agencyShareBps: 1000 }, true));
    assert.deepEqual(entries, [
      { account: userAccount("s"), currency: "coins", amount: -100 },
      { account: SYSTEM_ACCOUNTS.burn, currency: "coins", amount: 100 },
      { account: SYSTEM_ACCOUNTS.mint, currency: "diamonds", amount: -100 },
      { account: userAccount("h"), currency: "diamonds", amount: 50, viaShard: true },
      { account: agency, currency: "diamonds", amount: 10, viaShard: true },
      { account: SYSTEM_ACCOUNTS.platform, currency: "diamonds", amount: 40 },
    ]);
    validateEntries(entries);
  });

  it("leaves zero shares out, so every split is a valid posting", () => {
    for (const [total, hostShareBps, agencyShareBps] of [
      [1, 5000, 1000],
      [10, 10_000, 0],
      [10, 0, 0],
      [3, 3333, 3333],
    ] as const) {
      const entries = giftEntries("s", "h", agency, splitGiftValue(total, { hostShareBps, agencyShareBps }, true));
      assert.ok(entries.every((entry) => entry.amount !== 0));
      validateEntries(entries);
    }
    const hostOnly = giftEntries("s", "h", null, splitGiftValue(10, { hostShareBps: 10_000, agencyShareBps: 0 }, false));
    assert.deepEqual(
      hostOnly.map((e) => e.account),
      [userAccount("s"), SYSTEM_ACCOUNTS.burn, SYSTEM_ACCOUNTS.mint, userAccount("h")],
    );
  });
});

describe("gifts: who may send what (unit)", () => {
  const now = Date.UTC(2026, 0, 1);

  it("counts VIP from tier 1 until the expiry, exclusive", () => {
    assert.equal(isVip({ vip: { tier: 1, expiresAt: at(now + 1) } }, now), true);
    assert.equal(isVip({ vip: { tier: 1, expiresAt: at(now) } }, now), false);
    assert.equal(isVip({ vip: { tier: 0, expiresAt: at(now + 1) } }, now), false);
    assert.equal(isVip({ vip: { tier: 2, expiresAt: now + 1 } }, now), false, "a raw number is not a Timestamp");
    assert.equal(isVip({ vip: { tier: "2", expiresAt: at(now + 1) } }, now), false);
    assert.equal(isVip(undefined, now), false);
  });

  const gift = (data: Record<string, unknown> | null) => ({ exists: data !== null, id: "rose", data: () => data ?? undefined });
  const sellable = { name: "Rose", priceCoins: 5, active: true };

  it("reads a catalog gift, with defaults for optional fields", () => {
    assert.deepEqual(sendableGift(gift({ ...sellable, vipOnly: true, animationAssetId: "rose.json" }), now), {
      name: "Rose",
      priceCoins: 5,
      category: "general",
      rarity: "common",
      vipMinTier: 1,
      campaignId: null,
      availableUntilMs: null,
      animationAssetId: "rose.json",
    });
    assert.deepEqual(sendableGift(gift({ priceCoins: 1, active: true }), now), {
      name: "rose",
      priceCoins: 1,
      category: "general",
      rarity: "common",
      vipMinTier: 0,
      campaignId: null,
      availableUntilMs: null,
      animationAssetId: null,
    });
    const seasonal = { ...sellable, category: "winter", rarity: "legendary", vipMinTier: 3, campaignId: "snow-fest", activeUntil: at(now + 5) };
    assert.deepEqual(sendableGift(gift(seasonal), now), {
      name: "Rose",
      priceCoins: 5,
      category: "winter",
      rarity: "legendary",
      vipMinTier: 3,
      campaignId: "snow-fest",
      availableUntilMs: now + 5,
      animationAssetId: null,
    });
    assert.equal(sendableGift(gift({ ...sellable, rarity: "mythic", vipMinTier: 1.5 }), now).rarity, "common", "an unknown rarity reads as common");
    assert.equal(sendableGift(gift({ ...sellable, vipMinTier: 0, vipOnly: true }), now).vipMinTier, 1);
  });

  const refusals: [string, Record<string, unknown> | null, string, string | undefined][] = [
    ["a missing gift", null, "not-found", undefined],
    ["a price of zero", { ...sellable, priceCoins: 0 }, "failed-precondition", "gift-unavailable"],
    ["a fractional price", { ...sellable, priceCoins: 1.5 }, "failed-precondition", "gift-unavailable"],
    ["a price as a string", { ...sellable, priceCoins: "5" }, "failed-precondition", "gift-unavailable"],
    ["an inactive gift", { ...sellable, active: false }, "failed-precondition", "gift-unavailable"],
    ["a gift without the active flag", { name: "Rose", priceCoins: 5 }, "failed-precondition", "gift-unavailable"],
    ["before its window opens", { ...sellable, activeFrom: at(now + 1) }, "failed-precondition", "gift-not-yet-available"],
    ["at the instant its window closes", { ...sellable, activeUntil: at(now) }, "failed-precondition", "gift-expired"],
  ];
  for (const [name, data, code, reason] of refusals) {
    it(`refuses ${name}`, () => {
      const refusal = refusalOf(() => sendableGift(gift(data), now));
      assert.equal(refusal?.code, code);
      assert.equal(refusal?.details.reason, reason);
    });
  }

  it("refuses a sender below the gift's VIP tier, and a campaign gift while its campaign is not running", () => {
    const base = sendableGift(gift(sellable), now);
    assert.equal(senderRefusal(base, 0, false), null);
    assert.equal(senderRefusal({ ...base, vipMinTier: 2 }, 1, false), "vip-tier-required");
    assert.equal(senderRefusal({ ...base, vipMinTier: 2 }, 2, false), null);
    assert.equal(senderRefusal({ ...base, campaignId: "snow-fest" }, 9, false), "campaign-not-running");
    assert.equal(senderRefusal({ ...base, campaignId: "snow-fest" }, 0, true), null);
    assert.equal(refusalOf(() => refuseGift("vip-tier-required", "rose"))?.code, "permission-denied");
    assert.equal(refusalOf(() => refuseGift("campaign-not-running", "rose"))?.code, "failed-precondition");
  });

  it("a campaign runs inside [startsAt, endsAt) unless cancelled", () => {
    const window = { startsAt: at(now), endsAt: at(now + 10) };
    assert.equal(isCampaignRunning(window, now), true);
    assert.equal(isCampaignRunning(window, now - 1), false);
    assert.equal(isCampaignRunning(window, now + 10), false);
    assert.equal(isCampaignRunning({ ...window, cancelled: true }, now), false);
    assert.equal(isCampaignRunning({ startsAt: at(now) }, now), false);
    assert.equal(isCampaignRunning(undefined, now), false);
  });

  it("sells inside [activeFrom, activeUntil)", () => {
    assert.equal(sendableGift(gift({ ...sellable, activeFrom: at(now), activeUntil: at(now + 1) }), now).priceCoins, 5);
  });

  it("publishes each venue's gifts to its own feed", () => {
    assert.equal(VenuePaths.giftFeed({ type: "stream", id: "s1" }), "giftEvents/stream_s1");
    assert.equal(VenuePaths.giftFeed({ type: "room", id: "s1" }), "giftEvents/room_s1");
  });
});

describe("gifts: streaks (unit)", () => {
  const window = 30_000;
  it("starts at 1, grows within the window of the previous send, restarts after it", () => {
    const first = nextStreak(undefined, 1_000, window);
    assert.deepEqual(first, { count: 1, best: 1, lastAtMs: 1_000 });
    const second = nextStreak({ ...first }, 31_000, window);
    assert.deepEqual(second, { count: 2, best: 2, lastAtMs: 31_000 }, "exactly at the window's end still continues");
    const third = nextStreak({ ...second }, 61_001, window);
    assert.deepEqual(third, { count: 1, best: 2, lastAtMs: 61_001 }, "the best streak is kept");
  });

  it("reads malformed stored values as no streak, and never moves lastAtMs backwards", () => {
    assert.deepEqual(nextStreak({ count: "7", lastAtMs: 5 }, 10, window), { count: 1, best: 1, lastAtMs: 10 });
    assert.deepEqual(nextStreak({ count: 3, best: 3, lastAtMs: 2_000 }, 1_500, window), { count: 4, best: 4, lastAtMs: 2_000 });
  });
});
