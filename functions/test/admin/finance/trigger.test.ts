import assert from "node:assert/strict";
import { getFinanceReport } from "../../../src/admin/finance/callables.js";
import type { GetFinanceReportResponse } from "../../../src/admin/finance/schema.js";
import { onLedgerTransactionForFinance } from "../../../src/admin/finance/triggers.js";
import { db } from "../../../src/kernel/app.js";
import { calendarPeriodAt } from "../../../src/kernel/periods.js";
import { fundCoins, giftPosting, type Posted } from "../../progression/support.js";
import { callInProcess } from "../../support/callables.js";
import { useCleanStack } from "../../support/stack.js";
import { deliverDocumentCreated } from "../../support/triggers.js";
import { createTestUser } from "../../support/users.js";

describe("admin/finance: the ledger trigger", () => {
  useCleanStack();

  const deliver = (posted: Posted, eventId: string) =>
    deliverDocumentCreated(onLedgerTransactionForFinance, `ledger/${posted.id}`, posted.data, eventId, { txId: posted.id });

  it("counts each ledger transaction once, whatever the events delivered for it, on its UTC day", async () => {
    const finance = await createTestUser({ roles: ["finance"] });
    const grant = await fundCoins("alice", 500);
    const gift = await giftPosting("alice", "bob", 100);
    // Redelivery of the same event, and a second event for the same document.
    await Promise.all([deliver(grant, "evt-1"), deliver(grant, "evt-1"), deliver(grant, "evt-2")]);
    await deliver(gift, "evt-3");
    await deliver(gift, "evt-3");

    const day = calendarPeriodAt("day", (grant.data.createdAt as { toMillis(): number }).toMillis()).key;
    const report = await callInProcess<GetFinanceReportResponse>(getFinanceReport, { user: finance, data: { from: day, to: day } });
    assert.equal(report.totals.transactions, 2);
    assert.equal(report.totals.coinsGranted, 500);
    assert.equal(report.totals.coinsSpentGifts, 100);
    assert.equal(report.totals.diamondsEarned, 50);
    assert.equal(report.totals.platformRevenueDiamonds, 50);
    // Blind increments on the day's shards: no single document takes every transaction.
    const shards = await db().collection(`financeDays/${day}/shards`).get();
    assert.ok(shards.size >= 1 && shards.size <= 8);
    assert.equal((await db().doc(`financeDays/${day}`).get()).exists, false);
  });

  it("reports every day of the range, empty days included, with totals over them", async () => {
    const finance = await createTestUser({ roles: ["finance"] });
    const report = await callInProcess<GetFinanceReportResponse>(getFinanceReport, { user: finance, data: { from: "2026-02-27", to: "2026-03-02" } });
    assert.deepEqual(
      report.days.map((d) => d.day),
      ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"],
    );
    assert.equal(report.totals.transactions, 0);
  });
});
