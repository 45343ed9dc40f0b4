/**
 * Platform roles, carried as the `roles` custom claim (set only by admins) and mirrored into users/{uid}
 * so that rules and queries can use them. Every signed-in user is implicitly a viewer.
 */
import * as z from "zod";

export const ROLES = ["viewer", "host", "player", "reseller", "agencyOwner", "support", "finance", "moderator", "admin"] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** The role every account is given at sign-up: a baseline, not a privilege. */
export const BASELINE_ROLE: Role = "viewer";

/** Whether going from `before` to `after` takes a privilege away (replacing the baseline role does not). */
export function isDemotion(before: readonly Role[], after: readonly Role[]): boolean {
  return before.some((role) => role !== BASELINE_ROLE && !after.includes(role));
}

/**
 * Operations staff, each with least privilege: support looks accounts up and answers users; finance reads
 * money and works the withdrawal queue; moderators sanction and clear the moderation queue; admins do all.
 */
export const STAFF_ROLES = ["support", "finance", "moderator", "admin"] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Whether the roles include any operations role (the console admits only these accounts). */
export function isOperationsStaff(roles: readonly string[]): boolean {
  return roles.some((role) => (STAFF_ROLES as readonly string[]).includes(role));
}

/** Moderators and admins: they act in every venue (end streams, remove members) whatever its owner says. */
export function isStaff(roles: readonly string[]): boolean {
  return roles.includes("moderator") || roles.includes("admin");
}

/** Reads the roles claim defensively: tokens minted before roles existed, or by hand, may lack it. */
export function rolesFromClaims(claims: Record<string, unknown> | undefined): Role[] {
  const raw = claims?.roles;
  if (!Array.isArray(raw)) return [];
  return raw.filter((r): r is Role => RoleSchema.safeParse(r).success);
}

/** The `staffCountries` claim: the countries a staff account is limited to, or null for every country. */
export function staffCountriesFromClaims(claims: Record<string, unknown> | undefined): string[] | null {
  const raw = claims?.staffCountries;
  if (!Array.isArray(raw)) return null;
  const countries = raw.filter((c): c is string => typeof c === "string" && /^[A-Z]{2}$/.test(c));
  return countries.length ? countries : null;
}
