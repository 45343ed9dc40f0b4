/**
 * Rate limits with @upstash/ratelimit (sliding windows in Redis), per uid and per client IP.
 * Exceeding a limit is resource-exhausted with a retry hint. A Redis outage fails open and is logged:
 * limits protect capacity, while money safety comes from transactions and idempotency, not from here.
 * Limits that guard a secret (password attempts) pass `failClosed`: without Redis they refuse.
 */
import type { Ratelimit } from "@upstash/ratelimit";
import { fail } from "./errors.js";
import { log } from "./logger.js";
import { redis } from "./redis.js";

export interface RateLimitRule {
  /** Stable name: the Redis key prefix, so two callables may share one budget on purpose. */
  name: string;
  tokens: number;
  windowSeconds: number;
}

const limiters = new Map<string, Ratelimit>();

function limiterFor(rule: RateLimitRule): Ratelimit | null {
  const client = redis();
  if (!client) return null;
  const cacheKey = `${rule.name}:${rule.tokens}:${rule.windowSeconds}`;
  let limiter = limiters.get(cacheKey);
  if (!limiter) {
    const { Ratelimit: RatelimitClass } = require("@upstash/ratelimit") as typeof import("@upstash/ratelimit");
    limiter = new RatelimitClass({
      redis: client,
      limiter: RatelimitClass.slidingWindow(rule.tokens, `${rule.windowSeconds} s`),
      prefix: `rl:${rule.name}`,
      timeout: 1000,
    });
    limiters.set(cacheKey, limiter);
  }
  return limiter;
}

/** A missing or mistyped param reads as NaN, which would block every request: such a rule is refused loudly. */
export function checkRateLimitRule(rule: RateLimitRule): void {
  if (!Number.isInteger(rule.tokens) || rule.tokens < 1 || !(rule.windowSeconds > 0)) {
    throw new Error(`rate limit ${rule.name} is misconfigured: ${rule.tokens} per ${rule.windowSeconds} s`);
  }
}

/** The wait a refusal announces: until the window resets (ms since the epoch), at least 1 s. */
export function retryAfterSecondsUntil(resetMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((resetMs - nowMs) / 1000));
}

/** Consumes one token for `identifier` under `rule`; throws resource-exhausted when the budget is spent. */
export async function enforceRateLimit(rule: RateLimitRule, identifier: string, options: { failClosed?: boolean } = {}): Promise<void> {
  checkRateLimitRule(rule);
  const limiter = limiterFor(rule);
  if (!limiter) {
    if (options.failClosed) fail("unavailable", "This check is unavailable right now, please retry.", { rule: rule.name });
    return;
  }
  let outcome: Awaited<ReturnType<Ratelimit["limit"]>>;
  try {
    outcome = await limiter.limit(identifier);
  } catch (err) {
    if (options.failClosed) {
      log.error("rate limiter unavailable; refusing a fail-closed check", { rule: rule.name, error: String(err) });
      fail("unavailable", "This check is unavailable right now, please retry.", { rule: rule.name });
    }
    log.error("rate limiter unavailable; allowing request", { rule: rule.name, error: String(err) });
    return;
  }
  if (!outcome.success) {
    const retryAfterSeconds = retryAfterSecondsUntil(outcome.reset, Date.now());
    fail("resource-exhausted", `Too many requests. Retry in ${retryAfterSeconds} s.`, {
      rule: rule.name,
      retryAfterSeconds,
    });
  }
}

export function clearRateLimiterCache(): void {
  limiters.clear();
}
