import assert from "node:assert/strict";
import { db } from "../../src/kernel/app.js";
import "../support/kyc-key.js";
import { randomUUID } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import { reviewKyc, submitKyc } from "../../src/kyc/callables.js";
import { adminGrantVip } from "../../src/progression/vip/callables.js";
import { adminAdjustBalance, requestWithdrawal, reviewBalanceAdjustment, reviewWithdrawal } from "../../src/wallet/callables.js";
import { runReconciliation } from "../../src/wallet/reconciliation.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { queuedFor } from "../support/notifications.js";
import { useCleanStack } from "../support/stack.js";
import type { TestUser } from "../support/users.js";
import { approveKyc, balancesOf, entrySet, fund, type LedgerDoc, ledgerBalance, ledgerOfType, requestId, setEconomy, walletUser } from "./support.js";

const payoutMethod = { type: "paypal", accountRef: "host@example.test" };

describe("wallet: withdrawals", () => {
  useCleanStack();
  let host: TestUser;
  let admin: TestUser;

  beforeEach(async () => {
    await setEconomy({
      withdrawMinDiamonds: 100,
      withdrawMaxDiamondsPerRequest: 5000,
      withdrawMaxDiamondsPerDay: 8000,
      withdrawFeeBps: 200,
      withdrawCentsPerDiamond: 1,
    });
    [host, admin] = await Promise.all([walletUser(["host"]), walletUser(["admin"])]);
  });

  const request = (diamonds: number, overrides: Record<string, unknown> = {}) => ({ diamonds, payoutMethod, requestId: requestId(), ...overrides });
  const withdraw = (diamonds: number, user: TestUser = host) => callInProcess(requestWithdrawal, { user, data: request(diamonds) });
  const review = (withdrawalId: string, decision: "approve" | "reject", id = requestId(), user: TestUser = admin) =>
    callInProcess(reviewWithdrawal, { user, data: { withdrawalId, decision, reason: "payout checked", requestId: id } });

  describe("requestWithdrawal", () => {
    it("freezes the diamonds on the payable account and records the pending withdrawal in the same transaction", async () => {
      await approveKyc(host.uid);
      await fund(host.uid, { diamonds: 2000, shardDiamonds: [500] });
      const result = await withdraw(1500);
      // 2 % fee = 30 diamonds; 1470 diamonds × 1 cent.
      assert.deepEqual(
        { ...result, withdrawalId: undefined },
        {
          withdrawalId: undefined,
          diamonds: 1500,
          feeDiamonds: 30,
          payoutCents: 1470,
          status: "pending",
          balances: { coins: 0, diamonds: 1000 },
        },
      );
      assert.deepEqual(await balancesOf(host.uid), { coins: 0, diamonds: 1000 });
      const [tx] = await ledgerOfType("withdrawal.request");
      assert.ok(tx);
      assert.equal(tx.id, result.withdrawalId);
      assert.deepEqual(entrySet(tx), [`user:${host.uid} diamonds -1500`, "system:payable diamonds 1500"].sort());
      const record = await docData(`withdrawals/${result.withdrawalId}`);
      assert.equal(record?.uid, host.uid);
      assert.equal(record?.diamonds, 1500);
      assert.equal(record?.feeDiamonds, 30);
      assert.equal(record?.payoutCents, 1470);
      assert.equal(record?.status, "pending");
      assert.deepEqual(record?.payoutMethod, payoutMethod);
    });

    it("moves value once for 5 concurrent identical requests", async () => {
      await approveKyc(host.uid);
      await fund(host.uid, { diamonds: 3000 });
      const data = request(1000);
      const results = await Promise.all(Array.from({ length: 5 }, () => callInProcess(requestWithdrawal, { user: host, data })));
      for (const r of results) assert.deepEqual(r, results[0]);
      assert.deepEqual(await balancesOf(host.uid), { coins: 0, diamonds: 2000 });
      assert.equal((await db().collection("withdrawals").get()).size, 1);
      assert.equal((await ledgerOfType("withdrawal.request")).length, 1);
    });

    it("requires approved KYC: none, pending or rejected → failed-precondition, nothing moved", async () => {
      await fund(host.uid, { diamonds: 2000 });
      for (const status of [undefined, "pending", "rejected"] as const) {
        if (status) await approveKyc(host.uid, status);
        const before = await allPaths();
        const err = await expectHttpsError(withdraw(500), "failed-precondition");
        assert.match(err.message, /KYC/);
        assert.deepEqual(await allPaths(), before);
      }
      assert.deepEqual(await balancesOf(host.uid), { coins: 0, diamonds: 2000 });
    });

    it("enforces the minimum and the maximum per request", async () => {
      await approveKyc(host.uid);
      await fund(host.uid, { diamonds: 10_000 });
      const before = await allPaths();
      await expectHttpsError(withdraw(99), "failed-precondition");
      await expectHttpsError(withdraw(5001), "failed-precondition");
      assert.deepEqual(await allPaths(), before);
      assert.deepEqual(await balancesOf(host.uid), { coins: 0, diamonds: 10_000 });
    });

    it("enforces the daily maximum over today's non-rejected withdrawals", async () => {
      await approveKyc(host.uid);
      await fund(host.uid, { diamonds: 20_000 });
      const first = await withdraw(5000);
      await withdraw(3000); // 8000 today: the daily cap
      const before = await allPaths();
      const err = await expectHttpsError(withdraw(100), "failed-precondition");
      assert.equal((err.details as { reason: string }).reason, "daily-limit");
      assert.deepEqual(await allPaths(), before);
      // A rejected withdrawal no longer counts against the day.
      await review(first.withdrawalId, "reject");
      await withdraw(5000);
      assert.deepEqual(await balancesOf(host.uid), { coins: 0, diamonds: 12_000 });
    });

    it("counts concurrent requests against the daily maximum (read inside the transaction)", async () => {
      await setEconomy({ withdrawMinDiamonds: 100, withdrawMaxDiamondsPerRequest: 5000, withdrawMaxDiamondsPerDay: 8000 });
      await approveKyc(host.uid);
      await fund(host.uid, { diamonds: 20_000 });
      const outcomes = await Promise.allSettled(Array.from({ length: 3 }, () => withdraw(3000)));
      assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 2);
      assert.deepEqual(await balancesOf(host.uid), { coins: 0, diamonds: 14_000 });
    });

    it("refuses more diamonds than the wallet holds, and moves nothing", async () => {
      await approveKyc(host.uid);
      await fund(host.uid, { diamonds: 400 });
      const before = await allPaths();
      const err = await expectHttpsError(withdraw(500), "failed-precondition");
      assert.match(err.message, /Insufficient diamonds/);
      assert.deepEqual(await allPaths(), before);
    });

    it("refuses raw account numbers as payout references", async () => {
      await approveKyc(host.uid);
      await fund(host.uid, { diamonds: 1000 });
      const before = await allPaths();
      for (const accountRef of ["DE89370400440532013000", "4111111111111111", "acct 1"]) {
        const data = request(500, { payoutMethod: { type: "bank_transfer", accountRef } });
        await expectHttpsError(callInProcess(requestWithdrawal, { user: host, data }), "invalid-argument");
      }
      assert.deepEqual(await allPaths(), before);
    });
  });

  describe("reviewWithdrawal", () => {
    let withdrawalId: string;

    beforeEach(async () => {
      await approveKyc(host.uid);
      await fund(host.uid, { diamonds: 3000 });
      ({ withdrawalId } = await withdraw(2000));
    });

    it("approve: pays out from payable to burn, the fee to the platform, status paid, audited", async () => {
      const result = await review(withdrawalId, "approve");
      assert.equal(result.status, "paid");
      assert.equal(result.payoutCents, 1960);
      const [tx] = await ledgerOfType("withdrawal.payout");
      assert.ok(tx);
      assert.deepEqual(entrySet(tx), ["system:payable diamonds -2000", "system:burn diamonds 1960", "system:platform diamonds 40"].sort());
      assert.equal(await ledgerBalance("system:payable", "diamonds"), 0);
      assert.deepEqual(await balancesOf(host.uid), { coins: 0, diamonds: 1000 });
      const record = await docData(`withdrawals/${withdrawalId}`);
      assert.equal(record?.status, "paid");
      assert.equal(record?.reviewedBy, admin.uid);
      assert.equal(record?.decisionTransactionId, tx.id);
      const audit = await db().collection("auditLog").get();
      assert.equal(audit.size, 1);
      assert.equal(audit.docs[0]?.get("action"), "wallet.withdrawal.approve");
      assert.equal((await runReconciliation("admin")).ok, true);
      const notes = await queuedFor(host.uid, "withdrawal-paid");
      assert.deepEqual(
        notes.map((n) => n.data),
        [{ withdrawalId, amount: "19.60 USD", diamonds: 2000, payoutCents: 1960, currency: "USD" }],
      );
      assert.deepEqual(await queuedFor(host.uid, "withdrawal-rejected"), []);
    });

    it("reject: refunds the diamonds exactly, status rejected", async () => {
      const result = await review(withdrawalId, "reject");
      assert.equal(result.status, "rejected");
      const [tx] = await ledgerOfType("withdrawal.refund");
      assert.ok(tx);
      assert.deepEqual(entrySet(tx), ["system:payable diamonds -2000", `user:${host.uid} diamonds 2000`].sort());
      assert.deepEqual(await balancesOf(host.uid), { coins: 0, diamonds: 3000 });
      assert.equal(await ledgerBalance("system:payable", "diamonds"), 0);
      assert.equal((await docData(`withdrawals/${withdrawalId}`))?.status, "rejected");
      assert.equal((await runReconciliation("admin")).ok, true);
      assert.deepEqual(
        (await queuedFor(host.uid, "withdrawal-rejected")).map((n) => n.data),
        [{ withdrawalId, amount: "19.60 USD", diamonds: 2000, payoutCents: 1960, currency: "USD", reason: "payout checked" }],
      );
    });

    it("is idempotent: 5 concurrent identical decisions move value once", async () => {
      const id = requestId();
      const results = await Promise.all(Array.from({ length: 5 }, () => review(withdrawalId, "reject", id)));
      for (const r of results) assert.deepEqual(r, results[0]);
      assert.deepEqual(await balancesOf(host.uid), { coins: 0, diamonds: 3000 });
      assert.equal((await ledgerOfType("withdrawal.refund")).length, 1);
      assert.equal((await db().collection("auditLog").get()).size, 1);
      assert.equal((await queuedFor(host.uid, "withdrawal-rejected")).length, 1);
    });

    it("a second decision on a decided withdrawal is failed-precondition and moves nothing", async () => {
      await review(withdrawalId, "approve");
      const before = await allPaths();
      await expectHttpsError(review(withdrawalId, "reject"), "failed-precondition");
      await expectHttpsError(review(withdrawalId, "approve"), "failed-precondition");
      assert.deepEqual(await allPaths(), before);
      assert.deepEqual(await balancesOf(host.uid), { coins: 0, diamonds: 1000 });
    });

    it("concurrent approve and reject: exactly one wins", async () => {
      const outcomes = await Promise.allSettled([review(withdrawalId, "approve"), review(withdrawalId, "reject")]);
      assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 1);
      assert.equal(await ledgerBalance("system:payable", "diamonds"), 0);
      assert.equal((await runReconciliation("admin")).ok, true);
    });

    it("refuses a request id already used for the other decision", async () => {
      const id = requestId();
      await review(withdrawalId, "approve", id);
      await expectHttpsError(review(withdrawalId, "reject", id), "failed-precondition");
      assert.equal((await ledgerOfType("withdrawal.refund")).length, 0);
    });

    it("is admin-only, refuses unknown withdrawals and an admin's own withdrawal", async () => {
      const before = await allPaths();
      const moderator = await walletUser(["moderator"]);
      await expectHttpsError(review(withdrawalId, "approve", requestId(), host), "permission-denied");
      await expectHttpsError(review(withdrawalId, "approve", requestId(), moderator), "permission-denied");
      await expectHttpsError(review("no-such-withdrawal", "approve"), "not-found");
      const after = (await allPaths()).filter((p) => !p.includes(moderator.uid));
      assert.deepEqual(after, before);

      await approveKyc(admin.uid);
      await fund(admin.uid, { diamonds: 500 });
      const own = await withdraw(500, admin);
      await expectHttpsError(review(own.withdrawalId, "approve"), "failed-precondition");
    });
  });
});

