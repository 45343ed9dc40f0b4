import assert from "node:assert/strict";
import { Timestamp } from "firebase-admin/firestore";
import { HttpsError } from "firebase-functions/v2/identity";
import { accessConfig } from "../../src/identity/config.js";
import { identityBeforeUserCreated, identityBeforeUserSignedIn } from "../../src/identity/triggers.js";
import { db } from "../../src/kernel/app.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser } from "../support/users.js";
import { blockingEvent, invokeBlockingFunction, setAccessConfig } from "./support.js";

type Handler = (event: unknown) => Promise<unknown>;
// beforeUserCreated/beforeUserSignedIn expose their handler as `.run` (firebase-functions-test cannot wrap them).
const beforeCreate = (identityBeforeUserCreated as unknown as { run: Handler }).run;
const beforeSignIn = (identityBeforeUserSignedIn as unknown as { run: Handler }).run;

async function expectRefusal(promise: Promise<unknown>, reason: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof HttpsError, `expected HttpsError, got ${String(err)}`);
    assert.equal(err.code, "permission-denied");
    assert.equal((err.details as { reason?: string })?.reason, reason);
    return true;
  });
}

describe("identity: blocking functions against Firestore config and bans", () => {
  useCleanStack();

  beforeEach(async () => {
    await setAccessConfig({ blockedCountries: ["KP"], disposableEmailDomains: ["mailinator.com", "yopmail.com"] });
  });

  it("stamps viewer claims on an allowed sign-up", async () => {
    const response = await beforeCreate(blockingEvent("beforeCreate", { uid: "new-1", email: "ana@example.test", phoneNumber: "+447700900123" }));
    assert.deepEqual(response, { customClaims: { roles: ["viewer"] } });
  });

  it("keeps roles an imported account already has", async () => {
    const response = await beforeCreate(blockingEvent("beforeCreate", { uid: "new-2", email: "h@example.test", customClaims: { roles: ["host"] } }));
    assert.deepEqual(response, { customClaims: { roles: ["host"] } });
  });

  it("rejects a sign-up from a blocked region (phone calling code)", async () => {
    await expectRefusal(beforeCreate(blockingEvent("beforeCreate", { uid: "new-3", phoneNumber: "+8502123456" })), "blocked-region");
  });

  it("rejects a disposable-email sign-up", async () => {
    await expectRefusal(beforeCreate(blockingEvent("beforeCreate", { uid: "new-4", email: "burner@yopmail.com" })), "disposable-email");
  });

  it("follows config changes (after the cache) and reads them validated", async () => {
    await setAccessConfig({ blockedCountries: [], disposableEmailDomains: [], maxDevices: 3 });
    const response = await beforeCreate(blockingEvent("beforeCreate", { uid: "new-5", email: "x@yopmail.com", phoneNumber: "+8502123456" }));
    assert.deepEqual(response, { customClaims: { roles: ["viewer"] } });
    assert.equal((await accessConfig()).maxDevices, 3);
  });

  it("rejects a banned user's sign-in (bans/{uid}) and the banned claim; allows others and expired bans", async () => {
    const banned = await createTestUser({ roles: ["viewer"] });
    const claimBanned = await createTestUser({ claims: { banned: true } });
    const expired = await createTestUser();
    const fine = await createTestUser({ roles: ["viewer"] });
    await db().doc(`bans/${banned.uid}`).set({ reason: "spam", bannedAt: Timestamp.now() });
    await db()
      .doc(`bans/${expired.uid}`)
      .set({ reason: "cool-off", expiresAt: Timestamp.fromMillis(Date.now() - 1000) });

    await expectRefusal(beforeSignIn(blockingEvent("beforeSignIn", { uid: banned.uid, email: banned.email })), "banned");
    await expectRefusal(
      beforeSignIn(blockingEvent("beforeSignIn", { uid: claimBanned.uid, email: claimBanned.email, customClaims: { banned: true } })),
      "banned",
    );
    assert.equal(await beforeSignIn(blockingEvent("beforeSignIn", { uid: expired.uid, email: expired.email })), undefined);
    assert.equal(await beforeSignIn(blockingEvent("beforeSignIn", { uid: fine.uid, email: fine.email })), undefined);
  });

  it("answers Identity Platform's request through the deployed (wrapped) functions", async () => {
    const allowed = await invokeBlockingFunction(identityBeforeUserCreated, "identityBeforeUserCreated", "beforeCreate", {
      uid: "wire-1",
      email: "ok@example.test",
    });
    assert.equal(allowed.status, 200);
    assert.deepEqual(allowed.body, { userRecord: { customClaims: { roles: ["viewer"] }, updateMask: "customClaims" } });

    const disposable = await invokeBlockingFunction(identityBeforeUserCreated, "identityBeforeUserCreated", "beforeCreate", {
      uid: "wire-2",
      email: "x@mailinator.com",
    });
    assert.equal(disposable.status, 403);
    assert.equal((disposable.body as { error: { status: string } }).error.status, "PERMISSION_DENIED");

    await db().doc("bans/wire-3").set({ reason: "fraud" });
    const banned = await invokeBlockingFunction(identityBeforeUserSignedIn, "identityBeforeUserSignedIn", "beforeSignIn", { uid: "wire-3" });
    assert.equal(banned.status, 403);
    const fine = await invokeBlockingFunction(identityBeforeUserSignedIn, "identityBeforeUserSignedIn", "beforeSignIn", { uid: "wire-4" });
    assert.deepEqual(fine, { status: 200, body: {} });
  });

  it("declares the blocking triggers for deployment", () => {
    const endpoint = (fn: unknown) => (fn as { __endpoint: { blockingTrigger: { eventType: string } } }).__endpoint;
    assert.equal(endpoint(identityBeforeUserCreated).blockingTrigger.eventType, "providers/cloud.auth/eventTypes/user.beforeCreate");
    assert.equal(endpoint(identityBeforeUserSignedIn).blockingTrigger.eventType, "providers/cloud.auth/eventTypes/user.beforeSignIn");
  });
});
