import assert from "node:assert/strict";
import { auth, db } from "../../src/kernel/app.js";
import { userAccount, walletDocId } from "../../src/wallet/accounts.js";
import { resellerTransfer } from "../../src/wallet/callables.js";
import { runReconciliation } from "../../src/wallet/reconciliation.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import type { TestUser } from "../support/users.js";
import { balancesOf, entrySet, fund, ledgerBalance, ledgerOfType, requestId, setEconomy, walletUser } from "./support.js";

describe("wallet: resellerTransfer", () => {
  useCleanStack();
  let reseller: TestUser;
  let buyer: TestUser;

  beforeEach(async () => {
    await setEconomy({ resellerMaxTransferCoins: 10_000, resellerCommissionBps: 300 });
    [reseller, buyer] = await Promise.all([walletUser(["reseller"]), walletUser()]);
    await fund(reseller.uid, { coins: 20_000 });
  });

  const transfer = (coins: number, toUid = buyer.uid, user: TestUser = reseller, id = requestId()) =>
    callInProcess(resellerTransfer, { user, data: { toUid, coins, requestId: id } });

  it("moves the coins to the recipient and mints the reseller's commission", async () => {
    const result = await transfer(1000);
    assert.equal(result.commissionCoins, 30);
    assert.deepEqual(result.balances, { coins: 19_030, diamonds: 0 });
    assert.deepEqual(await balancesOf(reseller.uid), { coins: 19_030, diamonds: 0 });
    assert.deepEqual(await balancesOf(buyer.uid), { coins: 1000, diamonds: 0 });
    const [tx] = await ledgerOfType("reseller.transfer");
    assert.ok(tx);
    assert.deepEqual(
      entrySet(tx),
      [`user:${reseller.uid} coins -1000`, `user:${buyer.uid} coins 1000`, "system:mint coins -30", `user:${reseller.uid} coins 30`].sort(),
    );
    assert.equal((await runReconciliation("admin")).ok, true);
  });

  it("moves value once for 5 concurrent calls with the same requestId", async () => {
    const id = requestId();
    const results = await Promise.all(Array.from({ length: 5 }, () => transfer(500, buyer.uid, reseller, id)));
    for (const r of results) assert.deepEqual(r, results[0]);
    assert.deepEqual(await balancesOf(buyer.uid), { coins: 500, diamonds: 0 });
    assert.deepEqual(await balancesOf(reseller.uid), { coins: 19_515, diamonds: 0 });
    assert.equal((await ledgerOfType("reseller.transfer")).length, 1);
  });

  it("enforces the limits: per-transfer maximum, not to self, recipient must exist, balance before commission", async () => {
    const before = await allPaths();
    await expectHttpsError(transfer(10_001), "failed-precondition");
    await expectHttpsError(transfer(100, reseller.uid), "failed-precondition");
    await expectHttpsError(transfer(100, "no-such-user"), "not-found");
    // 20,000 held: 20,500 would pass only if the 615-coin commission funded the transfer.
    await setEconomy({ resellerMaxTransferCoins: 50_000, resellerCommissionBps: 300 });
    const err = await expectHttpsError(transfer(20_500), "failed-precondition");
    assert.match(err.message, /Insufficient coins/);
    assert.deepEqual(await allPaths(), before);
    assert.deepEqual(await balancesOf(reseller.uid), { coins: 20_000, diamonds: 0 });
  });

  it("refuses blocked users (either direction) and suspended accounts", async () => {
    await db().doc(`blocks/${buyer.uid}__${reseller.uid}`).set({ at: 1 });
    await expectHttpsError(transfer(100), "failed-precondition");
    await db().doc(`blocks/${buyer.uid}__${reseller.uid}`).delete();
    await db().doc(`blocks/${reseller.uid}__${buyer.uid}`).set({ at: 1 });
    await expectHttpsError(transfer(100), "failed-precondition");
    await db().doc(`blocks/${reseller.uid}__${buyer.uid}`).delete();
    await auth().setCustomUserClaims(buyer.uid, { banned: true });
    await expectHttpsError(transfer(100), "failed-precondition");
    assert.equal((await ledgerOfType("reseller.transfer")).length, 0);
    assert.deepEqual(await balancesOf(buyer.uid), { coins: 0, diamonds: 0 });
  });

  it("is for resellers (and admins) only", async () => {
    const viewer = await walletUser();
    await fund(viewer.uid, { coins: 1000 });
    await expectHttpsError(transfer(100, buyer.uid, viewer), "permission-denied");
    await expectHttpsError(callInProcess(resellerTransfer, { data: { toUid: buyer.uid, coins: 1, requestId: requestId() } }), "unauthenticated");
    assert.equal((await ledgerOfType("reseller.transfer")).length, 0);
  });
});

