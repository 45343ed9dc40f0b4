/**
 * A user's stored VIP membership (users/{uid}.vip) read without the VIP schemas: gifts, the catalog and
 * the live rankings ask on every call whether a user is VIP, and their functions should not build the
 * membership callables' schemas to learn it.
 */
import { millisOf } from "../../kernel/fields.js";
import type { StoredVip } from "./schema.js";

/** The stored membership if it is well-formed and active at nowMs. */
export function activeVip(user: Record<string, unknown> | undefined, nowMs: number): { tier: number; expiresAtMs: number } | null {
  const vip = user?.vip as Partial<StoredVip> | undefined;
  const expiresAtMs = millisOf(vip?.expiresAt);
  if (typeof vip?.tier !== "number" || vip.tier < 1 || expiresAtMs === null || expiresAtMs <= nowMs) return null;
  return { tier: vip.tier, expiresAtMs };
}
