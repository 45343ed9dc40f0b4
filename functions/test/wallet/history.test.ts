import assert from "node:assert/strict";
import { exchangeDiamonds, getLedgerHistory, resellerTransfer } from "../../src/wallet/callables.js";
import type { GetLedgerHistoryResponse, LedgerHistoryItem } from "../../src/wallet/schema.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { useCleanStack } from "../support/stack.js";
import type { TestUser } from "../support/users.js";
import { fund, requestId, setEconomy, walletUser } from "./support.js";

describe("wallet: getLedgerHistory", () => {
  useCleanStack();
  let user: TestUser;
  let other: TestUser;

  beforeEach(async () => {
    await setEconomy({ exchangeCoinsPerDiamond: 1, exchangeFeeBps: 1000 });
    [user, other] = await Promise.all([walletUser(), walletUser()]);
    // Oldest first: +1000 coins; +500 diamonds; exchange 100 → +90 coins; +7 diamonds on a shard; exchange 200 → +180.
    await fund(user.uid, { coins: 1000 });
    await fund(user.uid, { diamonds: 500 });
    await callInProcess(exchangeDiamonds, { user, data: { diamonds: 100, requestId: requestId() } });
    await fund(user.uid, { shardDiamonds: [7] });
    await callInProcess(exchangeDiamonds, { user, data: { diamonds: 200, requestId: requestId() } });
    await fund(other.uid, { coins: 42 });
  });

  const history = (data: unknown, caller: TestUser = user) => callInProcess<GetLedgerHistoryResponse>(getLedgerHistory, { user: caller, data });

  async function allPages(data: Record<string, unknown>): Promise<{ items: LedgerHistoryItem[]; pages: number }> {
    const items: LedgerHistoryItem[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await history({ ...data, ...(cursor ? { cursor } : {}) });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 20);
    return { items, pages };
  }

  it("returns the caller's transactions newest first, with their own net amounts, defaults on null", async () => {
    const { items, nextCursor } = await history(null);
    assert.equal(nextCursor, null);
    assert.deepEqual(
      items.map((i) => [i.type, i.amounts]),
      [
        ["exchange", { diamonds: -200, coins: 180 }],
        ["reward", { diamonds: 7 }],
        ["exchange", { diamonds: -100, coins: 90 }],
        ["reward", { diamonds: 500 }],
        ["reward", { coins: 1000 }],
      ],
    );
    for (const item of items) assert.ok(item.createdAt && !Number.isNaN(Date.parse(item.createdAt)));
    const times = items.map((i) => Date.parse(i.createdAt as string));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
    assert.deepEqual(items[0]?.meta, { diamonds: 200, coinsPerDiamond: 1, feeCoins: 20, vipBonusCoins: 0 });
    // The other user sees only their own transaction.
    const theirs = await history({}, other);
    assert.deepEqual(
      theirs.items.map((i) => i.amounts),
      [{ coins: 42 }],
    );
  });

  it("pages with an opaque cursor without gaps or repeats", async () => {
    const { items, pages } = await allPages({ limit: 2 });
    assert.equal(pages, 3);
    const full = await history({ limit: 100 });
    assert.deepEqual(
      items.map((i) => i.id),
      full.items.map((i) => i.id),
    );
    assert.equal(new Set(items.map((i) => i.id)).size, 5);
  });

  it("filters by type and by currency (also across pages)", async () => {
    const exchanges = await allPages({ type: "exchange", limit: 1 });
    assert.deepEqual(
      exchanges.items.map((i) => i.amounts.diamonds),
      [-200, -100],
    );
    const coins = await allPages({ currency: "coins", limit: 2 });
    assert.deepEqual(
      coins.items.map((i) => i.amounts.coins),
      [180, 90, 1000],
    );
    const diamondRewards = await history({ currency: "diamonds", type: "reward" });
    assert.deepEqual(
      diamondRewards.items.map((i) => i.amounts.diamonds),
      [7, 500],
    );
    assert.deepEqual((await history({ type: "gift" })).items, []);
  });

  it("shows each party only its own movements: no counterparty's commission, balances or unlisted meta", async () => {
    const reseller = await walletUser(["reseller"]);
    await fund(reseller.uid, { coins: 5000 });
    await setEconomy({ resellerCommissionBps: 300 });
    await callInProcess(resellerTransfer, { user: reseller, data: { toUid: other.uid, coins: 1000, requestId: requestId() } });
    const [received] = (await history({ type: "reseller.transfer" }, other)).items;
    assert.deepEqual(received?.amounts, { coins: 1000 });
    assert.deepEqual(received?.meta, { fromUid: reseller.uid, toUid: other.uid, coins: 1000 });
    const [sold] = (await history({ type: "reseller.transfer" }, reseller)).items;
    assert.deepEqual(sold?.amounts, { coins: -970 });
    assert.deepEqual(sold?.meta, { fromUid: reseller.uid, toUid: other.uid, coins: 1000, commissionCoins: 30 });
    for (const item of [received, sold]) {
      assert.equal(JSON.stringify(item).includes("balances"), false);
    }
  });

  it("rejects bad limits, types, currencies and forged cursors with invalid-argument", async () => {
    const forged = Buffer.from(JSON.stringify({ id: "x" })).toString("base64url");
    for (const data of [
      { limit: 0 },
      { limit: 101 },
      { limit: 2.5 },
      { type: "heist" },
      { currency: "gold" },
      { cursor: "not-a-cursor" },
      { cursor: forged },
      { extra: 1 },
      "all",
    ]) {
      await expectHttpsError(history(data), "invalid-argument");
    }
    await expectHttpsError(callInProcess(getLedgerHistory, { data: {} }), "unauthenticated");
  });
});
