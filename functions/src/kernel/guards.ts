/** Who may call: authentication, roles from custom claims, and App Check. */
import type { CallableRequest } from "firebase-functions/v2/https";
import { fail } from "./errors.js";
import { type Role, rolesFromClaims } from "./roles.js";

export interface Caller {
  uid: string;
  roles: Role[];
  claims: Record<string, unknown>;
}

export function requireAuth(request: Pick<CallableRequest, "auth">): Caller {
  const auth = request.auth;
  if (!auth?.uid) return fail("unauthenticated", "Sign in to call this function.");
  const claims = auth.token as unknown as Record<string, unknown>;
  if (claims.banned === true) return fail("permission-denied", "This account is suspended.");
  return { uid: auth.uid, roles: rolesFromClaims(claims), claims };
}

/** Admins pass every role check: they must be able to act for any role (support, moderation). */
export function requireRole(request: Pick<CallableRequest, "auth">, ...allowed: Role[]): Caller {
  const caller = requireAuth(request);
  if (caller.roles.includes("admin") || caller.roles.some((r) => allowed.includes(r))) return caller;
  return fail("permission-denied", `Requires role: ${allowed.join(" or ")}.`);
}

export function requireAppCheck(request: Pick<CallableRequest, "app">): void {
  if (!request.app) fail("unauthenticated", "A valid App Check token is required.");
}
