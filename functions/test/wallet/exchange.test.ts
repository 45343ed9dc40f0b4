import assert from "node:assert/strict";
import { db } from "../../src/kernel/app.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../../src/wallet/accounts.js";
import { exchangeDiamonds } from "../../src/wallet/callables.js";
import { postLedgerTransaction } from "../../src/wallet/ledger.js";
import { runReconciliation } from "../../src/wallet/reconciliation.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import type { TestUser } from "../support/users.js";
import { seedVipConfig, vipAt } from "../support/vip-world.js";
import { balancesOf, entrySet, fund, ledgerBalance, ledgerOfType, requestId, setEconomy, walletUser } from "./support.js";

describe("wallet: exchangeDiamonds", () => {
  useCleanStack();
  let user: TestUser;

  beforeEach(async () => {
    await setEconomy({ exchangeCoinsPerDiamond: 2, exchangeFeeBps: 500 });
    user = await walletUser();
  });

  it("burns the diamonds, mints the coins, keeps the fee for the platform, folding the shards", async () => {
    await fund(user.uid, { diamonds: 100, shardDiamonds: [30, 20] });
    const result = await callInProcess(exchangeDiamonds, { user, data: { diamonds: 120, requestId: requestId() } });

    // 120 diamonds × 2 = 240 coins gross; 5 % fee = 12; 228 to the user.
    assert.equal(result.diamondsSpent, 120);
    assert.equal(result.coinsReceived, 228);
    assert.equal(result.feeCoins, 12);
    assert.deepEqual(result.balances, { coins: 228, diamonds: 30 });
    assert.deepEqual(await balancesOf(user.uid), { coins: 228, diamonds: 30 });
    assert.equal((await db().collection(`wallets/${user.uid}/shards`).get()).size, 0, "shards were folded");

    const [tx] = await ledgerOfType("exchange");
    assert.ok(tx);
    assert.equal(tx.id, result.transactionId);
    assert.deepEqual(
      entrySet(tx),
      [
        `user:${user.uid} diamonds -120`,
        "system:burn diamonds 120",
        "system:mint coins -240",
        `user:${user.uid} coins 228`,
        "system:platform coins 12",
      ].sort(),
    );
    assert.equal(await ledgerBalance("system:platform", "coins"), 12);
    assert.equal(await ledgerBalance("system:burn", "diamonds"), 120);
    assert.equal((await runReconciliation("admin")).ok, true);
  });

  it("a host whose wallet covers the exchange leaves the shards alone: exchanges and concurrent gifts never contend", async () => {
    await fund(user.uid, { diamonds: 1_000, shardDiamonds: [5] });
    const gifts = Array.from({ length: 30 }, (_, i) =>
      postLedgerTransaction({ type: "gift", owner: "test", key: `hot-gift-${i}` }, async () => ({
        entries: [
          { account: SYSTEM_ACCOUNTS.mint, currency: "diamonds", amount: -2 },
          { account: userAccount(user.uid), currency: "diamonds", amount: 2, viaShard: true },
        ],
        result: null,
      })),
    );
    const exchanges = Array.from({ length: 10 }, () => callInProcess(exchangeDiamonds, { user, data: { diamonds: 50, requestId: requestId() } }));
    const results = await Promise.all(exchanges);
    await Promise.all(gifts);
    // Each answer shows the unfolded gift credits too; the shards were never folded (no contention).
    for (const result of results) assert.ok(result.balances.diamonds >= 1_000 - 500 + 5);
    assert.equal((await db().doc(`wallets/${user.uid}`).get()).get("diamonds"), 500);
    assert.deepEqual(await balancesOf(user.uid), { coins: 10 * 95, diamonds: 500 + 5 + 60 });
    assert.equal((await runReconciliation("admin")).ok, true);
  });

  it("moves value once for 5 concurrent calls with the same requestId, and all get the same result", async () => {
    await fund(user.uid, { diamonds: 1000 });
    const data = { diamonds: 100, requestId: requestId() };
    const results = await Promise.all(Array.from({ length: 5 }, () => callInProcess(exchangeDiamonds, { user, data })));
    for (const r of results) assert.deepEqual(r, results[0]);
    assert.deepEqual(await balancesOf(user.uid), { coins: 190, diamonds: 900 });
    assert.equal((await ledgerOfType("exchange")).length, 1);
  });

  it("refuses more diamonds than the caller holds, and moves nothing", async () => {
    await fund(user.uid, { diamonds: 50 });
    const before = await allPaths();
    const err = await expectHttpsError(
      callInProcess(exchangeDiamonds, { user, data: { diamonds: 51, requestId: requestId() } }),
      "failed-precondition",
    );
    assert.match(err.message, /Insufficient diamonds/);
    assert.deepEqual(await allPaths(), before);
    assert.deepEqual(await balancesOf(user.uid), { coins: 0, diamonds: 50 });
  });

  it("refuses a reused requestId with another amount", async () => {
    await fund(user.uid, { diamonds: 500 });
    const id = requestId();
    await callInProcess(exchangeDiamonds, { user, data: { diamonds: 100, requestId: id } });
    await expectHttpsError(callInProcess(exchangeDiamonds, { user, data: { diamonds: 200, requestId: id } }), "failed-precondition");
    assert.deepEqual(await balancesOf(user.uid), { coins: 190, diamonds: 400 });
  });

  it("refuses an exchange whose fee would take every coin", async () => {
    await setEconomy({ exchangeCoinsPerDiamond: 1, exchangeFeeBps: 10_000 });
    await fund(user.uid, { diamonds: 10 });
    await expectHttpsError(callInProcess(exchangeDiamonds, { user, data: { diamonds: 10, requestId: requestId() } }), "failed-precondition");
    assert.deepEqual(await balancesOf(user.uid), { coins: 0, diamonds: 10 });
  });

  it("posts no platform entry when the fee is zero", async () => {
    await setEconomy({ exchangeCoinsPerDiamond: 3, exchangeFeeBps: 0 });
    await fund(user.uid, { diamonds: 10 });
    const result = await callInProcess(exchangeDiamonds, { user, data: { diamonds: 10, requestId: requestId() } });
    assert.equal(result.coinsReceived, 30);
    const [tx] = await ledgerOfType("exchange");
    assert.ok(tx);
    assert.deepEqual(
      entrySet(tx),
      [`user:${user.uid} diamonds -10`, "system:burn diamonds 10", "system:mint coins -30", `user:${user.uid} coins 30`].sort(),
    );
  });
});

