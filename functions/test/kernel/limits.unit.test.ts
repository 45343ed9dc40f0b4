import assert from "node:assert/strict";
import { retryAfterSecondsOf } from "../../src/kernel/attempts.js";
import { checkRateLimitRule, retryAfterSecondsUntil } from "../../src/kernel/ratelimit.js";

describe("kernel: rate limits and attempt budgets (unit)", () => {
  it("announces the wait until an attempt counter expires, between 1 s and one window", () => {
    const cases: [number, number, number][] = [
      [1, 600, 1],
      [1_000, 600, 1],
      [1_001, 600, 2],
      [599_001, 600, 600],
      [900_000, 600, 600],
      [0, 600, 1],
      // PTTL answers -1 (no expiry) or -2 (gone): still at least 1 s.
      [-1, 600, 1],
      [-2, 600, 1],
    ];
    for (const [ttlMs, windowSeconds, seconds] of cases) assert.equal(retryAfterSecondsOf(ttlMs, windowSeconds), seconds, `${ttlMs} ms`);
  });

  it("announces the wait until a rate limit's window resets, at least 1 s", () => {
    const now = 1_000_000;
    assert.equal(retryAfterSecondsUntil(now + 30_000, now), 30);
    assert.equal(retryAfterSecondsUntil(now + 30_001, now), 31);
    assert.equal(retryAfterSecondsUntil(now, now), 1);
    assert.equal(retryAfterSecondsUntil(now - 5_000, now), 1);
  });

  it("refuses a rule a missing or mistyped param would turn into a block on every request", () => {
    assert.doesNotThrow(() => checkRateLimitRule({ name: "ok", tokens: 1, windowSeconds: 0.5 }));
    for (const [tokens, windowSeconds] of [
      [0, 60],
      [1.5, 60],
      [Number.NaN, 60],
      [10, 0],
      [10, Number.NaN],
      [10, -1],
    ]) {
      assert.throws(() => checkRateLimitRule({ name: "bad", tokens: tokens as number, windowSeconds: windowSeconds as number }), /misconfigured/);
    }
  });
});
