/**
 * The stack this test run talks to, set by the global setup. Two projects share it: the stack's own
 * (served by the functions emulator: end-to-end tests) and IN_PROCESS_PROJECT (functions run inside
 * mocha: their writes fire no emulator-hosted triggers, so each test controls exactly what runs).
 */
import { randomUUID } from "node:crypto";
import { type App, deleteApp, initializeApp } from "firebase-admin/app";
import { type Auth, getAuth } from "firebase-admin/auth";
import { type Database, getDatabase } from "firebase-admin/database";
import { type Firestore, getFirestore } from "firebase-admin/firestore";
import { resetEndpoints, type StackEndpoints, setFirestoreTriggers } from "../../../devstack/src/stack.js";
import { forgetStanding } from "../../src/kernel/account.js";
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

/**
 * Runs `work` with the Firestore triggers switched off: seeding or emptying thousands of documents then
 * raises no trigger (a seeded follower would otherwise run the follow-edge trigger once each).
 */
export async function withoutFirestoreTriggers<T>(work: () => Promise<T>): Promise<T> {
  await setFirestoreTriggers(testStack(), false);
  try {
    return await work();
  } finally {
    await setFirestoreTriggers(testStack(), true);
  }
}

/** Call inside a describe(): every test of that suite starts from empty Firestore, RTDB, Redis and Auth. */
export function useCleanStack(): void {
  beforeEach(async function () {
    this.timeout(15_000);
    await resetStack();
    // Limiters keep an in-memory cache of blocked identifiers: it must not outlive the Redis data.
    clearRateLimiterCache();
    forgetStanding();
  });
}

export interface StackAdmin {
  app: App;
  /** The RTDB namespace the rules clients and the emulator-hosted functions use. */
  db: Database;
  firestore: Firestore;
  auth: Auth;
  close(): Promise<void>;
}

/**
 * An Admin SDK app on the stack's own project (not IN_PROCESS_PROJECT): what the emulator-hosted
 * functions and the rules clients see. The emulator variables are already in process.env, so it
 * connects as the owner, past the rules.
 */
export function stackAdmin(): StackAdmin {
  const stack = testStack();
  const app = initializeApp(
    { projectId: stack.projectId, databaseURL: `http://${stack.database}?ns=${stack.databaseNamespace}` },
    `stack-admin-${randomUUID()}`,
  );
  return { app, db: getDatabase(app), firestore: getFirestore(app), auth: getAuth(app), close: () => deleteApp(app) };
}