/** Starts the account's KYC over, pending review again. */
async function resubmitKyc(user: TestUser): Promise<void> {
  await db().doc(`kyc/${user.uid}`).delete();
  await callInProcess(submitKyc, {
    user,
    data: {
      documentType: "passport",
      documentPaths: [`kyc/${user.uid}/front.jpg`],
      legalName: "Hugo Host",
      dateOfBirth: "1990-01-01",
      documentNumber: "P1234567",
      requestId: randomUUID(),
    },
  });
}

describe("wallet: withdrawals need an approver who did not favour the account", () => {
  useCleanStack();
  let host: TestUser;
  let admin: TestUser;
  let colleague: TestUser;
  let withdrawalId: string;

  beforeEach(async () => {
    await setEconomy({ withdrawMinDiamonds: 100, adjustmentApprovalThreshold: { coins: 1000, diamonds: 1000 }, fourEyesWindowDays: 30 });
    [host, admin, colleague] = await Promise.all([walletUser(["host"]), walletUser(["admin"]), walletUser(["admin"])]);
    await approveKyc(host.uid);
    await fund(host.uid, { diamonds: 3000 });
    ({ withdrawalId } = await callInProcess(requestWithdrawal, { user: host, data: { diamonds: 2000, payoutMethod, requestId: requestId() } }));
  });

  const review = (decision: "approve" | "reject", user: TestUser = admin, id = withdrawalId) =>
    callInProcess(reviewWithdrawal, { user, data: { withdrawalId: id, decision, reason: "payout checked", requestId: requestId() } });

  async function expectConflict(user: TestUser = admin): Promise<void> {
    const before = await allPaths();
    const err = await expectHttpsError(review("approve", user), "failed-precondition");
    assert.equal((err.details as { reason: string }).reason, "conflict-of-interest");
    assert.deepEqual(await allPaths(), before);
  }

  it("refuses the approval by an admin who adjusted the account; another admin approves; rejecting stays allowed", async () => {
    await callInProcess(adminAdjustBalance, {
      user: admin,
      data: { uid: host.uid, currency: "diamonds", amount: 10, reason: "goodwill", requestId: requestId() },
    });
    await expectConflict();
    assert.equal((await review("approve", colleague)).status, "paid");

    const second = await callInProcess(requestWithdrawal, { user: host, data: { diamonds: 500, payoutMethod, requestId: requestId() } });
    assert.equal((await review("reject", admin, second.withdrawalId)).status, "rejected");
  });

  it("refuses the requester and the approver of a large adjustment", async () => {
    const pending = await callInProcess(adminAdjustBalance, {
      user: colleague,
      data: { uid: host.uid, currency: "diamonds", amount: 5000, reason: "compensation", requestId: requestId() },
    });
    await expectConflict(colleague);
    await callInProcess(reviewBalanceAdjustment, {
      user: admin,
      data: { adjustmentId: pending.adjustmentId, decision: "approve", reason: "ticket checked", requestId: requestId() },
    });
    await expectConflict(admin);
    const third = await walletUser(["admin"]);
    assert.equal((await review("approve", third)).status, "paid");
  });

  it("refuses the approval by the admin who approved the account's KYC", async () => {
    await resubmitKyc(host);
    await callInProcess(reviewKyc, { user: admin, data: { uid: host.uid, decision: "approve", reason: "documents match", requestId: randomUUID() } });
    await expectConflict();
    assert.equal((await review("approve", colleague)).status, "paid");
  });

  it("refuses the approval by the admin who granted the account VIP", async () => {
    await callInProcess(adminGrantVip, { user: admin, data: { uid: host.uid, tier: 1, days: 7, reason: "contest winner", requestId: randomUUID() } });
    await expectConflict();
    assert.equal((await review("approve", colleague)).status, "paid");
  });

  it("allows the approval once the interaction is older than the window", async () => {
    await callInProcess(adminAdjustBalance, {
      user: admin,
      data: { uid: host.uid, currency: "coins", amount: 10, reason: "goodwill", requestId: requestId() },
    });
    await expectConflict();
    const longAgo = Timestamp.fromMillis(Date.now() - 31 * 86_400_000);
    const interactions = await db().collection("adminInteractions").get();
    assert.equal(interactions.size, 1);
    await interactions.docs[0]?.ref.update({ adjustedAt: longAgo });
    assert.equal((await review("approve")).status, "paid");
  });
});

