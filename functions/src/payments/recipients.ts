/**
 * Who a purchase may credit: an existing, active user account. A store purchase names its recipient
 * (RevenueCat's app_user_id is whatever the app logged in with) and a web purchase names the account
 * that created the Checkout Session, which may have been banned or deleted since. Crediting anything
 * else would write a wallet nobody should hold (`agency:X`, a system id) or hand coins to an account
 * the platform has shut.
 */
import type { DocumentReference, DocumentSnapshot } from "firebase-admin/firestore";
import { PersonalDataLocations } from "../gdpr/personal-data.js";
import { isBanActive } from "../identity/policy.js";
import { IdentityCollections } from "../identity/schema.js";
import { auth, db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { KeySafeUidSchema } from "../kernel/validation.js";

/** Why a purchase cannot be credited to the account it names (recorded on unmatchedPurchases). */
export type GrantRefusal =
  | "anonymous-app-user"
  | "not-a-user-id"
  | "account-deleted"
  | "no-profile"
  | "no-auth-account"
  | "account-disabled"
  | "account-banned";

const ANONYMOUS_PREFIX = "$RCAnonymousID:";

/** RevenueCat's own ids for customers the app never logged in (they name no account of ours). */
export function isAnonymousAppUserId(id: string): boolean {
  return id.startsWith(ANONYMOUS_PREFIX);
}

/**
 * Null when `uid` may be credited. Firestore reads go through `read` so that a ledger transaction can
 * make them part of its own snapshot (a ban or deletion committed meanwhile aborts and re-runs it).
 *
 * A deleted account is recognised by its gdprDeletions/{uid} record (written when deletion starts,
 * before anything else changes) or by the tombstone profile it leaves (users/{uid}.deleted).
 */
export async function grantRefusal(uid: string, read: (ref: DocumentReference) => Promise<DocumentSnapshot>): Promise<GrantRefusal | null> {
  if (isAnonymousAppUserId(uid)) return "anonymous-app-user";
  if (!KeySafeUidSchema.safeParse(uid).success) return "not-a-user-id";
  const [profile, ban, deletion] = await Promise.all([
    read(db().collection(Collections.users).doc(uid)),
    read(db().collection(IdentityCollections.bans).doc(uid)),
    read(db().collection(PersonalDataLocations.gdprDeletions).doc(uid)),
  ]);
  if (deletion.exists || profile.get("deleted") === true) return "account-deleted";
  if (!profile.exists) return "no-profile";
  const expiresAtMs = (ban.get("expiresAt") as { toMillis?: () => number } | null | undefined)?.toMillis?.();
  if (ban.exists && isBanActive({ expiresAtMs }, Date.now())) return "account-banned";
  const user = await auth()
    .getUser(uid)
    .catch((err: unknown) => {
      if ((err as { code?: string }).code === "auth/user-not-found") return null;
      throw err;
    });
  if (!user) return "no-auth-account";
  if (user.disabled) return "account-disabled";
  if (user.customClaims?.banned === true) return "account-banned";
  return null;
}
