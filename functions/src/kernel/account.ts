/**
 * Account standing, checked on every callable after the token's signature: a ban or suspension
 * (bans/{uid}) and a sign-out everywhere (users/{uid}/private/sessions.revokedAt) stop a session at
 * once, not when its ID token expires an hour later. Both documents are read together and cached per
 * instance for a few seconds, so a busy user costs one read per few seconds, not one per call.
 *
 * Sensitive callables (money, staff actions) also ask Auth itself (cached the same few seconds): a
 * disabled account, or refresh tokens revoked outside this code (a password change, the console),
 * refuse the session too.
 */

import type { UserRecord } from "firebase-admin/auth";
import type { DocumentSnapshot } from "firebase-admin/firestore";
import type { CallableRequest } from "firebase-functions/v2/https";
import * as z from "zod";
import { auth, db, firestoreValues } from "./app.js";
import { Collections, userRef } from "./collections.js";
import { fail, refuse } from "./errors.js";
import { millisOf } from "./fields.js";

/** details.reason of the standing checks every callable makes (kernel/callable.ts). */
export const StandingRefusalSchema = z.enum([
  "account-banned",
  "account-disabled",
  "account-missing",
  "account-suspended",
  "session-revoked",
  "session-unknown",
]);
export type StandingRefusal = z.infer<typeof StandingRefusalSchema>;

export interface BanRecord {
  reason?: string;
  /** Milliseconds since the epoch; absent for a permanent ban. */
  expiresAtMs?: number;
}

export function isBanActive(ban: BanRecord | null | undefined, nowMs: number): boolean {
  return !!ban && (ban.expiresAtMs === undefined || ban.expiresAtMs > nowMs);
}

interface Standing {
  ban: BanRecord | null;
  /** Sessions that signed in before this instant are over. */
  revokedAtMs?: number;
}

/** How long a standing is trusted by an instance: the longest a ban or sign-out takes to bite. */
export const STANDING_CACHE_MS = 3_000;
const cache = new Map<string, { at: number; standing: Standing }>();

export function banRef(uid: string) {
  return db().collection(Collections.bans).doc(uid);
}

export function sessionsRef(uid: string) {
  return userRef(uid).collection(Collections.userPrivate).doc("sessions");
}

const millisOrUndefined = (value: unknown): number | undefined => millisOf(value) ?? undefined;

function banFrom(snap: DocumentSnapshot | undefined): BanRecord | null {
  return snap?.exists ? { reason: snap.get("reason") ?? undefined, expiresAtMs: millisOrUndefined(snap.get("expiresAt")) } : null;
}

export async function readBan(uid: string): Promise<BanRecord | null> {
  return banFrom(await banRef(uid).get());
}

async function standingOf(uid: string): Promise<Standing> {
  const cached = cache.get(uid);
  if (cached && Date.now() - cached.at < STANDING_CACHE_MS) return cached.standing;
  const [ban, sessions] = await db().getAll(banRef(uid), sessionsRef(uid));
  const standing: Standing = {
    ban: banFrom(ban),
    revokedAtMs: millisOrUndefined(sessions?.get("revokedAt")),
  };
  if (cache.size > 10_000) cache.clear();
  cache.set(uid, { at: Date.now(), standing });
  return standing;
}

interface AuthRecord {
  disabled: boolean;
  validSinceMs?: number;
}

/** The account's Auth record, or null when Auth has none (any other error is thrown). */
export function findAuthUser(uid: string): Promise<UserRecord | null> {
  return auth()
    .getUser(uid)
    .catch((err: unknown) => {
      if ((err as { code?: string }).code === "auth/user-not-found") return null;
      throw err;
    });
}

/** The account's Auth record, for callables naming an account: not-found when Auth cannot give it. */
export function requireAuthUser(uid: string, message = "No such user."): Promise<UserRecord> {
  return auth()
    .getUser(uid)
    .catch(() => fail("not-found", message));
}

const authCache = new Map<string, { at: number; record: AuthRecord | null }>();

