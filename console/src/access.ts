/**
 * Which console pages each staff role sees: the callables a page uses admit these roles (admins pass
 * every check). A page hidden from a role would only show refusals to it.
 */
import type { StaffRole } from "@live-platform/client";

export const PAGES = [
  { path: "/users", label: "Users", roles: ["support", "moderator", "finance"] },
  { path: "/moderation", label: "Moderation", roles: ["moderator"] },
  { path: "/withdrawals", label: "Withdrawals & KYC", roles: ["finance", "moderator"] },
  { path: "/finance", label: "Finance", roles: ["finance"] },
  { path: "/live", label: "Live now", roles: ["moderator", "support"] },
  { path: "/config", label: "Configuration", roles: ["finance"] },
  { path: "/audit", label: "Audit log", roles: ["moderator"] },
] as const satisfies readonly { path: string; label: string; roles: readonly StaffRole[] }[];

export type PagePath = (typeof PAGES)[number]["path"];

const STAFF: readonly string[] = ["support", "finance", "moderator", "admin"];

/** The staff roles among a token's roles claim (anything else, or a missing claim, gives none). */
export function staffRoles(claim: unknown): StaffRole[] {
  return Array.isArray(claim) ? (claim.filter((role) => typeof role === "string" && STAFF.includes(role)) as StaffRole[]) : [];
}

export function pagesFor(roles: readonly StaffRole[]): (typeof PAGES)[number][] {
  if (roles.includes("admin")) return [...PAGES];
  return PAGES.filter((page) => page.roles.some((role: StaffRole) => roles.includes(role)));
}
