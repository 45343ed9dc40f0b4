/**
 * Attempt budgets for checks that guard a secret (venue passwords). An attempt is reserved in Redis before
 * the secret is checked, against two budgets per window: the subject's (every caller together, so N
 * accounts do not get N times the guesses) and the caller's own on that subject. A right answer gives its
 * attempt back; a wrong one keeps it. Reserving first makes parallel guesses count: of any number of
 * concurrent wrong guesses, at most the budget is ever checked.
 *
 * Fail closed: without Redis the check is refused (unavailable), since a secret must not become guessable
 * at full speed while its counter is down.
 */
import { fail } from "./errors.js";
import { log } from "./logger.js";
import { redis } from "./redis.js";

export interface AttemptBudget {
  /** Stable name: the Redis key prefix. */
  name: string;
  windowSeconds: number;
  /** Attempts on one subject by everyone together per window. */
  perSubject: number;
  /** Attempts by one caller on one subject per window. */
  perCaller: number;
  /** details.reason of the refusal once a budget is spent. */
  reason: string;
}

// Both counters in one script: the check and the reservation are one atomic step. Returns {1, 0} when
// reserved, {0, ttlMs} when a budget is spent. Counters expire with their window (set at the first attempt).
const RESERVE = `
local limits = { tonumber(ARGV[1]), tonumber(ARGV[2]) }
for i = 1, 2 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') >= limits[i] then
    return { 0, redis.call('PTTL', KEYS[i]) }
  end
end
for i = 1, 2 do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('EXPIRE', KEYS[i], ARGV[3]) end
end
return { 1, 0 }
`;

// Gives an attempt back, unless its window already ended (a new window owes nothing to an old attempt).
const RELEASE = `
for i = 1, 2 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
return 1
`;

function keysOf(budget: AttemptBudget, subject: string, caller: string): string[] {
  // One hash tag per subject keeps both counters in one slot of a clustered Redis.
  const base = `att:{${budget.name}:${subject}}`;
  return [base, `${base}:u:${caller}`];
}

/** The wait a refusal announces: until the spent counter expires (its TTL), at least 1 s, at most one window. */
export function retryAfterSecondsOf(ttlMs: number, windowSeconds: number): number {
  return Math.min(windowSeconds, Math.max(1, Math.ceil(ttlMs / 1000)));
}

/**
 * Runs `check` (true: the secret was right) inside one attempt of `budget`. Refuses with
 * resource-exhausted (details: reason, retryAfterSeconds) when either budget is spent, and with
 * unavailable when Redis cannot count the attempt. Returns what `check` returned.
 */
export async function attemptWithinBudget(budget: AttemptBudget, subject: string, caller: string, check: () => Promise<boolean>): Promise<boolean> {
  const client = redis();
  if (!client) fail("unavailable", "This check is unavailable right now, please retry.", { budget: budget.name });
  const keys = keysOf(budget, subject, caller);
  let reserved: [number, number];
  try {
    reserved = (await client.eval(RESERVE, keys, [budget.perSubject, budget.perCaller, budget.windowSeconds])) as [number, number];
  } catch (err) {
    log.error("attempt counter unavailable; refusing the check", { budget: budget.name, error: String(err) });
    return fail("unavailable", "This check is unavailable right now, please retry.", { budget: budget.name });
  }
  if (Number(reserved[0]) !== 1) {
    const retryAfterSeconds = retryAfterSecondsOf(Number(reserved[1]), budget.windowSeconds);
    fail("resource-exhausted", `Too many attempts. Try again in ${retryAfterSeconds} s.`, { reason: budget.reason, retryAfterSeconds });
  }
  const right = await check();
  if (right) {
    try {
      await client.eval(RELEASE, keys, []);
    } catch (err) {
      // The attempt stays counted until its window ends: a little less budget, never more.
      log.warn("attempt not given back", { budget: budget.name, error: String(err) });
    }
  }
  return right;
}
