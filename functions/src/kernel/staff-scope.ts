/**
 * Country scope of staff accounts: the `staffCountries` claim (set by setUserRoles) limits what the account
 * sees and acts on to users of those countries (users/{uid}.country). Without the claim: every country.
 * Shared by the operations callables (search, dossiers, notes) and the sanctions (identity's bans, the
 * moderation queue's actions), so a scoped moderator is refused the same way wherever the account is met.
 */
import type { DocumentSnapshot } from "firebase-admin/firestore";
import * as z from "zod";
import { userRef } from "./collections.js";
import { fail, refuse } from "./errors.js";
import type { Caller } from "./guards.js";
import { staffCountriesFromClaims } from "./roles.js";

/** details.reason when the account is outside the caller's countries; the domains that check list it too. */
export const StaffScopeRefusalSchema = z.enum(["out-of-country-scope"]);
export type StaffScopeRefusal = z.infer<typeof StaffScopeRefusalSchema>;

export const countryScopeOf = (caller: Caller): string[] | null => staffCountriesFromClaims(caller.claims);

/** users/{uid}.country of a profile, or null without one. */
export function countryOf(profile: DocumentSnapshot): string | null {
  const country = profile.get("country");
  return typeof country === "string" ? country : null;
}

export function isInScope(scope: string[] | null, profile: DocumentSnapshot): boolean {
  return isCountryInScope(scope, countryOf(profile));
}

function isCountryInScope(scope: string[] | null, country: string | null): boolean {
  return !scope || (country !== null && scope.includes(country));
}

function refuseOutOfScope(): never {
  return refuse<StaffScopeRefusal>("permission-denied", "out-of-country-scope", "This account is outside the countries you may act on.");
}

/** Refuses a scoped caller a profile the caller has read (e.g. in its transaction) outside its countries. */
export function requireProfileInScope(caller: Caller, profile: DocumentSnapshot): void {
  if (!isInScope(countryScopeOf(caller), profile)) refuseOutOfScope();
}

/** Refuses a scoped caller a record about an account of `country` (as stored with the record) outside its countries. */
export function requireCountryInScope(caller: Caller, country: string | null): void {
  if (!isCountryInScope(countryScopeOf(caller), country)) refuseOutOfScope();
}

/** The account's profile, refused when it is outside the caller's countries (not-found without a profile). */
export async function requireUserInScope(caller: Caller, uid: string): Promise<DocumentSnapshot> {
  const profile = await userRef(uid).get();
  if (!profile.exists) return fail("not-found", "No such user.");
  requireProfileInScope(caller, profile);
  return profile;
}

/**
 * Refuses a scoped caller an account outside its countries. An account without a profile (an Auth user
 * whose sign-up never finished) is left to the action's own checks: only an unscoped caller may act on it.
 */
export async function requireAccountInScope(caller: Caller, uid: string): Promise<void> {
  if (!countryScopeOf(caller)) return;
  requireProfileInScope(caller, await userRef(uid).get());
}
