/**
 * Country scope of staff accounts: the `staffCountries` claim (set by setUserRoles) limits what the account
 * sees and acts on to users of those countries (users/{uid}.country). Without the claim: every country.
 */
import type { DocumentSnapshot } from "firebase-admin/firestore";
import { userRef } from "../../kernel/collections.js";
import { fail, refuse } from "../../kernel/errors.js";
import type { Caller } from "../../kernel/guards.js";
import { staffCountriesFromClaims } from "../../kernel/roles.js";
import type { AdminUsersRefusal } from "./schema.js";

export const countryScopeOf = (caller: Caller): string[] | null => staffCountriesFromClaims(caller.claims);

export function isInScope(scope: string[] | null, profile: DocumentSnapshot): boolean {
  if (!scope) return true;
  const country = profile.get("country") as string | undefined;
  return country !== undefined && scope.includes(country);
}

/** The account's profile, refused when it is outside the caller's countries (not-found without a profile). */
export async function requireUserInScope(caller: Caller, uid: string): Promise<DocumentSnapshot> {
  const profile = await userRef(uid).get();
  if (!profile.exists) return fail("not-found", "No such user.");
  if (!isInScope(countryScopeOf(caller), profile)) {
    refuse<AdminUsersRefusal>("permission-denied", "out-of-country-scope", "This account is outside the countries you may act on.");
  }
  return profile;
}
