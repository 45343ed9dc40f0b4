/**
 * Users: the records every account needs (public profile, private account data, an empty wallet),
 * created idempotently whoever gets there first (the Auth trigger or the user's first call), and roles.
 */
import type { Transaction } from "firebase-admin/firestore";
import { requireAuthUser, revokeSessions } from "../kernel/account.js";
import { db, firestoreValues } from "../kernel/app.js";
import { recordAudit } from "../kernel/audit.js";
import { publishClaims, stageClaims } from "../kernel/claims.js";
import { Collections, userRef } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { runIdempotent, runOncePerEvent } from "../kernel/idempotency.js";
import { log } from "../kernel/logger.js";
import { isDemotion, rolesFromClaims, staffCountriesFromClaims } from "../kernel/roles.js";
import { shardedCounter } from "../kernel/sharded-counter.js";
import { runTransaction } from "../kernel/transactions.js";
import { userAccount } from "../wallet/accounts.js";
import { readBalances } from "../wallet/ledger.js";
import type { GetMyProfileResponse, PublicProfile, SetUserRolesRequest, SetUserRolesResponse } from "./schema.js";

/** The subset of an Auth user record that bootstrap needs (Auth trigger payloads and getUser() both fit). */
export interface AuthUserSnapshot {
  uid: string;
  displayName?: string | null;
  photoURL?: string | null;
  email?: string | null;
  phoneNumber?: string | null;
  customClaims?: Record<string, unknown> | null;
}

export function defaultDisplayName(uid: string): string {
  return `user-${uid.slice(0, 6).toLowerCase()}`;
}

/** The display name as searched (users/{uid}.displayNameLower): prefix queries are case-insensitive. */
export function displayNameKey(displayName: string): string {
  return displayName.normalize("NFKC").trim().toLowerCase();
}

function refs(uid: string) {
  return {
    profile: userRef(uid),
    account: userRef(uid).collection(Collections.userPrivate).doc("account"),
    wallet: db().collection(Collections.wallets).doc(uid),
  };
}

export interface BootstrapResult {
  createdProfile: boolean;
  createdWallet: boolean;
}

/** Creates whichever of the user's records are missing; never overwrites existing ones. */
async function createMissingRecords(tx: Transaction, user: AuthUserSnapshot): Promise<BootstrapResult> {
  const { FieldValue } = firestoreValues();
  const { profile, account, wallet } = refs(user.uid);
  const [profileSnap, accountSnap, walletSnap] = await tx.getAll(profile, account, wallet);
  const now = FieldValue.serverTimestamp();
  if (!profileSnap.exists) {
    const displayName = user.displayName?.trim() || defaultDisplayName(user.uid);
    tx.create(profile, {
      uid: user.uid,
      displayName,
      displayNameLower: displayNameKey(displayName),
      photoURL: user.photoURL ?? null,
      roles: rolesFromClaims(user.customClaims ?? undefined),
      createdAt: now,
      updatedAt: now,
    });
  }
  if (!accountSnap.exists) {
    tx.create(account, { email: user.email ?? null, phoneNumber: user.phoneNumber ?? null, createdAt: now });
  }
  if (!walletSnap.exists) {
    tx.create(wallet, { uid: user.uid, coins: 0, diamonds: 0, createdAt: now, updatedAt: now });
  }
  return { createdProfile: !profileSnap.exists, createdWallet: !walletSnap.exists };
}

/** Auth onCreate: runs once per event id, and is harmless if the user's first call already bootstrapped. */
export async function bootstrapUserOnCreate(user: AuthUserSnapshot, eventId: string): Promise<BootstrapResult> {
  const { result, replayed } = await runOncePerEvent("users.bootstrap", eventId, (tx) => createMissingRecords(tx, user));
  log.info("user bootstrap", { uid: user.uid, eventId, replayed, ...result });
  return result;
}

/** For callers that may arrive before the Auth trigger has run (a fresh sign-up's first request). */
export async function ensureUserRecords(uid: string): Promise<BootstrapResult> {
  const user = await requireAuthUser(uid, "No such account.");
  return runTransaction((tx) => createMissingRecords(tx, user));
}

