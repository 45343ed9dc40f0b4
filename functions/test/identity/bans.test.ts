import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { sendGift } from "../../src/gifts/callables.js";
import { banAccount, liftBan, listDevices } from "../../src/identity/callables.js";
import { identityBeforeUserSignedIn } from "../../src/identity/triggers.js";
import { forgetStanding } from "../../src/kernel/account.js";
import { auth, db } from "../../src/kernel/app.js";
import { userAccount } from "../../src/wallet/accounts.js";
import { requestWithdrawal } from "../../src/wallet/callables.js";
import { readBalances } from "../../src/wallet/ledger.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { createProfile, grantCoins, seedCatalog } from "../support/economy-world.js";
import { allPaths } from "../support/firestore.js";
import { queuedFor } from "../support/notifications.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser, signInAgain, type TestUser, waitForNextSecond } from "../support/users.js";
import { blockingEvent } from "./support.js";

type Handler = (event: unknown) => Promise<unknown>;
const beforeSignIn = (identityBeforeUserSignedIn as unknown as { run: Handler }).run;

describe("identity: bans and suspensions stop a session everywhere", function () {
  this.timeout(60_000);
  useCleanStack();
  let moderator: TestUser;
  let admin: TestUser;
  let offender: TestUser;
  let host: TestUser;

  beforeEach(async () => {
    await seedCatalog();
    [moderator, admin, offender, host] = await Promise.all([
      createTestUser({ roles: ["moderator"] }),
      createTestUser({ roles: ["admin"] }),
      createTestUser({ roles: ["viewer"] }),
      createTestUser({ roles: ["host"] }),
    ]);
    await Promise.all([createProfile(offender.uid), createProfile(host.uid, { roles: ["host"] })]);
    await grantCoins(offender.uid, 1_000);
    // Sessions older than the ban, as any real session is.
    await waitForNextSecond();
  });

  const gift = () => ({ giftId: "star", recipientUid: host.uid, count: 1, context: { type: "stream", id: "s1" }, requestId: randomUUID() });
  const withdrawal = () => ({ diamonds: 1_000, payoutMethod: { type: "paypal", accountRef: "pp:offender" }, requestId: randomUUID() });
  const ban = (fields: Record<string, unknown> = {}) => ({ uid: offender.uid, reason: "chargeback fraud ring", requestId: randomUUID(), ...fields });

  it("a ban: claim set, sessions revoked, gifts and withdrawals refused at once, sign-in refused; lifting restores", async () => {
    assert.equal((await callInProcess(sendGift, { user: offender, data: gift() })).coins, 900);

    const result = await callInProcess(banAccount, { user: moderator, data: ban() });
    assert.equal(result.kind, "ban");
    assert.equal(result.expiresAt, null);
    assert.equal((await auth().getUser(offender.uid)).customClaims?.banned, true);
    assert.deepEqual(
      (await queuedFor(offender.uid, "account-banned")).map((n) => n.data),
      [{}],
    );

    for (const call of [
      () => callInProcess(sendGift, { user: offender, data: gift() }),
      () => callInProcess(requestWithdrawal, { user: offender, data: withdrawal() }),
    ]) {
      const err = await expectHttpsError(call(), "permission-denied");
      assert.deepEqual(err.details, { reason: "account-banned" });
    }
    // Even a session opened after the ban (a token minted before the refresh tokens died) is refused.
    await expectHttpsError(callInProcess(listDevices, { user: await signInAgain(offender) }), "permission-denied");
    await assert.rejects(beforeSignIn(blockingEvent("beforeSignIn", { uid: offender.uid, customClaims: { banned: true } })));
    assert.equal((await readBalances(userAccount(offender.uid))).coins, 900);

    const audit = (await db().collection("auditLog").where("targetUid", "==", offender.uid).get()).docs.map((d) => d.data());
    assert.deepEqual(
      audit.map((a) => [a.action, a.actorUid, a.reason]),
      [["identity.ban", moderator.uid, "chargeback fraud ring"]],
    );

    await callInProcess(liftBan, { user: moderator, data: { uid: offender.uid, reason: "appeal accepted", requestId: randomUUID() } });
    assert.equal((await auth().getUser(offender.uid)).customClaims?.banned, undefined);
    assert.ok((await db().doc(`bans/${offender.uid}`).get()).exists === false);
    const back = await signInAgain(offender);
    assert.equal((await callInProcess(sendGift, { user: back, data: gift() })).coins, 800);
  });

  it("a suspension: no claim, refused until its end, then served again after a new sign-in", async () => {
    const result = await callInProcess(banAccount, { user: moderator, data: ban({ durationHours: 24 }) });
    assert.equal(result.kind, "suspension");
    assert.ok(Date.parse(result.expiresAt as string) > Date.now() + 23 * 3_600_000);
    assert.equal((await auth().getUser(offender.uid)).customClaims?.banned, undefined);
    assert.deepEqual(
      (await queuedFor(offender.uid, "account-suspended")).map((n) => n.data),
      [{ until: result.expiresAt }],
    );
    assert.deepEqual(await queuedFor(offender.uid, "account-banned"), []);
    const fresh = await signInAgain(offender);
    const err = await expectHttpsError(callInProcess(sendGift, { user: fresh, data: gift() }), "permission-denied");
    assert.equal((err.details as { reason: string }).reason, "account-suspended");

    // Time passes: the suspension is over.
    await db()
      .doc(`bans/${offender.uid}`)
      .update({ expiresAt: new Date(Date.now() - 1000) });
    forgetStanding(offender.uid);
    assert.equal((await callInProcess(sendGift, { user: fresh, data: gift() })).coins, 900);
  });

  it("who may ban whom: no self, moderators not by moderators, admins by nobody; refusals change nothing", async () => {
    const otherModerator = await createTestUser({ roles: ["moderator"] });
    const before = await allPaths();
    const self = await expectHttpsError(callInProcess(banAccount, { user: moderator, data: ban({ uid: moderator.uid }) }), "failed-precondition");
    assert.deepEqual(self.details, { reason: "self" });
    const staff = await expectHttpsError(callInProcess(banAccount, { user: moderator, data: ban({ uid: otherModerator.uid }) }), "permission-denied");
    assert.deepEqual(staff.details, { reason: "target-is-staff" });
    const adminTarget = await expectHttpsError(callInProcess(banAccount, { user: moderator, data: ban({ uid: admin.uid }) }), "permission-denied");
    assert.deepEqual(adminTarget.details, { reason: "target-is-admin" });
    await expectHttpsError(callInProcess(banAccount, { user: offender, data: ban({ uid: host.uid }) }), "permission-denied");
    await expectHttpsError(callInProcess(banAccount, { user: moderator, data: ban({ uid: "nobody-here" }) }), "not-found");
    await expectHttpsError(
      callInProcess(liftBan, { user: moderator, data: { uid: host.uid, reason: "nothing to lift", requestId: randomUUID() } }),
      "failed-precondition",
    );
    assert.deepEqual(await allPaths(), before);
    // Admins may ban moderators.
    assert.equal((await callInProcess(banAccount, { user: admin, data: ban({ uid: otherModerator.uid }) })).kind, "ban");
  });

  it("is idempotent per request id: concurrent repeats ban once, one audit entry", async () => {
    const data = ban();
    await Promise.all(Array.from({ length: 4 }, () => callInProcess(banAccount, { user: moderator, data })));
    assert.equal((await db().collection("auditLog").where("action", "==", "identity.ban").get()).size, 1);
    assert.equal((await queuedFor(offender.uid, "account-banned")).length, 1, "one notice for the repeats");
    await expectHttpsError(callInProcess(banAccount, { user: moderator, data: { ...data, durationHours: 1 } }), "failed-precondition");
  });

  it("rejects malformed input with invalid-argument and writes nothing", async () => {
    const before = await allPaths();
    const bad: unknown[] = [
      null,
      {},
      ban({ uid: "a/b" }),
      ban({ uid: "agency:x" }),
      ban({ reason: "" }),
      ban({ reason: "  " }),
      ban({ durationHours: 0 }),
      ban({ durationHours: 1.5 }),
      ban({ extra: 1 }),
      ban({ requestId: "x" }),
    ];
    for (const data of bad) await expectHttpsError(callInProcess(banAccount, { user: moderator, data }), "invalid-argument");
    assert.deepEqual(await allPaths(), before);
  });
});
