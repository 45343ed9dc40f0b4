import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import { announceToAgency, createSubAgency, exportAgencyStatement, getAgencyDashboard, settleAgencyStatement } from "../../src/agencies/callables.js";
import { settleLastPeriod } from "../../src/agencies/jobs.js";
import { periodAt, previousPeriod } from "../../src/agencies/salary.js";
import type { DashboardResponse } from "../../src/agencies/schema.js";
import { settleAgencyPeriod } from "../../src/agencies/statements.js";
import { runAccountDeletion } from "../../src/gdpr/deletion.js";
import { buildExport } from "../../src/gdpr/export.js";
import { sendGift } from "../../src/gifts/send-gift.js";
import { db } from "../../src/kernel/app.js";
import { clearConfigCaches } from "../../src/kernel/config-document.js";
import { agencyAccount } from "../../src/wallet/accounts.js";
import { readBalances } from "../../src/wallet/ledger.js";
import { expectHttpsError } from "../support/callables.js";
import { grantCoins, seedCatalog } from "../support/economy-world.js";
import { allPaths, docData } from "../support/firestore.js";
import { queuedFor } from "../support/notifications.js";
import { signInAgain, type TestUser } from "../support/users.js";
import { approvedAgency, call, join, makeAccount, setAgenciesConfig, useCleanAgenciesStack } from "./support.js";

const WEEKLY = { period: "weekly", cutoffHourUtc: 0 } as const;

async function refusal(promise: Promise<unknown>, code: Parameters<typeof expectHttpsError>[1], reason: string): Promise<void> {
  const err = await expectHttpsError(promise, code);
  assert.equal((err.details as { reason?: string } | undefined)?.reason, reason, err.message);
}

