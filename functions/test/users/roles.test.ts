import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { auth, db } from "../../src/kernel/app.js";
import { syncVipClaim } from "../../src/progression/vip/memberships.js";
import { getMyProfile, setUserRoles } from "../../src/users/callables.js";
import { onAuthUserCreated } from "../../src/users/triggers.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { deliverAuthUserCreated } from "../support/triggers.js";
import { createTestUser, signInAgain, type TestUser, waitForNextSecond } from "../support/users.js";

describe("users: setUserRoles (admin-only, audited, idempotent)", () => {
  useCleanStack();
  let admin: TestUser;
  let target: TestUser;

  beforeEach(async () => {
    admin = await createTestUser({ roles: ["admin"] });
    target = await createTestUser({ claims: { vipTier: 2 } });
    await deliverAuthUserCreated(onAuthUserCreated, { uid: target.uid }, `evt-${target.uid}`);
  });

  const request = (overrides: Record<string, unknown> = {}) => ({
    uid: target.uid,
    roles: ["host", "player"],
    reason: "approved host application #42",
    requestId: randomUUID(),
    ...overrides,
  });

  it("sets the roles claim (keeping other claims), mirrors it on the profile and writes an audit entry", async () => {
    const data = request();
    const result = await callInProcess(setUserRoles, { user: admin, data });
    assert.deepEqual(result, { uid: target.uid, roles: ["host", "player"], takesEffect: "next-token-refresh", staffCountries: null });
    const claims = (await auth().getUser(target.uid)).customClaims;
    assert.deepEqual(claims, { vipTier: 2, roles: ["host", "player"] });
    assert.deepEqual((await docData(`users/${target.uid}`))?.roles, ["host", "player"]);
    const audit = await db().collection("auditLog").get();
    assert.equal(audit.size, 1);
    const entry = audit.docs[0]?.data();
    assert.equal(entry?.actorUid, admin.uid);
    assert.equal(entry?.targetUid, target.uid);
    assert.deepEqual(entry?.before, []);
    assert.deepEqual(entry?.after, ["host", "player"]);
    assert.equal(entry?.reason, "approved host application #42");
  });

  it("replays a repeated request id: one audit entry, same result", async () => {
    const data = request();
    const results = await Promise.all(Array.from({ length: 5 }, () => callInProcess(setUserRoles, { user: admin, data })));
    for (const r of results) assert.deepEqual(r.roles, ["host", "player"]);
    assert.equal((await db().collection("auditLog").get()).size, 1);
  });

  it("refuses non-admins, including moderators, and changes nothing", async () => {
    const before = await allPaths();
    const moderator = await createTestUser({ roles: ["moderator"] });
    await expectHttpsError(callInProcess(setUserRoles, { user: moderator, data: request({ roles: ["admin"] }) }), "permission-denied");
    await expectHttpsError(callInProcess(setUserRoles, { user: target, data: request({ uid: target.uid, roles: ["admin"] }) }), "permission-denied");
    await expectHttpsError(callInProcess(setUserRoles, { data: request() }), "unauthenticated");
    assert.deepEqual(await allPaths(), before);
    assert.deepEqual((await auth().getUser(target.uid)).customClaims, { vipTier: 2 });
  });

  it("rejects malformed input with invalid-argument and writes nothing", async () => {
    const before = await allPaths();
    const bad: unknown[] = [
      null,
      {},
      request({ roles: ["superuser"] }),
      request({ roles: ["host", "host"] }),
      request({ reason: "" }),
      request({ requestId: "x" }),
      request({ uid: "" }),
      request({ extra: "field" }),
      request({ roles: "host" }),
    ];
    for (const data of bad) await expectHttpsError(callInProcess(setUserRoles, { user: admin, data }), "invalid-argument");
    assert.deepEqual(await allPaths(), before);
    assert.deepEqual((await auth().getUser(target.uid)).customClaims, { vipTier: 2 });
  });

  it("does not let an admin remove their own admin role", async () => {
    await expectHttpsError(callInProcess(setUserRoles, { user: admin, data: request({ uid: admin.uid, roles: ["host"] }) }), "failed-precondition");
    assert.deepEqual((await auth().getUser(admin.uid)).customClaims, { roles: ["admin"] });
  });

  it("answers not-found for an unknown user", async () => {
    await expectHttpsError(callInProcess(setUserRoles, { user: admin, data: request({ uid: "no-such-user" }) }), "not-found");
    assert.equal((await db().collection("auditLog").get()).size, 0);
  });

  it("a request id reused for another user is refused before any claim changes (record first, then apply)", async () => {
    const other = await createTestUser({ claims: { roles: ["viewer"] } });
    const data = request();
    await callInProcess(setUserRoles, { user: admin, data });
    const err = await expectHttpsError(
      callInProcess(setUserRoles, { user: admin, data: { ...data, uid: other.uid, roles: ["admin"] } }),
      "failed-precondition",
    );
    assert.match(err.message, /already used/);
    assert.deepEqual((await auth().getUser(other.uid)).customClaims, { roles: ["viewer"] });
    assert.equal((await db().collection("auditLog").get()).size, 1);
  });

  it("promoting a signed-up account (baseline role viewer) keeps its session working", async () => {
    const viewer = await createTestUser({ claims: { roles: ["viewer"] } });
    await deliverAuthUserCreated(onAuthUserCreated, { uid: viewer.uid }, `evt-${viewer.uid}`);
    const session = await signInAgain(viewer);
    await waitForNextSecond();
    const result = await callInProcess(setUserRoles, { user: admin, data: request({ uid: viewer.uid, roles: ["host"] }) });
    assert.equal(result.takesEffect, "next-token-refresh");
    assert.equal((await docData(`users/${viewer.uid}/private/sessions`))?.revokedAt, undefined);
    assert.ok((await callInProcess(getMyProfile, { user: session })).profile);
  });

  it("a removed role revokes the user's sessions: their next call is refused until they sign in again", async () => {
    await callInProcess(setUserRoles, { user: admin, data: request({ roles: ["host", "reseller"] }) });
    const promoted = await signInAgain(target);
    assert.ok((await callInProcess(getMyProfile, { user: promoted })).profile);
    await waitForNextSecond();

    const demotion = await callInProcess(setUserRoles, { user: admin, data: request({ roles: ["host"] }) });
    assert.equal(demotion.takesEffect, "sessions-revoked");
    const err = await expectHttpsError(callInProcess(getMyProfile, { user: promoted }), "unauthenticated");
    assert.deepEqual(err.details, { reason: "session-revoked" });
    const again = await signInAgain(target);
    assert.deepEqual(again.claims.roles, ["host"]);
    assert.ok((await callInProcess(getMyProfile, { user: again })).profile);
  });

  it("claims are compare-and-set: a VIP claim sync racing a demotion never writes the removed role back", async () => {
    await callInProcess(setUserRoles, { user: admin, data: request({ roles: ["host", "reseller"] }) });
    await db()
      .doc(`users/${target.uid}`)
      .set({ vip: { tier: 2, expiresAt: new Date(Date.now() + 86_400_000) } }, { merge: true });
    await Promise.all([
      ...Array.from({ length: 4 }, () => syncVipClaim(target.uid)),
      callInProcess(setUserRoles, { user: admin, data: request({ roles: ["host"] }) }),
      ...Array.from({ length: 4 }, () => syncVipClaim(target.uid)),
    ]);
    assert.deepEqual((await auth().getUser(target.uid)).customClaims, { vipTier: 2, roles: ["host"], vip: 2 });
  });
});