describe("wallet: resellerTransfer commission policy", () => {
  useCleanStack();
  let reseller: TestUser;
  let buyer: TestUser;

  beforeEach(async () => {
    await setEconomy({ resellerMaxTransferCoins: 10_000, resellerCommissionBps: 300 });
    [reseller, buyer] = await Promise.all([walletUser(["reseller"]), walletUser()]);
    await fund(reseller.uid, { coins: 20_000 });
  });

  const transfer = (coins: number, toUid = buyer.uid, user: TestUser = reseller, id = requestId()) =>
    callInProcess(resellerTransfer, { user, data: { toUid, coins, requestId: id } });

  it("pays no commission on transfers to resellers, moderators or admins: a round trip mints nothing", async () => {
    const [partner, moderator, admin] = await Promise.all([walletUser(["reseller"]), walletUser(["moderator"]), walletUser(["admin"])]);
    const there = await transfer(1000, partner.uid);
    assert.equal(there.commissionCoins, 0);
    assert.equal(there.commissionWithheld, "recipient-not-eligible");
    const back = await transfer(1000, reseller.uid, partner);
    assert.equal(back.commissionCoins, 0);
    assert.equal(back.commissionWithheld, "recipient-not-eligible");
    for (const staff of [moderator, admin]) {
      const result = await transfer(500, staff.uid);
      assert.equal(result.commissionCoins, 0);
      assert.equal(result.commissionWithheld, "recipient-not-eligible");
    }
    // An ordinary user still earns the reseller a commission, with nothing withheld.
    const sale = await transfer(1000);
    assert.equal(sale.commissionCoins, 30);
    assert.equal("commissionWithheld" in sale, false);
    assert.equal(await ledgerBalance("system:mint", "coins"), -20_030);
    assert.deepEqual(await balancesOf(reseller.uid), { coins: 18_030, diamonds: 0 });
    assert.deepEqual(await balancesOf(partner.uid), { coins: 0, diamonds: 0 });
    assert.equal((await runReconciliation("admin")).ok, true);
  });

  it("refuses a recipient uid that names another kind of wallet (agency:X) or is not key-safe; nothing written", async () => {
    await db().doc("wallets/agency:stars").set({ id: "agency:stars", coins: 0, diamonds: 0 });
    const before = await allPaths();
    for (const toUid of ["agency:stars", "user:x", "a.b", "a$b", "a#b", "a[b]"]) {
      await expectHttpsError(transfer(100, toUid), "invalid-argument");
    }
    assert.deepEqual(await allPaths(), before);
    assert.deepEqual(await balancesOf(reseller.uid), { coins: 20_000, diamonds: 0 });
    // Defence in depth: the account helpers refuse such uids themselves.
    assert.throws(() => userAccount("agency:stars"));
    assert.throws(() => userAccount("a.b"));
    assert.throws(() => walletDocId("user:agency:stars"));
    assert.equal(walletDocId(userAccount(buyer.uid)), buyer.uid);
    assert.equal(walletDocId("agency:stars"), "agency:stars");
  });

  it("refuses transfers beyond the daily transfer cap (daily-transfer-cap), exactly under concurrency", async () => {
    await setEconomy({ resellerMaxTransferCoins: 10_000, resellerCommissionBps: 300, resellerDailyTransferCapCoins: 3000 });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => transfer(1000)));
    assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 3);
    for (const outcome of outcomes) {
      if (outcome.status === "rejected") {
        assert.equal(outcome.reason.code, "failed-precondition");
        assert.equal(outcome.reason.details?.reason, "daily-transfer-cap");
      }
    }
    assert.deepEqual(await balancesOf(buyer.uid), { coins: 3000, diamonds: 0 });
    const before = await allPaths();
    const err = await expectHttpsError(transfer(1), "failed-precondition");
    assert.equal((err.details as { reason: string }).reason, "daily-transfer-cap");
    assert.deepEqual(await allPaths(), before);
    // Another reseller has their own cap.
    const other = await walletUser(["reseller"]);
    await fund(other.uid, { coins: 1000 });
    await transfer(1000, buyer.uid, other);
    assert.equal((await runReconciliation("admin")).ok, true);
  });

  it("pays commission only up to the daily commission cap; the transfers still go through", async () => {
    await setEconomy({ resellerMaxTransferCoins: 10_000, resellerCommissionBps: 300, resellerDailyCommissionCapCoins: 40 });
    const first = await transfer(1000);
    assert.equal(first.commissionCoins, 30);
    const second = await transfer(1000);
    assert.equal(second.commissionCoins, 10);
    assert.equal(second.commissionWithheld, "daily-commission-cap");
    const third = await transfer(1000);
    assert.equal(third.commissionCoins, 0);
    assert.equal(third.commissionWithheld, "daily-commission-cap");
    assert.deepEqual(await balancesOf(buyer.uid), { coins: 3000, diamonds: 0 });
    assert.deepEqual(await balancesOf(reseller.uid), { coins: 17_040, diamonds: 0 });
  });

  it("holds the commission cap exactly under concurrent transfers", async () => {
    await setEconomy({ resellerMaxTransferCoins: 10_000, resellerCommissionBps: 300, resellerDailyCommissionCapCoins: 100 });
    const results = await Promise.all(Array.from({ length: 6 }, () => transfer(1000)));
    assert.equal(
      results.reduce((sum, r) => sum + r.commissionCoins, 0),
      100,
    );
    assert.equal(await ledgerBalance("system:mint", "coins"), -20_100);
    assert.deepEqual(await balancesOf(buyer.uid), { coins: 6000, diamonds: 0 });
  });

  it("sends a transfer ring (A→B then B→A within the window) to review once per pair while open", async () => {
    const partner = await walletUser(["reseller"]);
    await fund(partner.uid, { coins: 5000 });
    await transfer(1000, partner.uid);
    assert.equal((await db().collection("reviewQueue").get()).size, 0, "one direction is no ring");
    await transfer(700, reseller.uid, partner);
    const queue = (await db().collection("reviewQueue").get()).docs.map((d) => d.data());
    assert.equal(queue.length, 1);
    const [entry] = queue;
    assert.equal(entry?.reason, "reseller-ring");
    assert.equal(entry?.status, "open");
    assert.deepEqual([...((entry?.uids as string[] | undefined) ?? [])].sort(), [reseller.uid, partner.uid].sort());
    assert.deepEqual(entry?.amounts, { [reseller.uid]: 1000, [partner.uid]: 700 });
    // More legs of the same ring do not open more entries while it is open.
    await transfer(300, partner.uid);
    await transfer(200, reseller.uid, partner);
    assert.equal((await db().collection("reviewQueue").get()).size, 1);
    // A transfer to a third party is no ring.
    await transfer(100, buyer.uid, partner);
    assert.equal((await db().collection("reviewQueue").get()).size, 1);
  });
});
