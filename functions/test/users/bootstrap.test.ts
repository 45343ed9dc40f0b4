import assert from "node:assert/strict";
import { db } from "../../src/kernel/app.js";
import { totalUsers } from "../../src/users/accounts.js";
import { getMyProfile } from "../../src/users/callables.js";
import { onAuthUserCreated, onUserProfileCreated } from "../../src/users/triggers.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { deliverAuthUserCreated, deliverDocumentCreated } from "../support/triggers.js";
import { createTestUser } from "../support/users.js";

describe("users: bootstrap on sign-up (Auth trigger) and getMyProfile", () => {
  useCleanStack();

  it("creates the public profile, private account data and an empty wallet", async () => {
    await deliverAuthUserCreated(onAuthUserCreated, { uid: "alice", email: "alice@example.test", displayName: "Alice" }, "evt-alice-1");
    const profile = await docData("users/alice");
    assert.equal(profile?.displayName, "Alice");
    assert.deepEqual(profile?.roles, []);
    assert.equal((await docData("users/alice/private/account"))?.email, "alice@example.test");
    const wallet = await docData("wallets/alice");
    assert.equal(wallet?.coins, 0);
    assert.equal(wallet?.diamonds, 0);
    assert.equal(profile?.email, undefined, "email must not leak into the public profile");
  });

  it("gives a default display name when Auth has none", async () => {
    await deliverAuthUserCreated(onAuthUserCreated, { uid: "ABCDEF123", phoneNumber: "+15555550100" }, "evt-anon");
    assert.equal((await docData("users/ABCDEF123"))?.displayName, "user-abcdef");
  });

  it("is idempotent: a redelivered event and a second event change nothing", async () => {
    await deliverAuthUserCreated(onAuthUserCreated, { uid: "bob", displayName: "Bob" }, "evt-bob");
    const before = await docData("users/bob");
    await Promise.all([
      deliverAuthUserCreated(onAuthUserCreated, { uid: "bob", displayName: "Bob" }, "evt-bob"),
      deliverAuthUserCreated(onAuthUserCreated, { uid: "bob", displayName: "Bobby" }, "evt-bob-other"),
    ]);
    assert.deepEqual(await docData("users/bob"), before);
    const paths = await allPaths();
    assert.deepEqual(
      paths.filter((p) => !p.startsWith("idempotency/")),
      ["users/bob", "users/bob/private/account", "wallets/bob"],
    );
  });

  it("never overwrites a wallet that already has a balance", async () => {
    await db().doc("wallets/carol").set({ uid: "carol", coins: 50, diamonds: 7 });
    await deliverAuthUserCreated(onAuthUserCreated, { uid: "carol" }, "evt-carol");
    const wallet = await docData("wallets/carol");
    assert.equal(wallet?.coins, 50);
    assert.equal(wallet?.diamonds, 7);
  });

  it("getMyProfile returns profile and balances, bootstrapping if the trigger has not run yet", async () => {
    const user = await createTestUser({ displayName: "Dana", roles: ["host"] });
    const result = await callInProcess(getMyProfile, { user });
    assert.equal(result.profile.uid, user.uid);
    assert.equal(result.profile.displayName, "Dana");
    assert.deepEqual(result.profile.roles, ["host"]);
    assert.match(result.profile.createdAt ?? "", /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(result.wallet, { coins: 0, diamonds: 0 });
  });

  it("getMyProfile refuses anonymous callers and unexpected input, writing nothing", async () => {
    const user = await createTestUser();
    await expectHttpsError(callInProcess(getMyProfile, {}), "unauthenticated");
    await expectHttpsError(callInProcess(getMyProfile, { user, data: { uid: "someone-else" } }), "invalid-argument");
    await expectHttpsError(callInProcess(getMyProfile, { user, data: "profile" }), "invalid-argument");
    assert.deepEqual(await allPaths(), []);
  });

  it("counts new users once per event, on sharded counters", async () => {
    await Promise.all([
      deliverDocumentCreated(onUserProfileCreated, "users/u1", { uid: "u1" }, "evt-c1", { uid: "u1" }),
      deliverDocumentCreated(onUserProfileCreated, "users/u1", { uid: "u1" }, "evt-c1", { uid: "u1" }),
      deliverDocumentCreated(onUserProfileCreated, "users/u2", { uid: "u2" }, "evt-c2", { uid: "u2" }),
      deliverDocumentCreated(onUserProfileCreated, "users/u3", { uid: "u3" }, "evt-c3", { uid: "u3" }),
    ]);
    assert.equal(await totalUsers(), 3);
  });
});
