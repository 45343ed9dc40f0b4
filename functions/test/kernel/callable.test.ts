import assert from "node:assert/strict";
import { z } from "zod";
import { defineCallable } from "../../src/kernel/callable.js";
import { fail } from "../../src/kernel/errors.js";
import { clearRateLimiterCache } from "../../src/kernel/ratelimit.js";
import { resetRedisClient } from "../../src/kernel/redis.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser } from "../support/users.js";

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
});
