/** Test users: real Auth emulator accounts with custom claims, plus the auth context callables see. */
import { randomUUID } from "node:crypto";
import { auth } from "../../src/kernel/app.js";
import type { Role } from "../../src/kernel/roles.js";

export interface TestUser {
  uid: string;
  email: string;
  password: string;
  claims: Record<string, unknown>;
  /** The `auth` of a CallableRequest for this user, for in-process calls. */
  callAuth: { uid: string; token: Record<string, unknown> };
}

export async function createTestUser(
  options: { roles?: Role[]; claims?: Record<string, unknown>; displayName?: string; uid?: string } = {},
): Promise<TestUser> {
  const uid = options.uid ?? `u-${randomUUID().slice(0, 12)}`;
  const email = `${uid}@example.test`;
  const password = "test-password";
  const claims = { ...(options.claims ?? {}), ...(options.roles ? { roles: options.roles } : {}) };
  await auth().createUser({ uid, email, password, displayName: options.displayName });
  if (Object.keys(claims).length) await auth().setCustomUserClaims(uid, claims);
  return {
    uid,
    email,
    password,
    claims,
    callAuth: callAuthFor(uid, email, claims),
  };
}

/** A session signed in now (auth_time in seconds, as in ID tokens). */
function callAuthFor(uid: string, email: string, claims: Record<string, unknown>): TestUser["callAuth"] {
  const now = Math.floor(Date.now() / 1000);
  return { uid, token: { uid, sub: uid, email, auth_time: now, iat: now, firebase: { sign_in_provider: "password" }, ...claims } };
}

/** The same user after signing in again now (a new auth_time), with their current custom claims. */
export async function signInAgain(user: TestUser): Promise<TestUser> {
  const claims = (await auth().getUser(user.uid)).customClaims ?? {};
  return { ...user, claims, callAuth: callAuthFor(user.uid, user.email, claims) };
}

/**
 * Revocation has one-second resolution (auth_time vs Auth's validSince, equal means valid): a test that
 * revokes the sessions it just opened waits for the next second first, as any real session is older.
 */
export async function waitForNextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
}

/**
 * An ID token for a user of the in-process project, in the Auth emulator's own format (unsigned,
 * which the Admin SDK accepts only when FIREBASE_AUTH_EMULATOR_HOST is set). Signing in through the
 * Auth emulator's REST API is not an option: API-key requests go to its default project (the stack's),
 * while createTestUser creates users in IN_PROCESS_PROJECT. Revocation is still
 * checked for real: verifyIdToken(token, true) reads the user's tokensValidAfterTime from the emulator.
 */
export function idTokenFor(user: Pick<TestUser, "uid" | "email">, authTimeSeconds = Math.floor(Date.now() / 1000)): string {
  const project = process.env.GCLOUD_PROJECT as string;
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const payload = {
    iss: `https://securetoken.google.com/${project}`,
    aud: project,
    auth_time: authTimeSeconds,
    user_id: user.uid,
    sub: user.uid,
    iat: now,
    exp: now + 3600,
    email: user.email,
    email_verified: false,
    firebase: { identities: { email: [user.email] }, sign_in_provider: "password" },
  };
  return `${encode({ alg: "none", typ: "JWT" })}.${encode(payload)}.`;
}
