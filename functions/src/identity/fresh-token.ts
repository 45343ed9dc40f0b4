/**
 * requireFreshToken: for sensitive callables, re-verify the caller's raw ID token with revocation
 * checking. Callable auth only proves the token was validly signed and unexpired; an ID token stays
 * valid for up to an hour after signOutEverywhere revoked the session, and this closes that window
 * at the cost of one Auth lookup. (Kernel candidate: it has the shape of requireAuth.)
 */
import type { DecodedIdToken } from "firebase-admin/auth";
import type { CallableRequest } from "firebase-functions/v2/https";
import { auth } from "../kernel/app.js";
import { fail } from "../kernel/errors.js";

type TokenRequest = Pick<CallableRequest<unknown>, "auth" | "rawRequest">;

export function bearerToken(request: TokenRequest): string | undefined {
  const headers = (request.rawRequest as { headers?: Record<string, unknown> } | undefined)?.headers;
  const header = headers?.authorization ?? headers?.Authorization;
  const match = typeof header === "string" ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

export async function requireFreshToken(request: TokenRequest): Promise<DecodedIdToken> {
  const token = bearerToken(request);
  if (!request.auth?.uid || !token) return fail("unauthenticated", "Sign in again to do this.");
  let decoded: DecodedIdToken;
  try {
    decoded = await auth().verifyIdToken(token, true);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "auth/user-disabled") return fail("permission-denied", "This account is disabled.");
    if (code === "auth/id-token-revoked") return fail("unauthenticated", "Your session was signed out. Sign in again.");
    return fail("unauthenticated", "Sign in again to do this.");
  }
  // The header token must be the one the callable authenticated, not some other account's.
  if (decoded.uid !== request.auth.uid) return fail("unauthenticated", "Sign in again to do this.");
  return decoded;
}
