import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { auth, db } from "../../../src/kernel/app.js";
import { adminGrantVip, purchaseVip } from "../../../src/progression/vip/callables.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../../../src/wallet/accounts.js";
import { ledgerTransactionId, readBalances } from "../../../src/wallet/ledger.js";
import { callInProcess, expectHttpsError } from "../../support/callables.js";
import { assertConservation, createProfile, grantCoins } from "../../support/economy-world.js";
import { allPaths, docData } from "../../support/firestore.js";
import { useCleanStack } from "../../support/stack.js";
import { createTestUser, type TestUser } from "../../support/users.js";
import { DAY_MS, millisOf, seedVipConfig, vipAt, vipMember } from "../../support/vip-world.js";

const near = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 60_000, `${what}: ${actual} vs ${expected}`);

describe("progression: purchaseVip", () => {
  useCleanStack();
  let buyer: TestUser;

  beforeEach(async () => {
    await seedVipConfig();
    buyer = await vipMember(1000);
  });

  const buy = (tier: number, requestId = randomUUID()) => callInProcess(purchaseVip, { user: buyer, data: { tier, requestId } });

  it("moves exactly the price to burn, sets users/{uid}.vip, history and the vip claim", async () => {
    const requestId = randomUUID();
    const started = Date.now();
    const result = await buy(2, requestId);
    const transactionId = ledgerTransactionId("vip.purchase", buyer.uid, requestId);
    assert.equal(result.transactionId, transactionId);
    assert.equal(result.tier, 2);
    assert.equal(result.change, "new");
    assert.equal(result.priceCoins, 300);
    assert.equal(result.coins, 700);
    assert.equal(result.claimTakesEffect, "next-token-refresh");

    const ledger = await docData(`ledger/${transactionId}`);
    assert.equal(ledger?.type, "vip.purchase");
    assert.deepEqual(ledger?.entries, [
      { account: userAccount(buyer.uid), currency: "coins", amount: -300 },
      { account: SYSTEM_ACCOUNTS.burn, currency: "coins", amount: 300 },
    ]);
    assert.equal((await readBalances(userAccount(buyer.uid))).coins, 700);

    const vip = (await docData(`users/${buyer.uid}`))?.vip as Record<string, unknown>;
    assert.deepEqual(Object.keys(vip).sort(), ["expiresAt", "tier"]);
    assert.equal(vip.tier, 2);
    near(millisOf(vip.expiresAt), started + 30 * DAY_MS, "expiry");
    assert.equal(new Date(result.expiresAt).getTime(), millisOf(vip.expiresAt));

    const history = await docData(`users/${buyer.uid}/vipHistory/${transactionId}`);
    assert.equal(history?.source, "purchase");
    assert.equal(history?.tier, 2);
    assert.equal(history?.priceCoins, 300);
    assert.equal((await auth().getUser(buyer.uid)).customClaims?.vip, 2);
    await assertConservation([userAccount(buyer.uid)]);
  });

  it("stacks the same tier from the current expiry, upgrades a higher tier from now, refuses a lower tier", async () => {
    await grantCoins(buyer.uid, 1000);
    const first = await buy(1);
    const second = await buy(1);
    assert.equal(second.change, "extend");
    assert.equal(new Date(second.expiresAt).getTime(), new Date(first.expiresAt).getTime() + 30 * DAY_MS);

    const before = Date.now();
    const upgrade = await buy(3);
    assert.equal(upgrade.change, "upgrade");
    near(new Date(upgrade.expiresAt).getTime(), before + 10 * DAY_MS, "upgrade expiry");
    assert.equal((await auth().getUser(buyer.uid)).customClaims?.vip, 3);

    const paths = await allPaths();
    await expectHttpsError(buy(2), "failed-precondition");
    assert.deepEqual(await allPaths(), paths, "a refused downgrade writes nothing");
    assert.equal((await readBalances(userAccount(buyer.uid))).coins, 2000 - 100 - 100 - 900);
    const vip = (await docData(`users/${buyer.uid}`))?.vip as Record<string, unknown>;
    assert.equal(vip.tier, 3);
  });

  it("starts fresh from now when the previous membership has expired", async () => {
    await db()
      .doc(`users/${buyer.uid}`)
      .update(vipAt(3, Date.now() - DAY_MS));
    const before = Date.now();
    const result = await buy(1);
    assert.equal(result.change, "new");
    near(new Date(result.expiresAt).getTime(), before + 30 * DAY_MS, "expiry");
  });

  it("5 concurrent calls with one requestId make one purchase", async () => {
    const requestId = randomUUID();
    const results = await Promise.all(Array.from({ length: 5 }, () => buy(1, requestId)));
    for (const r of results) assert.deepEqual(r, results[0]);
    const ledger = await db().collection("ledger").where("type", "==", "vip.purchase").get();
    assert.equal(ledger.size, 1);
    assert.equal((await readBalances(userAccount(buyer.uid))).coins, 900);
    assert.equal((await db().collection(`users/${buyer.uid}/vipHistory`).get()).size, 1);
    near(
      millisOf(((await docData(`users/${buyer.uid}`))?.vip as Record<string, unknown> | undefined)?.expiresAt),
      Date.now() + 30 * DAY_MS,
      "one duration",
    );
  });

  it("refuses insufficient coins with the ledger's failed-precondition and writes nothing", async () => {
    const poor = await vipMember(50);
    const paths = await allPaths();
    const err = await expectHttpsError(callInProcess(purchaseVip, { user: poor, data: { tier: 1, requestId: randomUUID() } }), "failed-precondition");
    assert.match(err.message, /Insufficient coins/);
    assert.deepEqual(await allPaths(), paths);
    assert.equal((await docData(`users/${poor.uid}`))?.vip, undefined);
    assert.equal((await auth().getUser(poor.uid)).customClaims?.vip, undefined);
  });

  it("refuses malformed input with invalid-argument and an unknown tier with not-found, writing nothing", async () => {
    const paths = await allPaths();
    for (const data of [
      null,
      {},
      { tier: 1 },
      { tier: "1", requestId: randomUUID() },
      { tier: 0, requestId: randomUUID() },
      { tier: 1.5, requestId: randomUUID() },
      { tier: 1, requestId: "short" },
      { tier: 1, requestId: randomUUID(), extra: true },
    ]) {
      await expectHttpsError(callInProcess(purchaseVip, { user: buyer, data }), "invalid-argument");
    }
    await expectHttpsError(buy(7), "not-found");
    await expectHttpsError(callInProcess(purchaseVip, { user: null, data: { tier: 1, requestId: randomUUID() } }), "unauthenticated");
    assert.deepEqual(await allPaths(), paths);
  });
});

