/**
 * End-to-end helpers: accounts made through the Auth emulator as the app makes them, an admin handle
 * on the stack's own project, and callables over HTTP that must succeed.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { signInWithPassword, signUpWithPassword } from "../../../devstack/src/smoke.js";
import { callOverHttp } from "./callables.js";
import { waitUntil } from "./firestore.js";
import { type StackAdmin, stackAdmin, testStack } from "./stack.js";

export interface SignedUp {
  localId: string;
  idToken: string;
  email: string;
}

const PASSWORD = "e2e-password";

/** Call inside a describe(): an admin handle on the stack's project, opened before the suite and closed after. */
export function useStackAdmin(): StackAdmin {
  const handle = {} as StackAdmin;
  before(() => {
    Object.assign(handle, stackAdmin());
  });
  after(() => handle.close());
  return handle;
}

/**
 * Signs up through the Auth emulator and waits for the sign-up trigger's users/{uid}. With claims, they
 * are set and the user signs in again: claims reach a token at its next refresh.
 */
export async function signUp(admin: StackAdmin, label: string, claims?: Record<string, unknown>): Promise<SignedUp> {
  const email = `${label}-${randomUUID().slice(0, 8)}@example.test`;
  const user = await signUpWithPassword(testStack().auth as string, email, PASSWORD);
  await waitUntil(`users/${user.localId}`, async () => (await admin.firestore.doc(`users/${user.localId}`).get()).exists);
  if (!claims) return { localId: user.localId, idToken: user.idToken, email };
  await admin.auth.setCustomUserClaims(user.localId, claims);
  const fresh = await signInWithPassword(testStack().auth as string, email, PASSWORD);
  return { localId: user.localId, idToken: fresh.idToken, email };
}

/** A callable over HTTP that must answer 200; its result. */
export async function callOk<T = Record<string, unknown>>(name: string, data: unknown, user: Pick<SignedUp, "idToken">): Promise<T> {
  const reply = await callOverHttp(name, data, user.idToken);
  assert.equal(reply.status, 200, `${name}: ${JSON.stringify(reply)}`);
  return reply.result as T;
}

/** Signs in again: claims set since the last sign-in (a role granted by a callable) reach the new token. */
export async function signInAgain(user: SignedUp): Promise<SignedUp> {
  const fresh = await signInWithPassword(testStack().auth as string, user.email, PASSWORD);
  return { ...user, idToken: fresh.idToken };
}
