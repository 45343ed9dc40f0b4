import assert from "node:assert/strict";
import { db } from "../../src/kernel/app.js";
import { adminAdjustBalance } from "../../src/wallet/callables.js";
import { runReconciliation } from "../../src/wallet/reconciliation.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import type { TestUser } from "../support/users.js";
import { balancesOf, entrySet, fund, ledgerOfType, requestId, walletUser } from "./support.js";

describe("wallet: adminAdjustBalance", () => {
  useCleanStack();
  let admin: TestUser;
  let user: TestUser;

  beforeEach(async () => {
    [admin, user] = await Promise.all([walletUser(["admin"]), walletUser()]);
  });

  const adjust = (currency: "coins" | "diamonds", amount: number, caller: TestUser = admin, id = requestId(), uid = user.uid) =>
    callInProcess(adminAdjustBalance, { user: caller, data: { uid, currency, amount, reason: "support ticket #7", requestId: id } });

  it("grants from the mint and writes the audit entry in the same transaction", async () => {
    const result = await adjust("coins", 500);
    assert.equal(result.type, "admin.grant");
    assert.deepEqual(result.balances, { coins: 500, diamonds: 0 });
    assert.deepEqual(await balancesOf(user.uid), { coins: 500, diamonds: 0 });
    const [tx] = await ledgerOfType("admin.grant");
    assert.ok(tx);
    assert.deepEqual(entrySet(tx), ["system:mint coins -500", `user:${user.uid} coins 500`].sort());
    const audit = (await db().collection("auditLog").get()).docs.map((d) => d.data());
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.action, "wallet.admin.grant");
    assert.equal(audit[0]?.actorUid, admin.uid);
    assert.equal(audit[0]?.targetUid, user.uid);
    assert.equal(audit[0]?.amount, 500);
    assert.equal(audit[0]?.currency, "coins");
    assert.equal(audit[0]?.reason, "support ticket #7");
    assert.equal(audit[0]?.transactionId, tx.id);
  });

  it("debits to the burn account, even from a frozen wallet, but never below zero", async () => {
    await fund(user.uid, { diamonds: 300 });
    await db().doc(`wallets/${user.uid}`).update({ frozen: true });
    const result = await adjust("diamonds", -120);
    assert.equal(result.type, "admin.adjust");
    assert.deepEqual(await balancesOf(user.uid), { coins: 0, diamonds: 180 });
    const [tx] = await ledgerOfType("admin.adjust");
    assert.ok(tx);
    assert.deepEqual(entrySet(tx), [`user:${user.uid} diamonds -120`, "system:burn diamonds 120"].sort());

    const before = await allPaths();
    await expectHttpsError(adjust("diamonds", -181), "failed-precondition");
    assert.deepEqual(await allPaths(), before);
    assert.deepEqual(await balancesOf(user.uid), { coins: 0, diamonds: 180 });
    assert.equal((await runReconciliation("admin")).ok, true);
  });

  it("moves value once for 5 concurrent calls with the same requestId; one audit entry", async () => {
    const id = requestId();
    const results = await Promise.all(Array.from({ length: 5 }, () => adjust("coins", 250, admin, id)));
    for (const r of results) assert.deepEqual(r, results[0]);
    assert.deepEqual(await balancesOf(user.uid), { coins: 250, diamonds: 0 });
    assert.equal((await db().collection("auditLog").get()).size, 1);
  });

  it("refuses a request id reused for the opposite adjustment", async () => {
    const id = requestId();
    await adjust("coins", 100, admin, id);
    await expectHttpsError(adjust("coins", -100, admin, id), "failed-precondition");
    assert.deepEqual(await balancesOf(user.uid), { coins: 100, diamonds: 0 });
  });

  it("is admin-only; refuses unknown users and self-adjustment; nothing written", async () => {
    const [reseller, moderator] = await Promise.all([walletUser(["reseller"]), walletUser(["moderator"])]);
    const before = await allPaths();
    await expectHttpsError(adjust("coins", 100, user), "permission-denied");
    await expectHttpsError(adjust("coins", 100, reseller), "permission-denied");
    await expectHttpsError(adjust("coins", 100, moderator), "permission-denied");
    await expectHttpsError(adjust("coins", 100, admin, requestId(), "no-such-user"), "not-found");
    await expectHttpsError(adjust("coins", 100, admin, requestId(), admin.uid), "failed-precondition");
    assert.deepEqual(await allPaths(), before);
  });
});