describe("wallet: finance staff review withdrawals under the same four-eyes rule", () => {
  useCleanStack();
  let host: TestUser;
  let finance: TestUser;
  let withdrawalId: string;

  beforeEach(async () => {
    await setEconomy({ withdrawMinDiamonds: 100, fourEyesWindowDays: 30 });
    [host, finance] = await Promise.all([walletUser(["host"]), walletUser(["finance"])]);
    await approveKyc(host.uid);
    await fund(host.uid, { diamonds: 3000 });
    ({ withdrawalId } = await callInProcess(requestWithdrawal, { user: host, data: { diamonds: 2000, payoutMethod, requestId: requestId() } }));
  });

  const review = (decision: "approve" | "reject", user: TestUser, id = withdrawalId) =>
    callInProcess(reviewWithdrawal, { user, data: { withdrawalId: id, decision, reason: "payout checked", requestId: requestId() } });

  it("a finance reviewer approves and is audited; support and moderators are refused and change nothing", async () => {
    const [support, moderator] = await Promise.all([walletUser(["support"]), walletUser(["moderator"])]);
    const before = await allPaths();
    await expectHttpsError(review("approve", support), "permission-denied");
    await expectHttpsError(review("approve", moderator), "permission-denied");
    assert.deepEqual(await allPaths(), before);

    assert.equal((await review("approve", finance)).status, "paid");
    assert.equal((await docData(`withdrawals/${withdrawalId}`))?.reviewedBy, finance.uid);
    const audit = await db().collection("auditLog").where("action", "==", "wallet.withdrawal.approve").get();
    assert.deepEqual(
      audit.docs.map((doc) => doc.get("actorUid")),
      [finance.uid],
    );
  });

  it("refuses a finance reviewer their own withdrawal, and one who approved the account's KYC", async () => {
    await approveKyc(finance.uid);
    await fund(finance.uid, { diamonds: 500 });
    const own = await callInProcess(requestWithdrawal, { user: finance, data: { diamonds: 500, payoutMethod, requestId: requestId() } });
    await expectHttpsError(review("approve", finance, own.withdrawalId), "failed-precondition");

    const kycReviewer = await walletUser(["finance", "moderator"]);
    await resubmitKyc(host);
    await callInProcess(reviewKyc, {
      user: kycReviewer,
      data: { uid: host.uid, decision: "approve", reason: "documents match", requestId: randomUUID() },
    });
    const err = await expectHttpsError(review("approve", kycReviewer), "failed-precondition");
    assert.equal((err.details as { reason: string }).reason, "conflict-of-interest");
    assert.equal((await review("approve", finance)).status, "paid");
  });
});

