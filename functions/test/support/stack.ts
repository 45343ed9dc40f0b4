/**
 * The stack this test run talks to, set by the global setup. Two projects share it: the stack's own
 * (served by the functions emulator: end-to-end tests) and IN_PROCESS_PROJECT (functions run inside
 * mocha: their writes fire no emulator-hosted triggers, so each test controls exactly what runs).
 */
import { resetEndpoints, type StackEndpoints } from "../../../devstack/src/stack.js";
import { clearRateLimiterCache } from "../../src/kernel/ratelimit.js";

export const IN_PROCESS_PROJECT = "demo-unit";

let current: StackEndpoints | null = null;

export function setTestStack(endpoints: StackEndpoints): void {
  current = endpoints;
}

export function testStack(): StackEndpoints {
  if (!current) throw new Error("The test stack is not running (is functions/test/support/global.ts loaded by mocha?)");
  return current;
}

export async function resetStack(): Promise<void> {
  await resetEndpoints(testStack(), IN_PROCESS_PROJECT);
  // The RTDB namespace and Redis are shared by both projects and were just emptied; Firestore and Auth
  // are per project.
  await resetEndpoints(testStack());
}

/** Call inside a describe(): every test of that suite starts from empty Firestore, RTDB, Redis and Auth. */
export function useCleanStack(): void {
  beforeEach(async function () {
    this.timeout(15_000);
    await resetStack();
    // Limiters keep an in-memory cache of blocked identifiers: it must not outlive the Redis data.
    clearRateLimiterCache();
  });
}
