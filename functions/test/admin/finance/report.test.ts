/**
 * Finance figures over HTTP: a small randomized economy (store and checkout purchases, refunds and
 * disputes, gifts, exchanges, withdrawals and their reviews) runs through the callables and webhooks of
 * the stack; the emulator-hosted ledger trigger feeds the daily figures, which must equal the sums taken
 * straight from the ledger documents.
 */
import assert from "node:assert/strict";
import type { DocumentData } from "firebase-admin/firestore";
import { runEconomySim } from "../../../sim/run.js";
import { FINANCE_FIGURES, type FinanceFigures, type GetFinanceReportResponse } from "../../../src/admin/finance/schema.js";
import { forgetStanding } from "../../../src/kernel/account.js";
import { calendarPeriodAt } from "../../../src/kernel/periods.js";
import { clearRateLimiterCache } from "../../../src/kernel/ratelimit.js";
import { callOverHttp } from "../../support/callables.js";
import { callOk, type SignedUp, signUp, useStackAdmin } from "../../support/e2e.js";
import { waitUntil } from "../../support/firestore.js";
import { resetStack, testStack } from "../../support/stack.js";

type Entry = { account: string; currency: string; amount: number };

/** Σ of the amounts of `docs` of `type` (any type when null) whose entry matches. */
function sumOf(docs: DocumentData[], type: string | null, match: (entry: Entry) => boolean): number {
  let total = 0;
  for (const doc of docs) {
    if (type !== null && doc.type !== type) continue;
    for (const entry of doc.entries as Entry[]) if (match(entry)) total += entry.amount;
  }
  return total;
}

/** -total, but 0 rather than -0 when nothing matched (strict equality tells them apart). */
const negated = (total: number) => 0 - total;

const on = (account: string | ((account: string) => boolean), currency: string, sign: 1 | -1) => (entry: Entry) =>
  (typeof account === "string" ? entry.account === account : account(entry.account)) &&
  entry.currency === currency &&
  Math.sign(entry.amount) === sign;

