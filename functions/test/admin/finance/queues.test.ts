import assert from "node:assert/strict";
import { Timestamp } from "firebase-admin/firestore";
import { listKycQueue, listReconciliationReports, listWithdrawalQueue } from "../../../src/admin/finance/callables.js";
import type { ListKycQueueResponse, ListReconciliationReportsResponse, ListWithdrawalQueueResponse } from "../../../src/admin/finance/schema.js";
import { db } from "../../../src/kernel/app.js";
import { runReconciliation } from "../../../src/wallet/reconciliation.js";
import { callInProcess, expectHttpsError } from "../../support/callables.js";
import { useCleanStack } from "../../support/stack.js";
import { createTestUser } from "../../support/users.js";

describe("admin/finance: KYC and reconciliation queues", () => {
  useCleanStack();

  it("pages KYC submissions of a status, oldest pending first, with the user's summary and no personal data", async () => {
    const moderator = await createTestUser({ roles: ["moderator"] });
    const start = Date.parse("2026-11-01T10:00:00Z");
    const batch = db().batch();
    for (let i = 0; i < 5; i++) {
      const uid = `kyc-user-${i}`;
      batch.set(db().doc(`users/${uid}`), { uid, displayName: `User ${i}` });
      batch.set(db().doc(`kyc/${uid}`), {
        status: i === 4 ? "approved" : "pending",
        documentType: "passport",
        submittedAt: Timestamp.fromMillis(start + i * 60_000),
        encrypted: { legalName: "secret" },
      });
    }
    batch.set(db().doc("bans/kyc-user-1"), { kind: "ban", reason: "fraud" });
    await batch.commit();

    const seen: ListKycQueueResponse["items"] = [];
    let cursor: string | null = null;
    do {
      const page: ListKycQueueResponse = await callInProcess(listKycQueue, { user: moderator, data: { limit: 2, ...(cursor ? { cursor } : {}) } });
      assert.ok(page.items.length <= 2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(
      seen.map((item) => item.uid),
      ["kyc-user-0", "kyc-user-1", "kyc-user-2", "kyc-user-3"],
    );
    for (const item of seen) {
      assert.equal(item.status, "pending");
      assert.deepEqual(Object.keys(item).sort(), ["documentType", "reviewedAt", "reviewedBy", "status", "submittedAt", "uid", "user"]);
    }
    assert.deepEqual(seen[1]?.user, { uid: "kyc-user-1", displayName: "User 1", banned: true });
    assert.deepEqual(seen[0]?.user, { uid: "kyc-user-0", displayName: "User 0", banned: false });
    const approved = await callInProcess<ListKycQueueResponse>(listKycQueue, { user: moderator, data: { status: "approved" } });
    assert.deepEqual(
      approved.items.map((item) => item.uid),
      ["kyc-user-4"],
    );
  });

  it("lists reconciliation reports newest first; finance reads them, moderators the KYC queue only", async () => {
    const [finance, moderator, support] = await Promise.all([
      createTestUser({ roles: ["finance"] }),
      createTestUser({ roles: ["moderator"] }),
      createTestUser({ roles: ["support"] }),
    ]);
    const first = await runReconciliation("admin");
    const second = await runReconciliation("schedule");
    const page = await callInProcess<ListReconciliationReportsResponse>(listReconciliationReports, { user: finance, data: { limit: 1 } });
    assert.deepEqual(
      page.items.map((item) => [item.reportId, item.ok, item.trigger]),
      [[second.id, true, "schedule"]],
    );
    const next = await callInProcess<ListReconciliationReportsResponse>(listReconciliationReports, {
      user: finance,
      data: { limit: 1, cursor: page.nextCursor },
    });
    assert.deepEqual(
      next.items.map((item) => item.reportId),
      [first.id],
    );

    await expectHttpsError(callInProcess(listReconciliationReports, { user: moderator, data: {} }), "permission-denied");
    await expectHttpsError(callInProcess(listKycQueue, { user: finance, data: {} }), "permission-denied");
    await expectHttpsError(callInProcess(listKycQueue, { user: support, data: {} }), "permission-denied");
    await expectHttpsError(callInProcess(listKycQueue, { user: moderator, data: { status: "unknown" } }), "invalid-argument");
    await expectHttpsError(callInProcess(listReconciliationReports, { user: finance, data: { limit: 0 } }), "invalid-argument");
  });

  it("shows who approved a withdrawal once, so the console can ask for a second reviewer", async () => {
    const finance = await createTestUser({ roles: ["finance"] });
    const at = Timestamp.fromMillis(Date.parse("2026-11-02T09:30:00Z"));
    const batch = db().batch();
    batch.set(db().doc("users/payee"), { uid: "payee", displayName: "Payee" });
    for (const [id, firstApproval] of [
      ["approved-once", { uid: "reviewer-1", at, reason: "payout checked", requestId: "req-first-1" }],
      ["not-yet", null],
    ] as const) {
      batch.set(db().doc(`withdrawals/${id}`), {
        uid: "payee",
        status: "pending",
        diamonds: 60_000,
        feeDiamonds: 1200,
        payoutCents: 58_800,
        payoutMethod: { type: "paypal", accountRef: "payee@example.test" },
        createdAt: Timestamp.fromMillis(Date.parse(id === "approved-once" ? "2026-11-02T09:00:00Z" : "2026-11-02T10:00:00Z")),
        firstApproval,
      });
    }
    await batch.commit();
    const page = await callInProcess<ListWithdrawalQueueResponse>(listWithdrawalQueue, { user: finance, data: {} });
    assert.deepEqual(
      page.items.map((item) => [item.withdrawalId, item.firstApproval]),
      [
        ["approved-once", { uid: "reviewer-1", at: "2026-11-02T09:30:00.000Z", reason: "payout checked", requestId: "req-first-1" }],
        ["not-yet", null],
      ],
    );
  });
});
