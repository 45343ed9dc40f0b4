import assert from "node:assert/strict";
import { giftEntries, giftFeedPath, isVip, sendableGift, splitGiftValue } from "../../src/gifts/send-gift.js";
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
      vipOnly: true,
      animationAssetId: "rose.json",
    });
    assert.deepEqual(sendableGift(gift({ priceCoins: 1, active: true }), now), {
      name: "rose",
      priceCoins: 1,
      vipOnly: false,
      animationAssetId: null,
    });
  });

  const refusals: [string, Record<string, unknown> | null, string][] = [
    ["a missing gift", null, "not-found"],
    ["a price of zero", { ...sellable, priceCoins: 0 }, "failed-precondition"],
    ["a fractional price", { ...sellable, priceCoins: 1.5 }, "failed-precondition"],
    ["a price as a string", { ...sellable, priceCoins: "5" }, "failed-precondition"],
    ["an inactive gift", { ...sellable, active: false }, "failed-precondition"],
    ["a gift without the active flag", { name: "Rose", priceCoins: 5 }, "failed-precondition"],
    ["before its window opens", { ...sellable, activeFrom: at(now + 1) }, "failed-precondition"],
    ["at the instant its window closes", { ...sellable, activeUntil: at(now) }, "failed-precondition"],
  ];
  for (const [name, data, code] of refusals) {
    it(`refuses ${name}`, () => assert.equal(refusalOf(() => sendableGift(gift(data), now))?.code, code));
  }

  it("sells inside [activeFrom, activeUntil)", () => {
    assert.equal(sendableGift(gift({ ...sellable, activeFrom: at(now), activeUntil: at(now + 1) }), now).priceCoins, 5);
  });

  it("publishes each venue's gifts to its own feed", () => {
    assert.equal(giftFeedPath({ type: "stream", id: "s1" }), "giftEvents/stream_s1");
    assert.equal(giftFeedPath({ type: "room", id: "s1" }), "giftEvents/room_s1");
  });
});