describe("admin/finance: daily figures from the ledger over HTTP", function () {
  this.timeout(600_000);
  const admin = useStackAdmin();

  let finance: SignedUp;
  let ledger: DocumentData[];
  let days: string[];

  const report = (from: string, to: string) => callOk<GetFinanceReportResponse>("getFinanceReport", { from, to }, finance);

  // One economy for every test of this suite: it takes a while to run.
  before(async () => {
    await resetStack();
    clearRateLimiterCache();
    forgetStanding();
    const stack = testStack();
    const sim = await runEconomySim(
      { projectId: stack.projectId, functions: stack.functions as string, auth: stack.auth as string },
      {
        operations: 60,
        concurrency: 3,
        seed: 15_015,
        size: { fans: 6, hosts: 2, resellers: 1, granters: 2, payers: 1, pkPairs: 0, rooms: 1 },
        earlyRefunds: true,
        log: () => {},
      },
    );
    assert.deepEqual(sim.tally.internals, []);
    finance = await signUp(admin, "finance", { roles: ["finance"] });
    // Refunds in the run depend on how its concurrent operations interleave: one rejected withdrawal
    // makes sure the refund figure is compared to a sum that is not zero.
    const [granter, payee] = [await signUp(admin, "granter", { roles: ["admin"] }), await signUp(admin, "payee")];
    await callOk(
      "adminAdjustBalance",
      { uid: payee.localId, currency: "diamonds", amount: 500, reason: "prize for the finance test", requestId: "finance-test-prize" },
      granter,
    );
    await admin.firestore.doc(`kyc/${payee.localId}`).set({ status: "approved", reviewedBy: granter.localId });
    const { withdrawalId } = await callOk<{ withdrawalId: string }>(
      "requestWithdrawal",
      { diamonds: 400, payoutMethod: { type: "paypal", accountRef: "payee@paypal.test" }, requestId: "finance-test-withdrawal" },
      payee,
    );
    await callOk(
      "reviewWithdrawal",
      { withdrawalId, decision: "reject", reason: "payout account closed", requestId: "finance-test-reject" },
      finance,
    );
    ledger = (await admin.firestore.collection("ledger").get()).docs.map((doc) => ({ ...doc.data(), id: doc.id }));
    days = [...new Set(ledger.map((doc) => calendarPeriodAt("day", doc.createdAt.toMillis()).key))].sort();
    // The trigger has counted every ledger transaction.
    await waitUntil(
      "every ledger transaction counted",
      async () => (await report(days[0] as string, days.at(-1) as string)).totals.transactions === ledger.length,
      60_000,
    );
  });

  it("reports totals equal to the ledger's own sums, per day and in all; recompute matches and is audited; the CSV has a row per day", async () => {
    const kinds = new Set(ledger.map((doc) => doc.type));
    for (const kind of ["purchase", "gift", "exchange", "withdrawal.request"]) assert.ok(kinds.has(kind), `${kind} in ${[...kinds]}`);
    assert.ok(kinds.has("withdrawal.refund"), `no withdrawal refund in ${[...kinds]}`);

    const { days: reported, totals } = await report(days[0] as string, days.at(-1) as string);
    assert.deepEqual(
      reported.map((day) => day.day),
      days,
    );
    const isUser = (account: string) => account.startsWith("user:");
    const expected: Partial<FinanceFigures> = {
      transactions: ledger.length,
      coinsSpentGifts: sumOf(ledger, "gift", on("system:burn", "coins", 1)),
      diamondsEarned: sumOf(ledger, "gift", on(isUser, "diamonds", 1)) + sumOf(ledger, "room.entry", on(isUser, "diamonds", 1)),
      diamondsExchanged: sumOf(ledger, "exchange", on("system:burn", "diamonds", 1)),
      diamondsWithdrawalRequested: sumOf(ledger, "withdrawal.request", on("system:payable", "diamonds", 1)),
      diamondsWithdrawn: negated(sumOf(ledger, "withdrawal.payout", on("system:payable", "diamonds", -1))),
      diamondsWithdrawalRefunded: negated(sumOf(ledger, "withdrawal.refund", on("system:payable", "diamonds", -1))),
      coinsClawedBack: sumOf(ledger, "purchase.clawback", on("system:mint", "coins", 1)),
      platformRevenueDiamonds: sumOf(ledger, null, on("system:platform", "diamonds", 1)),
      platformRevenueCoins: sumOf(ledger, null, on("system:platform", "coins", 1)),
      coinsSpentVip: sumOf(ledger, "vip.purchase", on("system:burn", "coins", 1)),
    };
    for (const [figure, value] of Object.entries(expected)) assert.equal(totals[figure as keyof FinanceFigures], value, figure);
    const purchased = totals.coinsPurchasedApple + totals.coinsPurchasedGoogle + totals.coinsPurchasedStripe + totals.coinsPurchasedOther;
    assert.equal(purchased, negated(sumOf(ledger, "purchase", on("system:mint", "coins", -1))));
    assert.equal(
      totals.coinsPurchasedStripe,
      negated(
        sumOf(
          ledger.filter((doc) => doc.meta?.provider === "stripe"),
          "purchase",
          on("system:mint", "coins", -1),
        ),
      ),
    );
    assert.ok(purchased > 0 && totals.coinsSpentGifts > 0 && totals.diamondsWithdrawalRequested > 0);

    for (const day of days) {
      const recompute = await callOk<{ matches: boolean; stored: FinanceFigures; recomputed: FinanceFigures; reportId: string }>(
        "recomputeFinanceDay",
        { day, requestId: `recompute-${day}` },
        finance,
      );
      assert.equal(recompute.matches, true, JSON.stringify(recompute));
      assert.deepEqual(recompute.stored, reported.find((entry) => entry.day === day)?.figures);
      const audit = await admin.firestore
        .collection("auditLog")
        .where("action", "==", "finance.recomputeDay")
        .where("requestId", "==", `recompute-${day}`)
        .get();
      assert.equal(audit.size, 1);
      assert.equal(audit.docs[0]?.get("actorUid"), finance.localId);
      assert.equal((await admin.firestore.doc(`financeRecomputes/${recompute.reportId}`).get()).get("matches"), true);
    }

    const { filename, csv } = await callOk<{ filename: string; csv: string }>("exportFinanceCsv", { from: days[0], to: days.at(-1) }, finance);
    assert.equal(filename, `finance-${days[0]}-to-${days.at(-1)}.csv`);
    const rows = csv.trim().split("\n");
    assert.deepEqual(rows[0]?.split(","), ["day", ...FINANCE_FIGURES]);
    assert.deepEqual(
      rows.slice(1).map((row) => row.split(",")),
      reported.map(({ day, figures }) => [day, ...FINANCE_FIGURES.map((figure) => String(figures[figure]))]),
    );
  });

  it("detects a stored figure that no longer matches the ledger, and changes none", async () => {
    const day = days.at(-1) as string;
    await admin.firestore.doc(`financeDays/${day}/shards/0`).set({ coinsSpentGifts: 1_000_000 }, { merge: true });
    const tampered = await report(day, day);
    const result = await callOk<{ matches: boolean; differences: { figure: string }[] }>(
      "recomputeFinanceDay",
      { day, requestId: "recompute-tampered" },
      finance,
    );
    assert.equal(result.matches, false);
    assert.deepEqual(
      result.differences.map((d) => d.figure),
      ["coinsSpentGifts"],
    );
    assert.deepEqual(await report(day, day), tampered);
  });

  it("refuses other roles and malformed ranges, changing nothing", async () => {
    const [viewer, support, moderator] = await Promise.all([
      signUp(admin, "viewer"),
      signUp(admin, "support", { roles: ["support"] }),
      signUp(admin, "moderator", { roles: ["moderator"] }),
    ]);
    const day = days[0] as string;
    const recomputesBefore = (await admin.firestore.collection("financeRecomputes").get()).size;
    const auditBefore = (await admin.firestore.collection("auditLog").get()).size;
    for (const user of [viewer, support, moderator]) {
      for (const [name, data] of [
        ["getFinanceReport", { from: day, to: day }],
        ["exportFinanceCsv", { from: day, to: day }],
        ["recomputeFinanceDay", { day, requestId: "refused-recompute" }],
        ["listWithdrawalQueue", {}],
        ["listReconciliationReports", {}],
      ] as const) {
        const reply = await callOverHttp(name, data, user.idToken);
        assert.equal(reply.error?.status, "PERMISSION_DENIED", `${name}: ${JSON.stringify(reply)}`);
      }
    }
    for (const data of [
      { from: "2026-01-10", to: "2026-01-09" },
      { from: "2026-01-01", to: "2026-04-03" },
      { from: "2026-02-30", to: "2026-03-01" },
      { from: "yesterday", to: day },
      { from: day, to: day, extra: 1 },
      null,
    ]) {
      const reply = await callOverHttp("getFinanceReport", data, finance.idToken);
      assert.equal(reply.error?.status, "INVALID_ARGUMENT", JSON.stringify({ data, status: reply.status, error: reply.error }));
    }
    const bad = await callOverHttp("recomputeFinanceDay", { day: "2026-13-01", requestId: "bad-day-request" }, finance.idToken);
    assert.equal(bad.error?.status, "INVALID_ARGUMENT");
    assert.equal((await admin.firestore.collection("financeRecomputes").get()).size, recomputesBefore);
    assert.equal((await admin.firestore.collection("auditLog").get()).size, auditBefore);
  });

  it("pages the withdrawal queue with each requester's summary and KYC status", async () => {
    const all = await admin.firestore.collection("withdrawals").get();
    const byStatus = new Map<string, string[]>();
    for (const doc of all.docs) byStatus.set(doc.get("status"), [...(byStatus.get(doc.get("status")) ?? []), doc.id]);
    assert.ok(all.size > 0);
    for (const [status, ids] of byStatus) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: {
          items: { withdrawalId: string; uid: string; status: string; kycStatus: string; user: { uid: string; displayName: string | null } }[];
          nextCursor: string | null;
        } = await callOk("listWithdrawalQueue", { status, limit: 2, ...(cursor ? { cursor } : {}) }, finance);
        assert.ok(page.items.length <= 2);
        for (const item of page.items) {
          assert.equal(item.status, status);
          assert.equal(item.user.uid, item.uid);
          assert.equal(item.kycStatus, (await admin.firestore.doc(`kyc/${item.uid}`).get()).get("status") ?? "none");
          seen.push(item.withdrawalId);
        }
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual([...seen].sort(), [...ids].sort(), status);
    }
    const malformed = await callOverHttp("listWithdrawalQueue", { cursor: "not-a-cursor" }, finance.idToken);
    assert.equal(malformed.error?.status, "INVALID_ARGUMENT");
  });
});
