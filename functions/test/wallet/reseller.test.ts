import assert from "node:assert/strict";
import { auth, db } from "../../src/kernel/app.js";
import { resellerTransfer } from "../../src/wallet/callables.js";
import { runReconciliation } from "../../src/wallet/reconciliation.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import type { TestUser } from "../support/users.js";
import { balancesOf, entrySet, fund, ledgerOfType, requestId, setEconomy, walletUser } from "./support.js";

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