describe("agencies: statements and salary from the ledger", function () {
  this.timeout(60_000);
  useCleanAgenciesStack();

  let admin: TestUser;
  let owner: TestUser;
  let agent: TestUser;
  let sender: TestUser;
  let hosts: TestUser[];
  let agencyId: string;
  let subId: string;
  const period = periodAt(Date.now(), WEEKLY);
  const settledAt = period.endMs + 3_600_000;

  const gift = (recipient: TestUser, count: number, venue: "stream" | "room", id: string) =>
    sendGift(
      sender.uid,
      { giftId: "star", recipientUid: recipient.uid, count, context: { type: venue, id }, requestId: randomUUID() },
      { publish: async () => {} },
    );

  beforeEach(async () => {
    await seedCatalog();
    // Hosts get 50% of a gift, their agency 2% (an advance on its salary).
    await db().doc("config/economy").set({ hostShareBps: 5000, agencyShareBps: 200 });
    await setAgenciesConfig({
      commissionTiers: [
        { minVolume: 0, ratioBps: 1200 },
        { minVolume: 100_000, ratioBps: 2000 },
      ],
    });
    clearConfigCaches();
    [admin, owner, agent, sender, ...hosts] = await Promise.all([
      makeAccount(["admin"]),
      makeAccount(),
      makeAccount(),
      makeAccount(),
      makeAccount(),
      makeAccount(),
      makeAccount(),
    ]);
    agencyId = await approvedAgency(owner, admin);
    owner = await signInAgain(owner);
    ({ agencyId: subId } = await call<{ agencyId: string }>(createSubAgency, owner, {
      agencyId,
      agentUid: agent.uid,
      name: "Moon Sub",
      ratioBps: 500,
      requestId: randomUUID(),
    }));
    const [h1, h2, h3] = hosts as [TestUser, TestUser, TestUser];
    await join(owner, h1, agencyId);
    await join(owner, h2, agencyId);
    await join(agent, h3, subId);
    await grantCoins(sender.uid, 10_000);
    // 100-coin stars: h1 earns 1,000 in a stream, h2 500 in a room (the agency 40 and 20 in advances),
    // h3 1,500 in a stream for the sub-agency (which gets the 60 advance).
    await gift(h1, 20, "stream", "s1");
    await gift(h2, 10, "room", "r1");
    await gift(h3, 30, "stream", "s2");
  });

  /** The same figures summed straight from the ledger documents, per agency named on the gift. */
  async function ledgerSums(id: string): Promise<{ earnings: number; shares: number }> {
    const gifts = (await db().collection("ledger").where("type", "==", "gift").get()).docs.filter((d) => d.get("meta.agencyId") === id);
    return {
      earnings: gifts.reduce((sum, d) => sum + (d.get("meta.hostShare") as number), 0),
      shares: gifts.reduce((sum, d) => sum + (d.get("meta.agencyShare") as number), 0),
    };
  }

  it("the statement equals the hand-computed ledger sums and the sub-agency rule; the salary less advances is paid", async () => {
    const own = await ledgerSums(agencyId);
    const sub = await ledgerSums(subId);
    assert.deepEqual(
      [own, sub],
      [
        { earnings: 1500, shares: 60 },
        { earnings: 1500, shares: 60 },
      ],
    );
    const { statement, matchesStored } = await settleAgencyPeriod(agencyId, period.key, settledAt);
    assert.equal(matchesStored, true);
    assert.equal(statement.id, `${agencyId}__${period.key}`);
    assert.equal(statement.volume30d, 3000);
    assert.equal(statement.ratioBps, 1200);
    assert.equal(statement.ownEarnings, own.earnings);
    // 12% of 1,500 own + (12% − 5%) of the sub-agency's 1,500.
    assert.equal(statement.salary, 180 + 105);
    assert.deepEqual(statement.subAgencies, [{ agencyId: subId, ratioBps: 500, earnings: 1500, salary: 75, giftShares: 60 }]);
    assert.deepEqual(statement.payouts, { [agencyAccount(agencyId)]: 285 - 60, [agencyAccount(subId)]: 75 - 60 });
    assert.equal((await readBalances(agencyAccount(agencyId))).diamonds, 60 + 225);
    assert.equal((await readBalances(agencyAccount(subId))).diamonds, 60 + 15);
    const stored = await docData(`agencyStatements/${statement.id}`);
    assert.equal(stored?.ownerUid, owner.uid);
    assert.deepEqual(stored?.statement, statement);
  });

  it("running again, or three times at once, gives the same statement and pays each payee once", async () => {
    const first = await settleAgencyPeriod(agencyId, period.key, settledAt);
    const runs = await Promise.all([1, 2, 3].map(() => settleAgencyPeriod(agencyId, period.key, settledAt)));
    for (const run of runs) {
      assert.deepEqual(run.statement, first.statement);
      assert.equal(run.matchesStored, true);
      assert.deepEqual(run.transactions, first.transactions);
    }
    const salaries = await db().collection("ledger").where("type", "==", "agency.salary").get();
    assert.equal(salaries.size, 2);
    assert.equal((await readBalances(agencyAccount(agencyId))).diamonds, 285);
    assert.equal((await readBalances(agencyAccount(subId))).diamonds, 75);
  });

  it("the hourly job settles the last closed period of each top-level agency once", async () => {
    // Before the settle delay has passed, nothing is settled.
    assert.equal(await settleLastPeriod(period.endMs + 60_000), 0);
    assert.equal(await docData(`agencyStatements/${agencyId}__${period.key}`), undefined);
    assert.equal(await settleLastPeriod(settledAt), 1);
    assert.ok((await docData(`agencyStatements/${agencyId}__${period.key}`))?.paidAt);
    assert.equal(await docData(`agencyStatements/${subId}__${period.key}`), undefined, "sub-agencies are paid by their parent's statement");
    assert.equal(await settleLastPeriod(settledAt), 0);
    assert.equal((await readBalances(agencyAccount(subId))).diamonds, 75);
  });

  it("concurrent first runs store one statement and pay once", async () => {
    const runs = await Promise.all([1, 2, 3].map(() => settleAgencyPeriod(agencyId, period.key, settledAt)));
    for (const run of runs) assert.deepEqual(run.statement, runs[0]?.statement);
    assert.equal((await db().collection("ledger").where("type", "==", "agency.salary").get()).size, 2);
    assert.equal((await readBalances(agencyAccount(agencyId))).diamonds, 285);
  });

  it("only qualifying venues count, and hosts below the live-hour minimum do not", async () => {
    const [h1, h2, h3] = hosts as [TestUser, TestUser, TestUser];
    await setAgenciesConfig({ commissionTiers: [{ minVolume: 0, ratioBps: 1200 }], qualifyingVenues: ["stream"], minLiveHours: 1.5 });
    // h1 streamed 2 hours in the period; h3 half an hour.
    const stream = (uid: string, minutes: number) =>
      db()
        .collection("streams")
        .add({ hostUid: uid, startedAt: Timestamp.fromMillis(period.startMs), endedAt: Timestamp.fromMillis(period.startMs + minutes * 60_000) });
    await Promise.all([stream(h1.uid, 120), stream(h3.uid, 30)]);
    const { statement } = await settleAgencyPeriod(agencyId, period.key, settledAt);
    const line = (uid: string) => statement.hosts.find((h) => h.uid === uid);
    assert.deepEqual([line(h1.uid)?.qualified, line(h1.uid)?.liveHours], [true, 2]);
    assert.deepEqual([line(h3.uid)?.qualified, line(h3.uid)?.liveHours], [false, 0.5]);
    assert.equal(line(h2.uid), undefined, "room gifts do not count");
    assert.equal(statement.ownEarnings, 1000);
    assert.equal(statement.salary, 120);
    assert.deepEqual(statement.payouts, { [agencyAccount(agencyId)]: 120 - 40 });
  });

  it("an open period is refused and nothing is written; settling by callable is for admins, with a valid period", async () => {
    const before = await allPaths();
    await refusal(settleAgencyPeriod(agencyId, period.key), "failed-precondition", "period-not-closed");
    await expectHttpsError(call(settleAgencyStatement, owner, { agencyId, period: period.key }), "permission-denied");
    for (const bad of ["2026-13", "2026-12", "week-1", "2025-W53"]) {
      await expectHttpsError(call(settleAgencyStatement, admin, { agencyId, period: bad }), "invalid-argument");
    }
    assert.deepEqual(await allPaths(), before);
    await expectHttpsError(
      call(settleAgencyStatement, admin, { agencyId: subId, period: previousPeriod(Date.now(), WEEKLY).key }),
      "failed-precondition",
    );
  });

  it("dashboard, CSV export and announcements are for the agency's staff", async () => {
    const [h1, h2] = hosts as [TestUser, TestUser];
    const dashboard = await call<DashboardResponse>(getAgencyDashboard, owner, { agencyId });
    assert.equal(dashboard.period.key, period.key);
    const earnings = Object.fromEntries(dashboard.members.map((m) => [m.uid, m.earnings]));
    assert.deepEqual(earnings, { [owner.uid]: 0, [h1.uid]: 1000, [h2.uid]: 500 });
    await refusal(call(getAgencyDashboard, h1, { agencyId }), "permission-denied", "not-agency-staff");

    await settleAgencyPeriod(agencyId, period.key, settledAt);
    const { csv } = await call<{ csv: string }>(exportAgencyStatement, owner, { agencyId, period: period.key });
    const lines = csv.split("\r\n");
    assert.equal(lines[0], "uid,agencyId,earnings,giftShares,gifts,liveHours,validDays,qualified");
    assert.equal(lines.length, 4);
    assert.ok(lines.includes(`"${h1.uid}","${agencyId}","1000","40","20","0","0","true"`), csv);
    const trends = (await call<DashboardResponse>(getAgencyDashboard, owner, { agencyId })).trends;
    assert.deepEqual(trends, [{ period: period.key, ownEarnings: 1500, salary: 285, ratioBps: 1200, volume30d: 3000 }]);

    assert.deepEqual(await call(announceToAgency, owner, { agencyId, message: "Party at 8 pm!", requestId: randomUUID() }), { recipients: 2 });
    const [notice] = await queuedFor(h2.uid, "agency-announcement");
    assert.equal(notice?.data.message, "Party at 8 pm!");
    await refusal(call(announceToAgency, h1, { agencyId, message: "spam", requestId: randomUUID() }), "permission-denied", "not-agency-staff");
  });

  it("GDPR: the export holds the user's membership and statement lines; deletion ends memberships and the owner's agency", async () => {
    const [h1, , h3] = hosts as [TestUser, TestUser, TestUser];
    await settleAgencyPeriod(agencyId, period.key, settledAt);
    const bundle = await buildExport(h1.uid);
    assert.deepEqual(
      bundle.agencies.memberships.map((m) => (m as { agencyId: string }).agencyId),
      [agencyId],
    );
    assert.deepEqual(bundle.agencies.statementLines, [
      {
        statementId: `${agencyId}__${period.key}`,
        agencyId,
        period: period.key,
        uid: h1.uid,
        earnings: 1000,
        giftShares: 40,
        gifts: 20,
        liveHours: 0,
        validDays: 0,
        qualified: true,
      },
    ]);
    assert.equal((await buildExport(owner.uid)).agencies.statementsOwned.length, 1);

    assert.equal((await runAccountDeletion(h1.uid)).status, "done");
    assert.equal(await docData(`agencies/${agencyId}/members/${h1.uid}`), undefined);
    assert.equal((await docData(`agencies/${agencyId}`))?.memberCount, 2);

    assert.equal((await runAccountDeletion(owner.uid)).status, "done");
    assert.deepEqual([(await docData(`agencies/${agencyId}`))?.status, (await docData(`agencies/${subId}`))?.status], ["deleted", "deleted"]);
    assert.equal((await docData(`users/${h3.uid}`))?.agencyId, null);
    assert.equal((await queuedFor(h3.uid, "agency-deleted")).length, 1);
    // Statements stay: financial records.
    assert.ok(await docData(`agencyStatements/${agencyId}__${period.key}`));
  });
});
