/**
 * The economy simulation of `npm run sim:economy` (functions/sim), smaller, inside the suite: a few hundred
 * randomized, concurrent operations through the callables and webhooks on the suite's stack, then the
 * independent audit (wallets against the ledger, zero sums, purchases against what was delivered, refusals
 * that posted nothing, policies) and the project's own reconciliation.
 */
import assert from "node:assert/strict";
import { formatReport } from "../../sim/report.js";
import { runEconomySim, type SimReport } from "../../sim/run.js";
import { testStack, useCleanStack } from "../support/stack.js";

/** Kinds every run must have done successfully at least once (the callables' and webhooks' names as tallied). */
const MUST_SUCCEED = [
  "sendGift",
  "exchangeDiamonds",
  "resellerTransfer",
  "requestWithdrawal",
  "reviewWithdrawal",
  "enterRoom",
  "purchaseVip",
  "adminAdjustBalance",
  "challengePk",
  "respondPk",
  "stripe checkout.session.completed",
  "stripe charge.refunded",
  "stripe charge.dispute.created",
  "revenuecat CANCELLATION",
];

describe("e2e: a randomized economy over HTTP conserves value", function () {
  this.timeout(600_000);
  useCleanStack();

  it("runs ~400 randomized operations with no mismatch and no internal answer, each kind succeeding at least once", async () => {
    const stack = testStack();
    const progress: string[] = [];
    const report: SimReport = await runEconomySim(
      { projectId: stack.projectId, functions: stack.functions as string, auth: stack.auth as string },
      {
        operations: Number(process.env.SIM_OPS ?? 400),
        concurrency: 4,
        seed: Number(process.env.SIM_SEED ?? 20_240_901),
        size: { fans: 12, hosts: 2, resellers: 2, granters: 2, payers: 1, pkPairs: 1, rooms: 1 },
        earlyRefunds: true,
        log: (line) => progress.push(line),
      },
    );
    const summary = [...progress, ...formatReport(report)].join("\n");
    // SIM_VERBOSE=1 prints the figures of a passing run too.
    if (process.env.SIM_VERBOSE) console.log(summary);
    assert.deepEqual(report.tally.internals, [], summary);
    assert.deepEqual(report.mismatches, [], summary);
    const succeeded = (kind: string) => report.tally.kinds.get(kind)?.succeeded ?? 0;
    const kinds = [...MUST_SUCCEED, ...(report.skipped.some((s) => s.startsWith("reviewBalanceAdjustment")) ? [] : ["reviewBalanceAdjustment"])];
    for (const kind of kinds) assert.ok(succeeded(kind) > 0, `${kind} never succeeded\n${summary}`);
    assert.ok(
      succeeded("revenuecat INITIAL_PURCHASE") + succeeded("revenuecat NON_RENEWING_PURCHASE") > 0,
      `no store purchase was granted\n${summary}`,
    );
  });
});