describe("wallet: exchangeDiamonds pays the VIP exchange bonus", () => {
  useCleanStack();
  let user: TestUser;

  beforeEach(async () => {
    await setEconomy({ exchangeCoinsPerDiamond: 2, exchangeFeeBps: 500 });
    // Tier 1: 200 bps, tier 2: 400 bps, tier 3: none (vip-world.ts TIERS).
    await seedVipConfig();
    user = await walletUser();
    await fund(user.uid, { diamonds: 1000 });
  });

  const exchange = (diamonds: number) => callInProcess(exchangeDiamonds, { user, data: { diamonds, requestId: requestId() } });

  it("credits the active tier's bonus on the gross, floored, from the mint, in the same transaction", async () => {
    await db()
      .doc(`users/${user.uid}`)
      .update(vipAt(2, Date.now() + 86_400_000));
    // 333 diamonds × 2 = 666 coins gross; fee 5 % = 33; bonus 4 % of 666 = 26.64 → 26.
    const result = await exchange(333);
    assert.equal(result.coinsReceived, 633);
    assert.equal(result.feeCoins, 33);
    assert.equal(result.vipBonusCoins, 26);
    assert.deepEqual(result.balances, { coins: 659, diamonds: 667 });
    assert.deepEqual(await balancesOf(user.uid), { coins: 659, diamonds: 667 });
    const [tx] = await ledgerOfType("exchange");
    assert.ok(tx);
    assert.deepEqual(
      entrySet(tx),
      [
        `user:${user.uid} diamonds -333`,
        "system:burn diamonds 333",
        "system:mint coins -666",
        `user:${user.uid} coins 633`,
        "system:platform coins 33",
        "system:mint coins -26",
        `user:${user.uid} coins 26`,
      ].sort(),
    );
    assert.equal(tx.meta.vipBonusCoins, 26);
    assert.equal((await runReconciliation("admin")).ok, true);
  });

  it("pays nothing extra for an expired membership, no membership, or a tier without the privilege", async () => {
    await db()
      .doc(`users/${user.uid}`)
      .update(vipAt(2, Date.now() - 1000));
    const expired = await exchange(100);
    assert.equal(expired.vipBonusCoins, 0);
    assert.equal(expired.coinsReceived, 190);
    await db()
      .doc(`users/${user.uid}`)
      .update(vipAt(3, Date.now() + 86_400_000));
    assert.equal((await exchange(100)).vipBonusCoins, 0);
    const plain = await walletUser();
    await fund(plain.uid, { diamonds: 100 });
    assert.equal((await callInProcess(exchangeDiamonds, { user: plain, data: { diamonds: 100, requestId: requestId() } })).vipBonusCoins, 0);
    assert.deepEqual(await balancesOf(user.uid), { coins: 380, diamonds: 800 });
    for (const tx of await ledgerOfType("exchange")) assert.equal(tx.entries.length, 5);
  });
});
