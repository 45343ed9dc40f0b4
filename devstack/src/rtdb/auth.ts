/**
 * Who a connection or REST request acts as. Like Google's emulator we trust what the client says:
 * "owner" is the admin (firebase-admin and the tools send it), and any JWT is decoded without
 * checking its signature or expiry (the client SDK's mockUserToken is an unsigned JWT from 1970).
 */

/** The `auth` variable of the rules: {uid, provider, token} for an ID token, or an admin's override. */
export type AuthVariable = Readonly<Record<string, unknown>>;

export type Identity = { readonly kind: "anonymous" } | { readonly kind: "admin" } | { readonly kind: "user"; readonly auth: AuthVariable };

export const ANONYMOUS: Identity = { kind: "anonymous" };
export const ADMIN: Identity = { kind: "admin" };
export const ADMIN_CREDENTIAL = "owner";

function decodeJwtPayload(token: string): Record<string, unknown> | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    return typeof payload === "object" && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The identity a credential stands for, or null if it is neither "owner" nor a JWT naming a user. */
export function identityFromCredential(credential: unknown): Identity | null {
  if (credential === ADMIN_CREDENTIAL) return ADMIN;
  if (typeof credential !== "string") return null;
  const claims = decodeJwtPayload(credential);
  const uid = claims?.user_id ?? claims?.sub;
  if (!claims || typeof uid !== "string" || uid === "") return null;
  const firebaseClaims = claims.firebase as { sign_in_provider?: unknown } | undefined;
  const provider = typeof firebaseClaims?.sign_in_provider === "string" ? firebaseClaims.sign_in_provider : undefined;
  return { kind: "user", auth: { uid, provider, token: claims } };
}

/**
 * An admin connection (credential "owner") may ask to act as someone else: firebase-admin's
 * databaseAuthVariableOverride arrives as `authvar` (an auth object) or `noauth` (unauthenticated).
 */
export function applyAuthOverride(identity: Identity, request: { authvar?: unknown; noauth?: unknown }): Identity {
  if (identity.kind !== "admin") return identity;
  if (request.noauth === true) return ANONYMOUS;
  if (typeof request.authvar === "object" && request.authvar !== null) return { kind: "user", auth: request.authvar as AuthVariable };
  return identity;
}

/** The `auth` value the rules see for an identity (null when unauthenticated). */
export function authVariableOf(identity: Identity): AuthVariable | null {
  return identity.kind === "user" ? identity.auth : null;
}