function toPublicProfile(data: FirebaseFirestore.DocumentData): PublicProfile {
  return {
    uid: data.uid,
    displayName: data.displayName,
    photoURL: data.photoURL ?? null,
    roles: data.roles ?? [],
    createdAt: data.createdAt?.toDate?.().toISOString() ?? null,
  };
}

export async function getMyProfile(caller: Caller): Promise<GetMyProfileResponse> {
  const { profile, wallet } = refs(caller.uid);
  let [profileSnap, walletSnap] = await db().getAll(profile, wallet);
  if (!profileSnap.exists || !walletSnap.exists) {
    await ensureUserRecords(caller.uid);
    [profileSnap, walletSnap] = await db().getAll(profile, wallet);
  }
  // Hosts' gift earnings may still sit on credit shards: show the balance they can spend.
  const { coins, diamonds } = await readBalances(userAccount(caller.uid));
  return { profile: toPublicProfile(profileSnap.data() ?? {}), wallet: { coins, diamonds } };
}

/**
 * Replaces a user's roles. The request is recorded first — claims staged (compare-and-set), profile
 * mirror and audit entry, all in one transaction keyed by the request id — and only then are the claims
 * published to Auth; a reused request id with another payload is refused before anything changes. A
 * removed role also revokes the user's sessions, so a demotion bites within seconds, not at the next
 * token refresh.
 */
export async function setUserRoles(actor: Caller, request: SetUserRolesRequest): Promise<SetUserRolesResponse> {
  if (request.uid === actor.uid && !request.roles.includes("admin")) {
    fail("failed-precondition", "Admins cannot remove their own admin role.");
  }
  await requireAuthUser(request.uid);

  const { FieldValue } = firestoreValues();
  const { result, replayed } = await runIdempotent(
    { scope: "users.setRoles", key: request.requestId, owner: actor.uid, payload: request },
    async (tx): Promise<SetUserRolesResponse> => {
      const { profile } = refs(request.uid);
      const profileSnap = await tx.get(profile);
      const { before, after } = await stageClaims(tx, request.uid, (claims) => {
        const next: Record<string, unknown> = { ...claims, roles: request.roles };
        if (request.staffCountries?.length) next.staffCountries = request.staffCountries;
        else if (request.staffCountries) delete next.staffCountries;
        return next;
      });
      const previousRoles = rolesFromClaims(before);
      const staffCountries = staffCountriesFromClaims(after);
      const demoted = isDemotion(previousRoles, request.roles);
      if (profileSnap.exists) {
        tx.update(profile, { roles: request.roles, updatedAt: FieldValue.serverTimestamp() });
      }
      recordAudit(tx, {
        action: "users.setRoles",
        actorUid: actor.uid,
        targetUid: request.uid,
        before: previousRoles,
        after: request.roles,
        reason: request.reason,
        requestId: request.requestId,
        details: request.staffCountries ? { staffCountries: { before: staffCountriesFromClaims(before), after: staffCountries } } : {},
      });
      return { uid: request.uid, roles: request.roles, takesEffect: demoted ? "sessions-revoked" : "next-token-refresh", staffCountries };
    },
  );
  // On a replay too: a first attempt may have stopped between its commit and these steps (revoking
  // again costs the demoted user one more sign-in at most).
  await publishClaims(request.uid);
  if (result.takesEffect === "sessions-revoked") await revokeSessions(request.uid);
  log.info("roles set", { actorUid: actor.uid, targetUid: request.uid, roles: request.roles, replayed });
  return result;
}

/** New-user counter platformStats/users/shards/{0..9}, sharded so a sign-up wave does not serialise on one document. */
export const USER_COUNTER_SHARDS = 10;
const userCounter = () =>
  shardedCounter(db().collection(Collections.platformStats).doc("users"), Collections.statShards, USER_COUNTER_SHARDS, ["count"]);

export async function countNewUser(eventId: string): Promise<void> {
  await runOncePerEvent("users.countNewUser", eventId, async (tx) => {
    userCounter().increment(tx, { count: 1 });
  });
}

export async function totalUsers(): Promise<number> {
  return (await userCounter().read()).count;
}