describe("wallet: withdrawals at or above withdrawalDualApprovalDiamonds need two reviewers", () => {
  useCleanStack();
  let host: TestUser;
  let first: TestUser;
  let second: TestUser;
  let withdrawalId: string;

  beforeEach(async () => {
    await setEconomy({ withdrawMinDiamonds: 100, withdrawMaxDiamondsPerRequest: 5000, withdrawalDualApprovalDiamonds: 1000 });
    [host, first, second] = await Promise.all([walletUser(["host"]), walletUser(["finance"]), walletUser(["admin"])]);
    await approveKyc(host.uid);
    await fund(host.uid, { diamonds: 3000 });
    ({ withdrawalId } = await withdraw(2000));
  });

  const withdraw = (diamonds: number) => callInProcess(requestWithdrawal, { user: host, data: { diamonds, payoutMethod, requestId: requestId() } });
  const review = (user: TestUser, decision: "approve" | "reject" = "approve", id = requestId(), withdrawal = withdrawalId) =>
    callInProcess(reviewWithdrawal, { user, data: { withdrawalId: withdrawal, decision, reason: `checked by ${user.uid}`, requestId: id } });
  const auditActions = async () => (await db().collection("auditLog").orderBy("at").get()).docs.map((doc) => doc.get("action") as string);

  it("the first approval moves nothing, records who approved and is audited; resends answer the same", async () => {
    const id = requestId();
    const results = await Promise.all(Array.from({ length: 3 }, () => review(first, "approve", id)));
    for (const r of results) assert.deepEqual(r, results[0]);
    const [result] = results;
    assert.equal(result?.status, "awaiting-second-approval");
    assert.ok(result?.status === "awaiting-second-approval");
    assert.deepEqual(
      { ...result.firstApproval, at: typeof result.firstApproval.at },
      { uid: first.uid, reason: `checked by ${first.uid}`, requestId: id, at: "string" },
    );
    assert.deepEqual([result.diamonds, result.feeDiamonds, result.payoutCents], [2000, 40, 1960]);

    assert.equal((await ledgerOfType("withdrawal.payout")).length, 0);
    assert.equal(await ledgerBalance("system:payable", "diamonds"), 2000);
    const record = await docData(`withdrawals/${withdrawalId}`);
    assert.equal(record?.status, "pending");
    assert.equal((record?.firstApproval as { uid: string } | undefined)?.uid, first.uid);
    const audit = await db().collection("auditLog").get();
    assert.deepEqual(
      audit.docs.map((doc) => [doc.get("action"), doc.get("actorUid"), doc.get("targetUid"), doc.get("details.withdrawalId")]),
      [["wallet.withdrawal.firstApproval", first.uid, host.uid, withdrawalId]],
    );
    assert.deepEqual(await queuedFor(host.uid, "withdrawal-paid"), []);
  });

  it("refuses the second approval to the first approver (same-approver) and changes nothing", async () => {
    const firstId = requestId();
    await review(first, "approve", firstId);
    const before = await allPaths();
    const err = await expectHttpsError(review(first), "failed-precondition");
    assert.equal((err.details as { reason: string }).reason, "same-approver");
    // The first approval's request id cannot be turned into a rejection either.
    await expectHttpsError(review(first, "reject", firstId), "failed-precondition");
    assert.deepEqual(await allPaths(), before);
  });

  it("a second reviewer pays once (resends replay), audited with the first approver; the first approver's resend still answers its own step", async () => {
    const firstId = requestId();
    await review(first, "approve", firstId);
    const secondId = requestId();
    const paid = await Promise.all(Array.from({ length: 3 }, () => review(second, "approve", secondId)));
    for (const r of paid) assert.deepEqual(r, paid[0]);
    assert.equal(paid[0]?.status, "paid");
    const payouts = await ledgerOfType("withdrawal.payout");
    assert.equal(payouts.length, 1);
    assert.deepEqual(
      entrySet(payouts[0] as LedgerDoc),
      ["system:payable diamonds -2000", "system:burn diamonds 1960", "system:platform diamonds 40"].sort(),
    );
    const record = await docData(`withdrawals/${withdrawalId}`);
    assert.equal(record?.status, "paid");
    assert.equal(record?.reviewedBy, second.uid);
    assert.deepEqual(await auditActions(), ["wallet.withdrawal.firstApproval", "wallet.withdrawal.approve"]);
    const approval = await db().collection("auditLog").where("action", "==", "wallet.withdrawal.approve").get();
    assert.equal(approval.docs[0]?.get("details.firstApprovedBy"), first.uid);
    assert.equal((await queuedFor(host.uid, "withdrawal-paid")).length, 1);
    assert.equal((await review(first, "approve", firstId)).status, "awaiting-second-approval");
    assert.equal((await runReconciliation("admin")).ok, true);
  });

  it("the second approval follows the conflict-of-interest rule", async () => {
    await review(first);
    await callInProcess(adminAdjustBalance, {
      user: second,
      data: { uid: host.uid, currency: "diamonds", amount: 10, reason: "goodwill", requestId: requestId() },
    });
    const err = await expectHttpsError(review(second), "failed-precondition");
    assert.equal((err.details as { reason: string }).reason, "conflict-of-interest");
    assert.equal((await ledgerOfType("withdrawal.payout")).length, 0);
    assert.equal((await review(await walletUser(["finance"]))).status, "paid");
  });

  it("concurrent approvals by three reviewers: one is the first, one pays, the third finds it decided", async () => {
    const third = await walletUser(["finance"]);
    const outcomes = await Promise.allSettled([review(first), review(second), review(third)]);
    const statuses = outcomes.map((o) => (o.status === "fulfilled" ? o.value.status : "refused")).sort();
    assert.deepEqual(statuses, ["awaiting-second-approval", "paid", "refused"]);
    assert.equal((await ledgerOfType("withdrawal.payout")).length, 1);
    assert.equal(await ledgerBalance("system:payable", "diamonds"), 0);
    assert.deepEqual((await auditActions()).sort(), ["wallet.withdrawal.approve", "wallet.withdrawal.firstApproval"]);
    const record = await docData(`withdrawals/${withdrawalId}`);
    assert.notEqual((record?.firstApproval as { uid: string } | undefined)?.uid, record?.reviewedBy);
    assert.equal((await runReconciliation("admin")).ok, true);
  });

  it("a rejection after the first approval refunds exactly; no approval pays it afterwards", async () => {
    await review(first);
    assert.equal((await review(first, "reject")).status, "rejected");
    assert.deepEqual(await balancesOf(host.uid), { coins: 0, diamonds: 3000 });
    assert.equal(await ledgerBalance("system:payable", "diamonds"), 0);
    await expectHttpsError(review(second), "failed-precondition");
    assert.equal((await ledgerOfType("withdrawal.payout")).length, 0);
    assert.equal((await queuedFor(host.uid, "withdrawal-rejected")).length, 1);
  });

  it("below the threshold one approval pays as before; at the threshold it takes two", async () => {
    await fund(host.uid, { diamonds: 2000 });
    const small = await withdraw(999);
    assert.equal((await review(first, "approve", requestId(), small.withdrawalId)).status, "paid");
    const atThreshold = await withdraw(1000);
    assert.equal((await review(first, "approve", requestId(), atThreshold.withdrawalId)).status, "awaiting-second-approval");
  });
});
