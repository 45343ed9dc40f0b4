/**
 * Agencies and rankings end to end over HTTP: accounts made through the Auth emulator, every call through
 * the functions emulator, the boards filled by the deployed ledger trigger. An owner's agency is approved,
 * a host joins it and is sent gifts; the boards show the host and the agency; an admin settles the
 * agency's period and the salary is paid once. Then every agencies and rankings callable is sent
 * malformed payloads over HTTP: each is refused as invalid-argument, and nothing is written.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import { periodAt, previousPeriod } from "../../src/agencies/salary.js";
import type { AgencyStatement, ApplyForAgencyResponse } from "../../src/agencies/schema.js";
import type { LeaderboardResponse, MyRankResponse } from "../../src/rankings/schema.js";
import { agencyAccount } from "../../src/wallet/accounts.js";
import { callOverHttp } from "../support/callables.js";
import { callOk, signInAgain, signUp, useStackAdmin } from "../support/e2e.js";
import { waitUntil } from "../support/firestore.js";
import { type CallableCase, expectMalformedRefused } from "../support/malformed.js";
import { useCleanStack } from "../support/stack.js";

interface Settlement {
  statement: AgencyStatement;
  matchesStored: boolean;
  transactions: unknown;
}

describe("e2e: agencies and rankings over HTTP", function () {
  this.timeout(300_000);
  useCleanStack();
  const stack = useStackAdmin();

  it("an approved agency's host is sent gifts: the boards rank host and agency, and the closed period's salary is paid once", async () => {
    // 100-coin roses: the host gets 50%, the host's agency 2% (an advance on its salary), the agency ratio 10%.
    await Promise.all([
      stack.firestore.doc("gifts/rose").set({ name: "Rose", priceCoins: 100, vipOnly: false, active: true }),
      stack.firestore.doc("config/economy").set({ hostShareBps: 5000, agencyShareBps: 200 }),
      stack.firestore.doc("config/agencies").set({ period: "weekly", cutoffHourUtc: 0, commissionTiers: [{ minVolume: 0, ratioBps: 1000 }] }),
    ]);
    const [admin, signedUpOwner, host, viewer] = await Promise.all([
      signUp(stack, "admin", { roles: ["admin"] }),
      signUp(stack, "owner"),
      signUp(stack, "host"),
      signUp(stack, "viewer"),
    ]);

    // The owner applies, an admin approves: the owner's new role reaches a fresh token.
    const applied = await callOk<ApplyForAgencyResponse>(
      "applyForAgency",
      { name: "Star Talent", country: "IN", description: "Hosts who sing", requestId: randomUUID() },
      signedUpOwner,
    );
    assert.equal(applied.status, "pending");
    const { agencyId } = applied;
    await callOk("reviewAgency", { agencyId, approve: true, reason: "documents checked" }, admin);
    const owner = await signInAgain(signedUpOwner);

    // The owner invites the host, who accepts.
    await callOk("inviteToAgency", { agencyId, uid: host.localId }, owner);
    await callOk("answerAgencyRequest", { agencyId, uid: host.localId, accept: true }, host);
    assert.equal((await stack.firestore.doc(`users/${host.localId}`).get()).get("agencyId"), agencyId);

    // The viewer is granted coins and sends the host 3 roses, then 2.
    await callOk("adminAdjustBalance", { uid: viewer.localId, currency: "coins", amount: 1000, reason: "e2e gifts", requestId: randomUUID() }, admin);
    const gift = (count: number) =>
      callOk<{ coins: number }>(
        "sendGift",
        { giftId: "rose", recipientUid: host.localId, count, context: { type: "stream", id: "s1" }, requestId: randomUUID() },
        viewer,
      );
    await gift(3);
    assert.equal((await gift(2)).coins, 500);

    // The deployed ledger trigger ranks both gifts.
    const charm = await waitUntil(
      "the ledger trigger ranks the host on today's charm board",
      async () => {
        const board = await callOk<LeaderboardResponse>("getLeaderboard", { board: "charm", period: "daily", scope: "global" }, viewer);
        return board.entries[0]?.score === 250 ? board : null;
      },
      60_000,
    );
    assert.deepEqual(
      charm.entries.map((e) => [e.rank, e.member, e.score]),
      [[1, host.localId, 250]],
    );
    const myRank = await callOk<MyRankResponse>("getMyRank", { board: "charm", period: "daily", scope: "global" }, host);
    assert.deepEqual([myRank.rank, myRank.score], [1, 250]);
    const viewerRank = await callOk<MyRankResponse>("getMyRank", { board: "charm", period: "daily", scope: "global" }, viewer);
    assert.deepEqual([viewerRank.rank, viewerRank.score], [null, null]);
    const agencies = await callOk<LeaderboardResponse>("getLeaderboard", { board: "agencies", period: "daily" }, owner);
    assert.deepEqual(
      agencies.entries.map((e) => [e.rank, e.member, e.score]),
      [[1, agencyId, 250]],
    );

    // Settling needs a closed period, and this one is open: refused, nothing paid.
    const weekly = { period: "weekly", cutoffHourUtc: 0 } as const;
    const week = previousPeriod(Date.now(), weekly);
    const now = periodAt(Date.now(), weekly);
    const refused = await callOverHttp("settleAgencyStatement", { agencyId, period: now.key }, admin.idToken);
    assert.equal(refused.error?.status, "FAILED_PRECONDITION", JSON.stringify(refused));

    // Periods close only in real time: the test moves the two gift transactions into last week (an
    // admin write, as if they had been sent then), so last week is closed and holds them.
    const gifts = (await stack.firestore.collection("ledger").where("type", "==", "gift").get()).docs;
    assert.equal(gifts.length, 2);
    await Promise.all(gifts.map((doc) => doc.ref.update({ createdAt: Timestamp.fromMillis(week.startMs + 3_600_000) })));
    const earnings = gifts.reduce((sum, doc) => sum + (doc.get("meta.hostShare") as number), 0);
    const advances = gifts.reduce((sum, doc) => sum + (doc.get("meta.agencyShare") as number), 0);
    assert.deepEqual([earnings, advances], [250, 10]);

    const first = await callOk<Settlement>("settleAgencyStatement", { agencyId, period: week.key }, admin);
    assert.equal(first.statement.ownEarnings, earnings);
    assert.deepEqual(
      first.statement.hosts.map((line) => [line.uid, line.earnings]),
      [[host.localId, earnings]],
    );
    assert.equal(first.statement.ratioBps, 1000);
    assert.equal(first.statement.salary, earnings / 10);
    assert.deepEqual(first.statement.payouts, { [agencyAccount(agencyId)]: earnings / 10 - advances });
    const salaries = async () => (await stack.firestore.collection("ledger").where("type", "==", "agency.salary").get()).docs;
    const paid = await salaries();
    assert.equal(paid.length, 1);
    const entries = (paid[0]?.get("entries") ?? []) as { account: string; amount: number }[];
    assert.equal(entries.find((e) => e.account === agencyAccount(agencyId))?.amount, earnings / 10 - advances);

    // A second settle recomputes the same statement and pays nothing more.
    const second = await callOk<Settlement>("settleAgencyStatement", { agencyId, period: week.key }, admin);
    assert.deepEqual(second.statement, first.statement);
    assert.equal(second.matchesStored, true);
    assert.deepEqual(second.transactions, first.transactions);
    assert.deepEqual(
      (await salaries()).map((doc) => doc.id),
      paid.map((doc) => doc.id),
    );
  });

  /**
   * Each callable with a well-formed payload (`base`) and the fields it may go without; the test derives
   * the malformed ones: not an object (null too, unless `nullAllowed`), an unknown field, each required
   * field missing, each field of the wrong type, each text field far too long, plus `more` by hand.
   */
  const id = "abc123";
  const requestId = "6f1c1a52-6c3b-4f0e-9d7e-1f1a2b3c4d5e";
  const CASES: CallableCase[] = [
    // agencies
    {
      name: "applyForAgency",
      base: { name: "Star Talent", logoMediaId: "m1", description: "we sing", country: "IN", requestId },
      optional: ["logoMediaId", "description"],
      more: [
        { name: "Star Talent", country: "in", requestId },
        { name: "ab", country: "IN", requestId },
      ],
    },
    {
      name: "reviewAgency",
      base: { agencyId: id, approve: true, reason: "documents checked" },
      more: [{ agencyId: id, approve: true, reason: "x" }],
    },
    {
      name: "updateAgencyProfile",
      base: { agencyId: id, name: "New Name", logoMediaId: "m1", description: "d", country: "IN" },
      optional: ["name", "logoMediaId", "description", "country"],
      more: [{ agencyId: id }, { agencyId: id, country: "India" }],
    },
    {
      name: "updateAgencySettings",
      base: { agencyId: id, settings: { acceptApplications: true } },
      more: [
        { agencyId: id, settings: { maxMembers: 0 } },
        { agencyId: id, settings: { defaultCommissionBps: 10_001 } },
        { agencyId: id, settings: { other: 1 } },
      ],
    },
    {
      name: "searchAgencies",
      base: { namePrefix: "Sta", country: "IN", limit: 10, cursor: null },
      optional: ["namePrefix", "country", "limit", "cursor"],
      nullAllowed: true,
      more: [{ limit: 51 }, { limit: 0 }, { country: "in" }],
    },
    {
      name: "createSubAgency",
      base: { agencyId: id, agentUid: id, name: "Moon Sub", ratioBps: 500, requestId },
      optional: ["ratioBps"],
      more: [{ agencyId: id, agentUid: id, name: "Moon Sub", ratioBps: 10_001, requestId }],
    },
    { name: "deleteAgency", base: { agencyId: id }, more: [{ agencyId: "a/b" }, { agencyId: "" }] },
    { name: "inviteToAgency", base: { agencyId: id, uid: id }, more: [{ agencyId: id, uid: "../x" }] },
    { name: "applyToAgency", base: { agencyId: id } },
    { name: "answerAgencyRequest", base: { agencyId: id, uid: id, accept: true } },
    { name: "setAgencyMemberRole", base: { agencyId: id, uid: id, role: "manager" }, more: [{ agencyId: id, uid: id, role: "owner" }] },
    { name: "requestAgencyLeave", base: { agencyId: id } },
    { name: "approveAgencyLeave", base: { agencyId: id, uid: id } },
    { name: "removeAgencyMember", base: { agencyId: id, uid: id } },
    { name: "getAgencyDashboard", base: { agencyId: id, period: "2026-W49" }, optional: ["period"], more: [{ agencyId: id, period: "week-1" }] },
    { name: "exportAgencyStatement", base: { agencyId: id, period: "2026-W49" }, more: [{ agencyId: id, period: "2026/12" }] },
    { name: "announceToAgency", base: { agencyId: id, message: "hello all", requestId }, more: [{ agencyId: id, message: "   ", requestId }] },
    {
      name: "settleAgencyStatement",
      base: { agencyId: id, period: "2026-W49" },
      // A monthly key while config/agencies counts weeks.
      more: [
        { agencyId: id, period: "2026-13" },
        { agencyId: id, period: "2026-11" },
      ],
    },
    // rankings
    {
      name: "getLeaderboard",
      base: { board: "charm", period: "daily", periodKey: "2026-12-05", scope: "country", scopeId: "IN", limit: 10 },
      optional: ["periodKey", "scope", "scopeId", "limit"],
      more: [
        { board: "fame", period: "daily" },
        { board: "charm", period: "yearly" },
        { board: "charm", period: "daily", limit: 101 },
        { board: "charm", period: "daily", periodKey: "2026-12-5" },
        { board: "charm", period: "daily", cursor: null },
      ],
    },
    {
      name: "getMyRank",
      base: { board: "charm", period: "daily", periodKey: "2026-12-05", scope: "country", scopeId: "IN" },
      optional: ["periodKey", "scope", "scopeId"],
      more: [
        { board: "rooms", period: "daily" },
        { board: "agencies", period: "daily" },
      ],
    },
    {
      name: "getLeaderboardSnapshot",
      base: { board: "charm", period: "daily", periodKey: "2026-12-04", scope: "country", scopeId: "IN", limit: 10 },
      optional: ["scope", "scopeId", "limit"],
      more: [
        { board: "charm", period: "alltime", periodKey: "all" },
        { board: "charm", period: "daily", periodKey: "2026-12-04", scope: "friends" },
      ],
    },
    { name: "rebuildLeaderboards", base: { includeAllTime: true }, optional: ["includeAllTime"], nullAllowed: true },
  ];

  it("every agencies and rankings callable refuses malformed payloads with invalid-argument, writing nothing", async function () {
    this.timeout(600_000);
    await stack.firestore.doc("config/agencies").set({ period: "weekly" });
    // Six callers, each call on the next: announcements allow 5 calls a minute per user, rebuilds 2 in 10 minutes.
    const callers = await Promise.all(
      ["mal-1", "mal-2", "mal-3", "mal-4", "mal-5", "mal-6"].map((label) => signUp(stack, label, { roles: ["admin", "agencyOwner"] })),
    );
    await expectMalformedRefused(stack.firestore, CASES, callers);
  });
});
