/** UserSummary: what a search row and the dossier's header show of an account (profile and standing). */
import type { DocumentSnapshot } from "firebase-admin/firestore";
import { banRef } from "../../kernel/account.js";
import { db } from "../../kernel/app.js";
import { isoOf, millisOf } from "../../kernel/fields.js";
import type { Standing, UserSummary } from "./schema.js";

export function standingOf(ban: DocumentSnapshot | undefined, nowMs = Date.now()): Standing {
  if (!ban?.exists) return { state: "active", until: null };
  const expiresAtMs = millisOf(ban.get("expiresAt"));
  if (expiresAtMs === null) return { state: "banned", until: null };
  return expiresAtMs > nowMs ? { state: "suspended", until: new Date(expiresAtMs).toISOString() } : { state: "active", until: null };
}

const stringOrNull = (value: unknown): string | null => (typeof value === "string" ? value : null);

export function summaryOf(profile: DocumentSnapshot, ban: DocumentSnapshot | undefined): UserSummary {
  return {
    uid: profile.id,
    username: stringOrNull(profile.get("username")),
    displayName: stringOrNull(profile.get("displayName")),
    photoURL: stringOrNull(profile.get("photoURL")),
    country: stringOrNull(profile.get("country")),
    roles: ((profile.get("roles") as unknown[] | undefined) ?? []).filter((r): r is string => typeof r === "string"),
    standing: standingOf(ban),
    createdAt: isoOf(profile.get("createdAt")),
  };
}

/** Summaries of existing profiles, with their bans read in one round trip. */
export async function summariesOf(profiles: DocumentSnapshot[]): Promise<UserSummary[]> {
  if (profiles.length === 0) return [];
  const bans = await db().getAll(...profiles.map((p) => banRef(p.id)));
  return profiles.map((profile, i) => summaryOf(profile, bans[i]));
}
