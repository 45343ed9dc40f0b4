import assert from "node:assert/strict";
import { db } from "../../src/kernel/app.js";
import { exchangeDiamonds, runReconciliation as runReconciliationCallable } from "../../src/wallet/callables.js";
import { reconcileLedgerDaily } from "../../src/wallet/jobs.js";
import { runReconciliation } from "../../src/wallet/reconciliation.js";
import type { ReconciliationReport } from "../../src/wallet/schema.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import type { TestUser } from "../support/users.js";
import { fund, requestId, setEconomy, walletUser } from "./support.js";

describe("wallet: reconciliation", () => {
  useCleanStack();
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;

  beforeEach(async () => {
    await setEconomy({ exchangeCoinsPerDiamond: 1, exchangeFeeBps: 500 });
    [admin, alice, bob] = await Promise.all([walletUser(["admin"]), walletUser(), walletUser()]);
    await fund(alice.uid, { coins: 300, diamonds: 50, shardDiamonds: [10, 5] });
    await fund(bob.uid, { shardDiamonds: [40] });
    await callInProcess(exchangeDiamonds, { user: alice, data: { diamonds: 20, requestId: requestId() } });
    // Shards of other counters share the subcollection name: they must not be taken for wallets.
    await db().doc("platformStats/users/shards/0").set({ count: 3, diamonds: 99 });
  });

  it("passes on a consistent world (wallets with unfolded shards included) and stores the report", async () => {
    const report = await callInProcess<ReconciliationReport>(runReconciliationCallable, { user: admin, data: null });
    assert.equal(report.ok, true, JSON.stringify(report.mismatches));
    assert.equal(report.checkedWallets, 3);
    assert.equal(report.checkedTransactions, 3);
    assert.deepEqual(report.mismatches, []);
    const stored = await docData(`reconciliationReports/${report.id}`);
    assert.equal(stored?.ok, true);
    assert.equal(stored?.checkedTransactions, 3);
    assert.ok(stored?.startedAt && stored?.finishedAt);
    assert.equal(stored?.trigger, "admin");
    assert.equal(stored?.actorUid, admin.uid);
  });

  it("reports a wallet corrupted directly, and the system total that no longer sums to zero", async () => {
    await db().doc(`wallets/${alice.uid}`).update({ coins: 1_000_000 });
    await db().doc(`wallets/${bob.uid}/shards/3`).set({ diamonds: 1 }, { merge: true });
    const report = await runReconciliation("admin");
    assert.equal(report.ok, false);
    const walletMismatches = report.mismatches.filter((m) => m.kind === "wallet-balance");
    assert.deepEqual(
      walletMismatches.map((m) => [m.account, m.currency]).sort(),
      [
        [`user:${alice.uid}`, "coins"],
        [`user:${bob.uid}`, "diamonds"],
      ].sort(),
    );
    const aliceCoins = walletMismatches.find((m) => m.account === `user:${alice.uid}`);
    assert.deepEqual(aliceCoins, {
      kind: "wallet-balance",
      account: `user:${alice.uid}`,
      currency: "coins",
      walletBalance: 1_000_000,
      ledgerBalance: 300 + 19,
    });
    assert.ok(report.mismatches.some((m) => m.kind === "system-total" && m.currency === "coins"));
    assert.equal((await docData(`reconciliationReports/${report.id}`))?.ok, false);
  });

  it("reports an unbalanced ledger transaction and invalid entries", async () => {
    await db()
      .doc("ledger/forged")
      .set({
        type: "reward",
        entries: [
          { account: `user:${bob.uid}`, currency: "coins", amount: 10 },
          { account: "system:mint", currency: "coins", amount: -9 },
          { account: "system:mint", currency: "coins", amount: 0.5 },
        ],
      });
    const report = await runReconciliation("admin");
    assert.equal(report.ok, false);
    assert.ok(report.mismatches.some((m) => m.kind === "unbalanced-transaction" && m.transactionId === "forged" && m.sum === 1));
    assert.ok(report.mismatches.some((m) => m.kind === "invalid-entry" && m.transactionId === "forged"));
    assert.ok(report.mismatches.some((m) => m.kind === "wallet-balance" && m.account === `user:${bob.uid}`));
  });

  it("runs daily as a scheduled job", async () => {
    await (reconcileLedgerDaily as unknown as { run(e: unknown): Promise<unknown> }).run({ scheduleTime: new Date().toISOString(), jobName: "test" });
    const reports = await db().collection("reconciliationReports").get();
    assert.equal(reports.size, 1);
    assert.equal(reports.docs[0]?.get("trigger"), "schedule");
    assert.equal(reports.docs[0]?.get("ok"), true);
  });

  it("the callable is admin-only and takes no input", async () => {
    await expectHttpsError(callInProcess(runReconciliationCallable, { user: alice, data: null }), "permission-denied");
    await expectHttpsError(callInProcess(runReconciliationCallable, { user: admin, data: { full: true } }), "invalid-argument");
    assert.equal((await db().collection("reconciliationReports").get()).size, 0);
  });
});
