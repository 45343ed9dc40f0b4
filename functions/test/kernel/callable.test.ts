import assert from "node:assert/strict";
import { z } from "zod";
import { forgetStanding, revokeSessions } from "../../src/kernel/account.js";
import { auth, db } from "../../src/kernel/app.js";
import { clientIp, defineCallable } from "../../src/kernel/callable.js";
import { fail } from "../../src/kernel/errors.js";
import { clearRateLimiterCache } from "../../src/kernel/ratelimit.js";
import { resetRedisClient } from "../../src/kernel/redis.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser, signInAgain, waitForNextSecond } from "../support/users.js";

const echo = defineCallable({
  name: "test.echo",
  input: z.object({ text: z.string().max(10) }).strict(),
  handler: async ({ caller, data }) => ({ uid: caller.uid, text: data.text }),
});
const moderatorsOnly = defineCallable({
  name: "test.moderate",
  input: z.null().optional(),
  roles: ["moderator"],
  handler: async ({ caller }) => caller.roles,
});
const limited = defineCallable({
  name: "test.limited",
  input: z.null().optional(),
  rateLimit: { perUid: { tokens: 3, windowSeconds: 60 }, perIp: { tokens: 5, windowSeconds: 60 } },
  handler: async () => "ok",
});
const broken = defineCallable({
  name: "test.broken",
  input: z.null().optional(),
  handler: async (): Promise<string> => {
    throw new Error("database password is hunter2");
  },
});
const sensitive = defineCallable({
  name: "test.sensitive",
  input: z.null().optional(),
  verifySession: true,
  handler: async () => "moved",
});
const whoAmI = defineCallable({
  name: "test.ip",
  input: z.null().optional(),
  handler: async ({ request }) => clientIp(request) ?? null,
});
const expected = defineCallable({
  name: "test.expected",
  input: z.null().optional(),
  handler: async (): Promise<string> => fail("failed-precondition", "Wallet is locked.", { reason: "clawback" }),
});

describe("kernel: callable pipeline (guards, validation, rate limits, errors)", () => {
  useCleanStack();

  it("refuses unauthenticated callers", async () => {
    await expectHttpsError(callInProcess(echo, { data: { text: "hi" } }), "unauthenticated");
  });

  it("refuses suspended accounts (banned claim)", async () => {
    const user = await createTestUser({ claims: { banned: true } });
    await expectHttpsError(callInProcess(echo, { data: { text: "hi" }, user }), "permission-denied");
  });

  it("validates input after authentication: invalid-argument with field details", async () => {
    const user = await createTestUser();
    const err = await expectHttpsError(callInProcess(echo, { data: { text: "far too long text" }, user }), "invalid-argument");
    assert.equal((err.details as { issues: { path: string }[] }).issues[0]?.path, "text");
    assert.deepEqual(await callInProcess(echo, { data: { text: "hi" }, user }), { uid: user.uid, text: "hi" });
  });

  it("enforces roles from custom claims, letting admins through", async () => {
    const viewer = await createTestUser({ roles: ["viewer"] });
    const moderator = await createTestUser({ roles: ["moderator"] });
    const admin = await createTestUser({ roles: ["admin"] });
    await expectHttpsError(callInProcess(moderatorsOnly, { user: viewer }), "permission-denied");
    assert.deepEqual(await callInProcess(moderatorsOnly, { user: moderator }), ["moderator"]);
    assert.deepEqual(await callInProcess(moderatorsOnly, { user: admin }), ["admin"]);
  });

  it("limits per uid with resource-exhausted and a retry hint (Redis)", async () => {
    const user = await createTestUser();
    for (let i = 0; i < 3; i++) assert.equal(await callInProcess(limited, { user, ip: `198.51.100.${i}` }), "ok");
    const err = await expectHttpsError(callInProcess(limited, { user, ip: "198.51.100.99" }), "resource-exhausted");
    assert.ok(Number((err.details as { retryAfterSeconds: number }).retryAfterSeconds) >= 1);
    const other = await createTestUser();
    assert.equal(await callInProcess(limited, { user: other, ip: "198.51.100.50" }), "ok");
  });

  it("limits per client IP across accounts", async () => {
    const ip = "192.0.2.44";
    for (let i = 0; i < 5; i++) {
      const user = await createTestUser();
      assert.equal(await callInProcess(limited, { user, ip }), "ok");
    }
    const sixth = await createTestUser();
    await expectHttpsError(callInProcess(limited, { user: sixth, ip }), "resource-exhausted");
  });

  it("fails open when Redis is unreachable (limits protect capacity, not money)", async () => {
    const user = await createTestUser();
    const saved = process.env.UPSTASH_REDIS_REST_URL;
    process.env.UPSTASH_REDIS_REST_URL = "http://127.0.0.1:9";
    resetRedisClient();
    clearRateLimiterCache();
    try {
      for (let i = 0; i < 5; i++) assert.equal(await callInProcess(limited, { user }), "ok");
    } finally {
      process.env.UPSTASH_REDIS_REST_URL = saved;
      resetRedisClient();
      clearRateLimiterCache();
    }
  });

  it("hides unexpected errors behind internal, and passes expected ones through with details", async () => {
    const user = await createTestUser();
    const err = await expectHttpsError(callInProcess(broken, { user }), "internal");
    assert.doesNotMatch(err.message, /hunter2/);
    const expectedErr = await expectHttpsError(callInProcess(expected, { user }), "failed-precondition");
    assert.deepEqual(expectedErr.details, { reason: "clawback" });
  });

  it("requires App Check when ENFORCE_APP_CHECK is on", async () => {
    const user = await createTestUser();
    process.env.ENFORCE_APP_CHECK = "true";
    try {
      await expectHttpsError(callInProcess(echo, { data: { text: "hi" }, user }), "unauthenticated");
      const app = { appId: "1:123:android:abc", token: {} } as never;
      assert.deepEqual(await callInProcess(echo, { data: { text: "hi" }, user, app }), { uid: user.uid, text: "hi" });
    } finally {
      delete process.env.ENFORCE_APP_CHECK;
    }
  });

  it("takes the client IP from the trusted hop of X-Forwarded-For, never from what the client wrote first", async () => {
    const user = await createTestUser();
    // The client sent "X-Forwarded-For: 6.6.6.6"; the platform's front end appended the real address.
    const headers = { "x-forwarded-for": "6.6.6.6, 198.51.100.23" };
    assert.equal(await callInProcess(whoAmI, { user, headers, ip: "10.0.0.1" }), "198.51.100.23");
    assert.equal(await callInProcess(whoAmI, { user, ip: "10.0.0.1" }), "10.0.0.1");
    assert.equal(clientIp({ rawRequest: { headers: { "x-forwarded-for": "6.6.6.6, 203.0.113.5, 10.1.1.1" } } } as never, 2), "203.0.113.5");
    assert.equal(clientIp({ rawRequest: { ip: "10.0.0.9", headers: { "x-forwarded-for": "203.0.113.5" } } } as never, 2), "10.0.0.9");
  });

  it("per-IP limits count the trusted address: rotating the client-written X-Forwarded-For does not reset them", async () => {
    for (let i = 0; i < 5; i++) {
      const user = await createTestUser();
      await callInProcess(limited, { user, headers: { "x-forwarded-for": `6.6.6.${i}, 198.51.100.77` } });
    }
    const user = await createTestUser();
    await expectHttpsError(callInProcess(limited, { user, headers: { "x-forwarded-for": "6.6.6.99, 198.51.100.77" } }), "resource-exhausted");
  });
});

