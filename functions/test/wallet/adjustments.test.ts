import assert from "node:assert/strict";
import { db } from "../../src/kernel/app.js";
import { adminAdjustBalance, reviewBalanceAdjustment } from "../../src/wallet/callables.js";
import { runReconciliation } from "../../src/wallet/reconciliation.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import type { TestUser } from "../support/users.js";
import { balancesOf, entrySet, fund, ledgerOfType, requestId, setEconomy, walletUser } from "./support.js";

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

describe("wallet: four eyes on large balance adjustments", () => {
  useCleanStack();
  let requester: TestUser;
  let approver: TestUser;
  let user: TestUser;

  beforeEach(async () => {
    await setEconomy({ adjustmentApprovalThreshold: { coins: 1000, diamonds: 500 } });
    [requester, approver, user] = await Promise.all([walletUser(["admin"]), walletUser(["admin"]), walletUser()]);
  });

  const adjust = (currency: "coins" | "diamonds", amount: number, caller: TestUser = requester, id = requestId(), uid = user.uid) =>
    callInProcess(adminAdjustBalance, { user: caller, data: { uid, currency, amount, reason: "support ticket #8", requestId: id } });
  const decide = (adjustmentId: string, decision: "approve" | "reject", caller: TestUser = approver, id = requestId()) =>
    callInProcess(reviewBalanceAdjustment, { user: caller, data: { adjustmentId, decision, reason: "checked the ticket", requestId: id } });
  const auditActions = async () => (await db().collection("auditLog").get()).docs.map((d) => d.get("action") as string).sort();

  it("applies an adjustment below the threshold at once", async () => {
    const result = await adjust("coins", 999);
    assert.equal(result.status, "applied");
    assert.ok(result.transactionId);
    assert.deepEqual(await balancesOf(user.uid), { coins: 999, diamonds: 0 });
    assert.equal((await db().collection("balanceAdjustments").get()).size, 0);
  });

  it("records an adjustment at or above the threshold as pending: no money moves, the request is audited, idempotent", async () => {
    const id = requestId();
    const results = await Promise.all(Array.from({ length: 4 }, () => adjust("coins", 1000, requester, id)));
    for (const r of results) assert.deepEqual(r, results[0]);
    const [result] = results;
    assert.equal(result?.status, "pending");
    assert.ok(result?.adjustmentId);
    assert.equal(result?.transactionId, undefined);
    assert.deepEqual(await balancesOf(user.uid), { coins: 0, diamonds: 0 });
    assert.equal((await db().collection("ledger").get()).size, 0);
    const record = await docData(`balanceAdjustments/${result?.adjustmentId}`);
    assert.equal(record?.status, "pending");
    assert.equal(record?.requestedBy, requester.uid);
    assert.equal(record?.uid, user.uid);
    assert.equal(record?.currency, "coins");
    assert.equal(record?.amount, 1000);
    assert.equal(record?.reason, "support ticket #8");
    assert.equal(record?.requestId, id);
    assert.ok(record?.createdAt);
    assert.deepEqual(await auditActions(), ["wallet.adjustment.request"]);
    // Negative amounts count by magnitude: a large debit waits for approval too.
    assert.equal((await adjust("diamonds", -500)).status, "pending");
    // A reused request id with another amount is refused.
    await expectHttpsError(adjust("coins", 2000, requester, id), "failed-precondition");
  });

  it("a second, different admin approves: the value moves once, the adjustment is applied, every step audited", async () => {
    const pending = await adjust("coins", 5000);
    const before = await allPaths();
    const own = await expectHttpsError(decide(pending.adjustmentId as string, "approve", requester), "failed-precondition");
    assert.equal((own.details as { reason: string }).reason, "same-admin");
    assert.deepEqual(await allPaths(), before);

    const id = requestId();
    const approved = await decide(pending.adjustmentId as string, "approve", approver, id);
    assert.equal(approved.status, "applied");
    assert.equal(approved.adjustmentId, pending.adjustmentId);
    assert.ok(approved.transactionId);
    assert.deepEqual(await decide(pending.adjustmentId as string, "approve", approver, id), approved, "a resend replays");
    assert.deepEqual(await balancesOf(user.uid), { coins: 5000, diamonds: 0 });
    const [tx] = await ledgerOfType("admin.grant");
    assert.ok(tx);
    assert.equal(tx.id, approved.transactionId);
    assert.deepEqual(entrySet(tx), ["system:mint coins -5000", `user:${user.uid} coins 5000`].sort());
    const record = await docData(`balanceAdjustments/${pending.adjustmentId}`);
    assert.equal(record?.status, "applied");
    assert.equal(record?.reviewedBy, approver.uid);
    assert.equal(record?.transactionId, tx.id);
    assert.deepEqual(await auditActions(), ["wallet.adjustment.approve", "wallet.adjustment.request"]);

    const third = await walletUser(["admin"]);
    for (const decision of ["approve", "reject"] as const) {
      const err = await expectHttpsError(decide(pending.adjustmentId as string, decision, third), "failed-precondition");
      assert.equal((err.details as { reason: string }).reason, "already-decided");
    }
    assert.deepEqual(await balancesOf(user.uid), { coins: 5000, diamonds: 0 });
    assert.equal((await runReconciliation("admin")).ok, true);
  });

  it("two approvers racing move the value once", async () => {
    const pending = await adjust("diamonds", 800);
    const third = await walletUser(["admin"]);
    const outcomes = await Promise.allSettled([
      decide(pending.adjustmentId as string, "approve"),
      decide(pending.adjustmentId as string, "approve", third),
    ]);
    assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 1);
    const refused = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    assert.equal(refused.reason.details?.reason, "already-decided");
    assert.deepEqual(await balancesOf(user.uid), { coins: 0, diamonds: 800 });
    assert.equal((await ledgerOfType("admin.grant")).length, 1);
  });

  it("the target of the adjustment cannot approve it", async () => {
    const pending = await adjust("coins", 5000, requester, requestId(), approver.uid);
    const err = await expectHttpsError(decide(pending.adjustmentId as string, "approve", approver), "failed-precondition");
    assert.equal((err.details as { reason: string }).reason, "own-account");
    assert.deepEqual(await balancesOf(approver.uid), { coins: 0, diamonds: 0 });
  });

  it("a rejection moves nothing, is audited, and is final", async () => {
    await fund(user.uid, { diamonds: 2000 });
    const pending = await adjust("diamonds", -1500);
    const rejected = await decide(pending.adjustmentId as string, "reject");
    assert.deepEqual(rejected, { adjustmentId: pending.adjustmentId, status: "rejected", uid: user.uid, currency: "diamonds", amount: -1500 });
    assert.equal((await docData(`balanceAdjustments/${pending.adjustmentId}`))?.status, "rejected");
    const err = await expectHttpsError(decide(pending.adjustmentId as string, "approve", await walletUser(["admin"])), "failed-precondition");
    assert.equal((err.details as { reason: string }).reason, "already-decided");
    assert.deepEqual(await balancesOf(user.uid), { coins: 0, diamonds: 2000 });
    assert.deepEqual(await auditActions(), ["wallet.adjustment.reject", "wallet.adjustment.request"]);
  });

  it("an approved debit burns the value", async () => {
    await fund(user.uid, { coins: 3000 });
    const pending = await adjust("coins", -2000);
    await decide(pending.adjustmentId as string, "approve");
    assert.deepEqual(await balancesOf(user.uid), { coins: 1000, diamonds: 0 });
    const [tx] = await ledgerOfType("admin.adjust");
    assert.ok(tx);
    assert.deepEqual(entrySet(tx), [`user:${user.uid} coins -2000`, "system:burn coins 2000"].sort());
  });

  it("is admin-only, refuses unknown adjustments and malformed input; nothing written", async () => {
    const pending = await adjust("coins", 5000);
    const moderator = await walletUser(["moderator"]);
    const before = await allPaths();
    await expectHttpsError(decide(pending.adjustmentId as string, "approve", user), "permission-denied");
    await expectHttpsError(decide(pending.adjustmentId as string, "approve", moderator), "permission-denied");
    await expectHttpsError(decide("0123456789abcdef0123456789abcdef01234567", "approve"), "not-found");
    for (const data of [
      null,
      {},
      { adjustmentId: pending.adjustmentId, decision: "maybe", reason: "checked", requestId: requestId() },
      { adjustmentId: "", decision: "approve", reason: "checked", requestId: requestId() },
      { adjustmentId: "a/b", decision: "approve", reason: "checked", requestId: requestId() },
      { adjustmentId: pending.adjustmentId, decision: "approve", reason: "", requestId: requestId() },
      { adjustmentId: pending.adjustmentId, decision: "approve", reason: "checked" },
    ]) {
      await expectHttpsError(callInProcess(reviewBalanceAdjustment, { user: approver, data }), "invalid-argument");
    }
    assert.deepEqual(await allPaths(), before);
  });
});
