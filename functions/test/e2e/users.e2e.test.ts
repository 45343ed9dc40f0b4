/**
 * End to end, as a mobile app sees it: real Auth emulator accounts and ID tokens, callables over HTTP
 * through the functions emulator, triggers delivered by the Auth and Firestore emulators.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { signUpWithPassword } from "../../../devstack/src/smoke.js";
import { callOverHttp } from "../support/callables.js";
import { useStackAdmin } from "../support/e2e.js";
import { waitUntil } from "../support/firestore.js";
import { testStack, useCleanStack } from "../support/stack.js";

describe("e2e: users over HTTP on the emulator stack", function () {
  this.timeout(60_000);
  useCleanStack();
  // An Admin SDK app for the stack's own project (the in-process tests use another one).
  const stack = useStackAdmin();

  it("sign-up runs the blocking function and fires the Auth trigger, the profile's creation fires the Firestore trigger, and getMyProfile answers over HTTP", async () => {
    const user = await signUpWithPassword(testStack().auth as string, `e2e-${Date.now()}@example.test`, "e2e-password");
    const profile = await waitUntil("users/{uid} from the Auth trigger", async () => {
      const snap = await stack.firestore.doc(`users/${user.localId}`).get();
      return snap.exists ? snap : null;
    });
    assert.ok((await stack.firestore.doc(`wallets/${user.localId}`).get()).exists);

    // The counter equals the number of profiles (accounts created by earlier suites' in-process users can
    // still be arriving through the Auth emulator's trigger queue: count them too, never twice).
    const counted = await waitUntil("the new-user counter from the Firestore trigger", async () => {
      const [shards, profiles] = await Promise.all([
        stack.firestore.collection("platformStats/users/shards").get(),
        stack.firestore.collection("users").get(),
      ]);
      const total = shards.docs.reduce((sum, d) => sum + (d.get("count") ?? 0), 0);
      return total >= 1 && total === profiles.size ? total : null;
    });
    assert.ok(counted >= 1);

    const reply = await callOverHttp("getMyProfile", null, user.idToken);
    assert.equal(reply.status, 200, JSON.stringify(reply));
    assert.deepEqual(reply.result, {
      profile: {
        uid: user.localId,
        displayName: profile.get("displayName"),
        photoURL: null,
        // Stamped by the beforeUserCreated blocking function, which the Auth emulator runs on sign-up.
        roles: ["viewer"],
        createdAt: profile.get("createdAt").toDate().toISOString(),
      },
      wallet: { coins: 0, diamonds: 0 },
    });
  });

  it("answers 401 UNAUTHENTICATED without a token and 400 INVALID_ARGUMENT for bad input", async () => {
    const anonymous = await callOverHttp("getMyProfile", null);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.error?.status, "UNAUTHENTICATED");
    const user = await signUpWithPassword(testStack().auth as string, `e2e-bad-${Date.now()}@example.test`, "e2e-password");
    const bad = await callOverHttp("getMyProfile", { unexpected: 1 }, user.idToken);
    assert.equal(bad.status, 400);
    assert.equal(bad.error?.status, "INVALID_ARGUMENT");
  });

  it("an admin's ID token (custom claims from the Auth emulator) grants a role over HTTP", async () => {
    const auth = stack.auth;
    const adminUser = await signUpWithPassword(testStack().auth as string, `e2e-admin-${Date.now()}@example.test`, "e2e-password");
    await auth.setCustomUserClaims(adminUser.localId, { roles: ["admin"] });
    const target = await signUpWithPassword(testStack().auth as string, `e2e-target-${Date.now()}@example.test`, "e2e-password");
    // Claims reach a token at its next refresh: sign in again for a fresh one.
    const signIn = await fetch(`http://${testStack().auth}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=local-api-key`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: (await auth.getUser(adminUser.localId)).email, password: "e2e-password", returnSecureToken: true }),
    });
    const { idToken } = (await signIn.json()) as { idToken: string };
    const stale = await callOverHttp(
      "setUserRoles",
      { uid: target.localId, roles: ["host"], reason: "e2e", requestId: randomUUID() },
      adminUser.idToken,
    );
    assert.equal(stale.error?.status, "PERMISSION_DENIED", "a token minted before the claim must not carry it");
    const granted = await callOverHttp("setUserRoles", { uid: target.localId, roles: ["host"], reason: "e2e", requestId: randomUUID() }, idToken);
    assert.equal(granted.status, 200, JSON.stringify(granted));
    assert.deepEqual((await auth.getUser(target.localId)).customClaims, { roles: ["host"] });
    await waitUntil("the role mirror", async () => {
      const snap = await stack.firestore.doc(`users/${target.localId}`).get();
      return JSON.stringify(snap.get("roles")) === '["host"]';
    });
  });
});