describe("kernel: account standing on every callable (bans, suspensions, signed-out sessions)", () => {
  useCleanStack();

  it("refuses a banned account on every callable, a suspended one until its end, and lets it in after", async () => {
    const banned = await createTestUser();
    await db().doc(`bans/${banned.uid}`).set({ reason: "fraud", expiresAt: null });
    const err = await expectHttpsError(callInProcess(echo, { data: { text: "hi" }, user: banned }), "permission-denied");
    assert.deepEqual(err.details, { reason: "account-banned" });

    const suspended = await createTestUser();
    const until = new Date(Date.now() + 60_000);
    await db().doc(`bans/${suspended.uid}`).set({ reason: "spam", expiresAt: until });
    const suspendedErr = await expectHttpsError(callInProcess(echo, { data: { text: "hi" }, user: suspended }), "permission-denied");
    assert.deepEqual(suspendedErr.details, { reason: "account-suspended", until: until.toISOString() });

    const served = await createTestUser();
    await db()
      .doc(`bans/${served.uid}`)
      .set({ reason: "spam", expiresAt: new Date(Date.now() - 1000) });
    assert.deepEqual(await callInProcess(echo, { data: { text: "hi" }, user: served }), { uid: served.uid, text: "hi" });
  });

  it("a ban bites within the standing cache's few seconds even for a session that was just served", async () => {
    const user = await createTestUser();
    assert.ok(await callInProcess(echo, { data: { text: "hi" }, user }));
    await db().doc(`bans/${user.uid}`).set({ reason: "fraud", expiresAt: null });
    // Another instance learns of it when its cached standing expires (STANDING_CACHE_MS); simulate that.
    forgetStanding(user.uid);
    await expectHttpsError(callInProcess(echo, { data: { text: "hi" }, user }), "permission-denied");
  });

  it("refuses sessions signed in before a revocation on every callable; a new sign-in works", async () => {
    const user = await createTestUser();
    await waitForNextSecond();
    await revokeSessions(user.uid);
    const err = await expectHttpsError(callInProcess(echo, { data: { text: "hi" }, user }), "unauthenticated");
    assert.deepEqual(err.details, { reason: "session-revoked" });
    assert.equal(await callInProcess(sensitive, { user: await signInAgain(user) }), "moved");
  });

  it("sensitive callables ask Auth: a disabled account, or tokens revoked outside the app, are refused", async () => {
    const disabled = await createTestUser();
    await auth().updateUser(disabled.uid, { disabled: true });
    assert.ok(await callInProcess(echo, { data: { text: "hi" }, user: disabled }));
    const err = await expectHttpsError(callInProcess(sensitive, { user: disabled }), "permission-denied");
    assert.deepEqual(err.details, { reason: "account-disabled" });

    const user = await createTestUser();
    await waitForNextSecond();
    // e.g. a password change in the console: Auth revokes, nothing of ours is told.
    await auth().revokeRefreshTokens(user.uid);
    const revoked = await expectHttpsError(callInProcess(sensitive, { user }), "unauthenticated");
    assert.deepEqual(revoked.details, { reason: "session-revoked" });
  });

  it("staff callables verify the session with Auth by default", async () => {
    const moderator = await createTestUser({ roles: ["moderator"] });
    await waitForNextSecond();
    await auth().revokeRefreshTokens(moderator.uid);
    await expectHttpsError(callInProcess(moderatorsOnly, { user: moderator }), "unauthenticated");
  });

  it("refuses a token without auth_time (every real ID token has one)", async () => {
    const user = await createTestUser();
    const { auth_time: _, ...token } = user.callAuth.token;
    await expectHttpsError(callInProcess(echo, { data: { text: "hi" }, user: { callAuth: { uid: user.uid, token } } }), "unauthenticated");
  });
});
