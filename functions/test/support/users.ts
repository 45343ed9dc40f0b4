/** Test users: real Auth emulator accounts with custom claims, plus the auth context callables see. */
import { randomUUID } from "node:crypto";
import { auth } from "../../src/kernel/app.js";
import type { Role } from "../../src/kernel/roles.js";
import { signInWithPassword } from "../../../devstack/src/smoke.js";
import { testStack } from "./stack.js";

export interface TestUser {
  uid: string;
  email: string;
  password: string;
  claims: Record<string, unknown>;
  /** The `auth` of a CallableRequest for this user, for in-process calls. */
  callAuth: { uid: string; token: Record<string, unknown> };
}

export async function createTestUser(options: { roles?: Role[]; claims?: Record<string, unknown>; displayName?: string; uid?: string } = {}): Promise<TestUser> {
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
    callAuth: { uid, token: { uid, sub: uid, email, firebase: { sign_in_provider: "password" }, ...claims } },
  };
}

/** A real ID token from the Auth emulator (carries the user's custom claims). */
export async function idTokenFor(user: Pick<TestUser, "email" | "password">): Promise<string> {
  return (await signInWithPassword(testStack().auth as string, user.email, user.password)).idToken;
}
