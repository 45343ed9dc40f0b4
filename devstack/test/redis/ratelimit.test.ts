/**
 * @upstash/ratelimit, unchanged, against redis-server + bridge. Its Lua scripts carry the
 * `#!lua flags=allow-key-locking` shebang and are called via EVALSHA first, so these tests
 * exercise the bridge's script rewriting and SHA mapping end to end.
 */
import assert from "node:assert/strict";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { type RedisHandle, startRedis } from "../../src/redis/index.js";

type Limiter = ConstructorParameters<typeof Ratelimit>[0]["limiter"];

const LIMIT = 5;
const THIRTY_SECONDS_MS = 30_000;

/**
 * A fixed window is the bucket floor(now / window), so requests that straddle a boundary land in two
 * windows. Waits for the next boundary when fewer than `neededMs` remain in the current one.
 */
async function roomInFixedWindow(windowMs: number, neededMs: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < neededMs) await new Promise((resolve) => setTimeout(resolve, left + 10));
}
const algorithms: Array<{ name: string; limiter: () => Limiter }> = [
  { name: "fixedWindow", limiter: () => Ratelimit.fixedWindow(LIMIT, "30 s") },
  { name: "slidingWindow", limiter: () => Ratelimit.slidingWindow(LIMIT, "30 s") },
  { name: "tokenBucket", limiter: () => Ratelimit.tokenBucket(1, "30 s", LIMIT) },
];

describe("redis bridge: @upstash/ratelimit", () => {
  let redis: RedisHandle;
  let client: Redis;
  let prefixCounter = 0;

  /** A fresh key prefix per limiter, and no in-memory block cache so every call reaches Redis. */
  const newRatelimit = (limiter: Limiter) => new Ratelimit({ redis: client, limiter, prefix: `test-rl-${++prefixCounter}`, ephemeralCache: false });

  before(async () => {
    redis = await startRedis();
    client = new Redis({ url: redis.restUrl, token: redis.restToken });
  });

  after(async () => {
    await redis?.stop();
  });

  for (const algorithm of algorithms) {
    describe(algorithm.name, () => {
      if (algorithm.name === "fixedWindow") beforeEach(() => roomInFixedWindow(THIRTY_SECONDS_MS, 5_000));

      it(`allows ${LIMIT} requests, then blocks within the window`, async () => {
        const ratelimit = newRatelimit(algorithm.limiter());
        const before = Date.now();
        for (let expectedRemaining = LIMIT - 1; expectedRemaining >= 0; expectedRemaining--) {
          const result = await ratelimit.limit("user-1");
          await result.pending;
          assert.equal(result.success, true);
          assert.equal(result.limit, LIMIT);
          assert.equal(result.remaining, expectedRemaining);
          assert.equal(result.reason, undefined, "answered by Redis, not by the timeout fallback");
          assert.ok(result.reset > before, `reset ${result.reset} should be in the future`);
        }
        for (let attempt = 0; attempt < 3; attempt++) {
          const blocked = await ratelimit.limit("user-1");
          assert.equal(blocked.success, false);
          assert.equal(blocked.limit, LIMIT);
          assert.equal(blocked.remaining, 0);
          assert.equal(blocked.reason, undefined);
        }
        const remaining = await ratelimit.getRemaining("user-1");
        assert.equal(remaining.remaining, 0);
        assert.equal(remaining.limit, LIMIT);
      });

      it("counts identifiers independently", async () => {
        const ratelimit = newRatelimit(algorithm.limiter());
        for (let i = 0; i < LIMIT; i++) assert.equal((await ratelimit.limit("busy-user")).success, true);
        assert.equal((await ratelimit.limit("busy-user")).success, false);

        const other = await ratelimit.limit("quiet-user");
        assert.equal(other.success, true);
        assert.equal(other.remaining, LIMIT - 1);
        assert.equal((await ratelimit.getRemaining("quiet-user")).remaining, LIMIT - 1);
      });

      it("lets exactly the limit through under concurrent requests", async () => {
        const ratelimit = newRatelimit(algorithm.limiter());
        const results = await Promise.all(Array.from({ length: 20 }, () => ratelimit.limit("burst")));
        assert.equal(results.filter((result) => result.success).length, LIMIT);
        assert.ok(results.every((result) => result.reason === undefined));
      });

      it("resetUsedTokens gives the identifier a fresh allowance", async () => {
        const ratelimit = newRatelimit(algorithm.limiter());
        for (let i = 0; i < LIMIT; i++) await ratelimit.limit("reset-me");
        assert.equal((await ratelimit.limit("reset-me")).success, false);
        await ratelimit.resetUsedTokens("reset-me");
        const afterReset = await ratelimit.limit("reset-me");
        assert.equal(afterReset.success, true);
        assert.equal(afterReset.remaining, LIMIT - 1);
      });
    });
  }

  it("fixedWindow allows requests again once the window has passed (key expiry works)", async () => {
    const ratelimit = newRatelimit(Ratelimit.fixedWindow(2, "2 s"));
    // Start at a window's beginning so the three requests share it, however slow the machine.
    await roomInFixedWindow(2_000, 2_000);
    assert.equal((await ratelimit.limit("u")).success, true);
    assert.equal((await ratelimit.limit("u")).success, true);
    const blocked = await ratelimit.limit("u");
    assert.equal(blocked.success, false);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, blocked.reset - Date.now()) + 50));
    const nextWindow = await ratelimit.limit("u");
    assert.equal(nextWindow.success, true);
    assert.equal(nextWindow.remaining, 1);
  });

  it("the default ephemeral cache blocks repeat offenders without losing correctness", async () => {
    const ratelimit = new Ratelimit({ redis: client, limiter: Ratelimit.slidingWindow(2, "30 s"), prefix: "test-rl-cache" });
    assert.equal((await ratelimit.limit("spammer")).success, true);
    assert.equal((await ratelimit.limit("spammer")).success, true);
    assert.equal((await ratelimit.limit("spammer")).success, false);
    const cached = await ratelimit.limit("spammer");
    assert.equal(cached.success, false);
    assert.equal(cached.reason, "cacheBlock");
  });
});