describe("progression: adminGrantVip", () => {
  useCleanStack();
  let admin: TestUser;
  let member: TestUser;

  beforeEach(async () => {
    await seedVipConfig();
    admin = await createTestUser({ roles: ["admin"] });
    member = await vipMember(0);
    await auth().setCustomUserClaims(member.uid, { roles: ["host"] });
  });

  const grant = (overrides: Record<string, unknown> = {}) => ({
    uid: member.uid,
    tier: 2,
    days: 7,
    reason: "contest winner",
    requestId: randomUUID(),
    ...overrides,
  });

  it("grants without moving coins, audits, keeps other claims, and is idempotent by requestId", async () => {
    const data = grant();
    const before = Date.now();
    const results = await Promise.all(Array.from({ length: 3 }, () => callInProcess(adminGrantVip, { user: admin, data })));
    for (const r of results) assert.deepEqual(r, results[0]);
    assert.equal(results[0]?.transactionId, null);
    near(new Date(results[0]?.expiresAt as string).getTime(), before + 7 * DAY_MS, "expiry");

    assert.equal((await db().collection("ledger").get()).size, 0, "no coins moved");
    const audit = await db().collection("auditLog").get();
    assert.equal(audit.size, 1);
    const entry = audit.docs[0]?.data();
    assert.equal(entry?.action, "progression.adminGrantVip");
    assert.equal(entry?.actorUid, admin.uid);
    assert.equal(entry?.targetUid, member.uid);
    assert.equal(entry?.reason, "contest winner");
    assert.equal((await db().collection(`users/${member.uid}/vipHistory`).get()).size, 1);
    assert.deepEqual((await auth().getUser(member.uid)).customClaims, { roles: ["host"], vip: 2 });

    const extended = await callInProcess(adminGrantVip, { user: admin, data: grant({ days: 3 }) });
    assert.equal(extended.change, "extend");
    assert.equal(new Date(extended.expiresAt).getTime(), new Date(results[0]?.expiresAt as string).getTime() + 3 * DAY_MS);
    await expectHttpsError(callInProcess(adminGrantVip, { user: admin, data: grant({ tier: 1 }) }), "failed-precondition");
  });

  it("is admin-only, validates input, and refuses unknown users; nothing is written", async () => {
    const paths = await allPaths();
    const moderator = await createTestUser({ roles: ["moderator"] });
    const pathsWithModerator = await allPaths();
    assert.deepEqual(pathsWithModerator, paths);
    await expectHttpsError(callInProcess(adminGrantVip, { user: member, data: grant() }), "permission-denied");
    await expectHttpsError(callInProcess(adminGrantVip, { user: moderator, data: grant() }), "permission-denied");
    for (const overrides of [
      { days: 0 },
      { days: 1000 },
      { reason: "" },
      { reason: "   " },
      { uid: "a/b" },
      { uid: "a.b" },
      { uid: "agency:x" },
      { uid: "" },
      { tier: 10 },
      { requestId: 5 },
    ]) {
      await expectHttpsError(callInProcess(adminGrantVip, { user: admin, data: grant(overrides) }), "invalid-argument");
    }
    await expectHttpsError(callInProcess(adminGrantVip, { user: admin, data: grant({ uid: "nobody-here" }) }), "not-found");
    assert.deepEqual(await allPaths(), paths);
    assert.equal((await auth().getUser(member.uid)).customClaims?.vip, undefined);
  });

  it("refuses an admin's grant to themselves (self-grant); nothing is written", async () => {
    await createProfile(admin.uid);
    const paths = await allPaths();
    const err = await expectHttpsError(callInProcess(adminGrantVip, { user: admin, data: grant({ uid: admin.uid }) }), "failed-precondition");
    assert.equal((err.details as { reason: string }).reason, "self-grant");
    assert.deepEqual(await allPaths(), paths);
    assert.equal((await auth().getUser(admin.uid)).customClaims?.vip, undefined);
  });
});