/** Auth's view of the account (disabled, tokens valid since), cached like the standing: hot paths (gifts) pay one lookup per few seconds. */
async function authRecordOf(uid: string): Promise<AuthRecord | null> {
  const cached = authCache.get(uid);
  if (cached && Date.now() - cached.at < STANDING_CACHE_MS) return cached.record;
  const user = await findAuthUser(uid);
  const validSince = user?.tokensValidAfterTime ? Date.parse(user.tokensValidAfterTime) : Number.NaN;
  const record = user ? { disabled: user.disabled, validSinceMs: Number.isFinite(validSince) ? validSince : undefined } : null;
  if (authCache.size > 10_000) authCache.clear();
  authCache.set(uid, { at: Date.now(), record });
  return record;
}

/** This instance's changes to a standing take effect here at once (tests, and the admin's own instance). */
export function forgetStanding(uid?: string): void {
  if (uid === undefined) {
    cache.clear();
    authCache.clear();
  } else {
    cache.delete(uid);
    authCache.delete(uid);
  }
}

/** When the session signed in (ID tokens carry auth_time in seconds; refreshes keep it). */
function signedInAtMs(token: Record<string, unknown>): number | undefined {
  const authTime = token.auth_time;
  return typeof authTime === "number" ? authTime * 1000 : undefined;
}

/**
 * Refuses a banned or suspended account and a signed-out session. With `verifyWithAuth`, also a
 * disabled account and tokens revoked by Auth (the authoritative record).
 */
export async function requireGoodStanding(request: Pick<CallableRequest, "auth">, options: { verifyWithAuth?: boolean } = {}): Promise<void> {
  const uid = request.auth?.uid as string;
  const token = (request.auth?.token ?? {}) as unknown as Record<string, unknown>;
  const now = Date.now();
  const standing = await standingOf(uid);
  if (isBanActive(standing.ban, now)) {
    const suspended = standing.ban?.expiresAtMs !== undefined;
    refuse<StandingRefusal>(
      "permission-denied",
      suspended ? "account-suspended" : "account-banned",
      "This account is suspended.",
      suspended ? { until: new Date(standing.ban?.expiresAtMs as number).toISOString() } : undefined,
    );
  }
  const signedInAt = signedInAtMs(token);
  if (signedInAt === undefined) refuse<StandingRefusal>("unauthenticated", "session-unknown", "Sign in again to do this.");
  if (standing.revokedAtMs !== undefined && signedInAt < standing.revokedAtMs) {
    refuse<StandingRefusal>("unauthenticated", "session-revoked", "Your session was signed out. Sign in again.");
  }
  if (!options.verifyWithAuth) return;
  const record = await authRecordOf(uid);
  if (!record) refuse<StandingRefusal>("unauthenticated", "account-missing", "Sign in again to do this.");
  if (record.disabled) refuse<StandingRefusal>("permission-denied", "account-disabled", "This account is disabled.");
  // Auth keeps validSince in whole seconds, like auth_time.
  if (record.validSinceMs !== undefined && signedInAt < record.validSinceMs) {
    refuse<StandingRefusal>("unauthenticated", "session-revoked", "Your session was signed out. Sign in again.");
  }
}

/**
 * Ends every session of the account: refresh tokens revoked (no new ID tokens), and the instant recorded
 * where every callable looks, so ID tokens already issued stop working within STANDING_CACHE_MS.
 */
export async function revokeSessions(uid: string): Promise<Date> {
  const { FieldValue, Timestamp } = firestoreValues();
  await auth().revokeRefreshTokens(uid);
  const { tokensValidAfterTime } = await auth().getUser(uid);
  const revokedAt = tokensValidAfterTime ? new Date(tokensValidAfterTime) : new Date();
  await sessionsRef(uid).set({ revokedAt: Timestamp.fromDate(revokedAt), updatedAt: FieldValue.serverTimestamp() }, { merge: true });
  forgetStanding(uid);
  return revokedAt;
}
