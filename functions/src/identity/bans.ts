/**
 * Bans and suspensions. bans/{uid} is the record every callable checks (kernel/account.ts) and the
 * sign-in blocking function refuses; a ban (no end) also sets the `banned` claim for rules. Either way
 * the account's sessions are revoked, so it stops acting within seconds rather than when its ID token
 * expires, and it is taken out of every live venue (the streams and rooms it hosts end). Every ban,
 * suspension and lift is kept in bans/{uid}/history. Moderators ban ordinary accounts; only admins ban
 * moderators; admins are demoted first.
 */
import { banRef, forgetStanding, requireAuthUser, revokeSessions } from "../kernel/account.js";
import { db, firestoreValues } from "../kernel/app.js";
import { recordAudit } from "../kernel/audit.js";
import { publishClaims, stageClaims } from "../kernel/claims.js";
import { Collections } from "../kernel/collections.js";
import { refuse } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { runIdempotent } from "../kernel/idempotency.js";
import { log } from "../kernel/logger.js";
import { rolesFromClaims } from "../kernel/roles.js";
import { requireAccountInScope } from "../kernel/staff-scope.js";
import { notifyAfterCommit } from "../notifications/after-commit.js";
import { evictFromVenues } from "../venues/eviction.js";
import type { BanAccountRequest, BanAccountResponse, IdentityRefusal, LiftBanRequest, LiftBanResponse } from "./schema.js";

const banHistoryRef = (uid: string) => db().collection(Collections.bans).doc(uid).collection(Collections.banHistory).doc();

function expiryOf(request: BanAccountRequest): number | null {
  if (request.durationMinutes) return Date.now() + request.durationMinutes * 60_000;
  if (request.durationHours) return Date.now() + request.durationHours * 3_600_000;
  return null;
}

/**
 * Refuses what banAccount and liftBan refuse about the pair (self, admins, moderators by non-admins, an
 * account outside a country-scoped caller's countries).
 */
export async function requireBannable(actor: Caller, uid: string): Promise<void> {
  if (uid === actor.uid) refuse<IdentityRefusal>("failed-precondition", "self", "You cannot ban or suspend your own account.");
  await requireAccountInScope(actor, uid);
  const target = await requireAuthUser(uid);
  const roles = rolesFromClaims(target.customClaims);
  if (roles.includes("admin"))
    refuse<IdentityRefusal>("permission-denied", "target-is-admin", "Admins cannot be banned; remove the admin role first.");
  if (roles.includes("moderator") && !actor.roles.includes("admin")) {
    refuse<IdentityRefusal>("permission-denied", "target-is-staff", "Only admins can ban or suspend moderators.");
  }
}

export async function banAccount(actor: Caller, request: BanAccountRequest): Promise<BanAccountResponse> {
  await requireBannable(actor, request.uid);
  const { FieldValue, Timestamp } = firestoreValues();
  const { result } = await runIdempotent({ scope: "identity.banAccount", key: request.requestId, owner: actor.uid, payload: request }, async (tx) => {
    const expiresAtMs = expiryOf(request);
    const kind = expiresAtMs ? "suspension" : "ban";
    // The claim marks bans only: a suspension ends by itself, and nothing would be there to clear it.
    await stageClaims(tx, request.uid, (claims) => {
      if (kind === "ban") claims.banned = true;
      else delete claims.banned;
      return claims;
    });
    tx.set(banRef(request.uid), {
      kind,
      reason: request.reason,
      bannedBy: actor.uid,
      bannedAt: FieldValue.serverTimestamp(),
      expiresAt: expiresAtMs ? Timestamp.fromMillis(expiresAtMs) : null,
      requestId: request.requestId,
    });
    tx.create(banHistoryRef(request.uid), {
      action: kind,
      reason: request.reason,
      actorUid: actor.uid,
      at: FieldValue.serverTimestamp(),
      expiresAt: expiresAtMs ? Timestamp.fromMillis(expiresAtMs) : null,
      requestId: request.requestId,
    });
    recordAudit(tx, {
      action: `identity.${kind}`,
      actorUid: actor.uid,
      targetUid: request.uid,
      reason: request.reason,
      requestId: request.requestId,
      details: { expiresAt: expiresAtMs ? Timestamp.fromMillis(expiresAtMs) : null },
    });
    return { kind, expiresAt: expiresAtMs ? new Date(expiresAtMs).toISOString() : null } as const;
  });
  // Also on a replay: an earlier attempt may have stopped after its commit.
  await publishClaims(request.uid);
  const revokedAt = await revokeSessions(request.uid);
  const venues = await evictFromVenues(request.uid, actor.uid);
  log.warn("account banned", { actorUid: actor.uid, targetUid: request.uid, kind: result.kind, expiresAt: result.expiresAt, venues });
  // Keyed by the request, so a replay queues what an interrupted first attempt may have left out.
  await notifyAfterCommit({
    recipient: request.uid,
    type: result.kind === "ban" ? "account-banned" : "account-suspended",
    data: result.expiresAt ? { until: result.expiresAt } : {},
    dedupeKey: `${actor.uid}:${request.requestId}`,
  });
  return { uid: request.uid, ...result, sessionsRevokedAt: revokedAt.toISOString(), venues };
}

export async function liftBan(actor: Caller, request: LiftBanRequest): Promise<LiftBanResponse> {
  await requireBannable(actor, request.uid);
  await runIdempotent({ scope: "identity.liftBan", key: request.requestId, owner: actor.uid, payload: request }, async (tx) => {
    const ban = await tx.get(banRef(request.uid));
    if (!ban.exists) refuse<IdentityRefusal>("failed-precondition", "not-banned", "This account is not banned or suspended.");
    await stageClaims(tx, request.uid, (claims) => {
      delete claims.banned;
      return claims;
    });
    tx.delete(banRef(request.uid));
    tx.create(banHistoryRef(request.uid), {
      action: "lift",
      reason: request.reason,
      actorUid: actor.uid,
      at: firestoreValues().FieldValue.serverTimestamp(),
      expiresAt: null,
      requestId: request.requestId,
    });
    recordAudit(tx, {
      action: "identity.liftBan",
      actorUid: actor.uid,
      targetUid: request.uid,
      reason: request.reason,
      requestId: request.requestId,
      before: ban.data(),
    });
  });
  await publishClaims(request.uid);
  forgetStanding(request.uid);
  log.info("account ban lifted", { actorUid: actor.uid, targetUid: request.uid });
  return { uid: request.uid, lifted: true };
}
