/**
 * Auth blocking functions: Identity Platform calls them synchronously before an account is created and
 * before every sign-in; throwing refuses the operation and the client sees the error.
 *
 * Bans live in bans/{uid} (server-only, can carry a reason and an expiry, and do not leak through the
 * publicly readable users/{uid}); a `banned: true` custom claim is honoured too, as requireAuth does.
 * (Blocking functions require Identity Platform on the project.)
 */
import type { AuthBlockingEvent } from "firebase-functions/v2/identity";
import { beforeUserCreated, beforeUserSignedIn, HttpsError } from "firebase-functions/v2/identity";
import { readBan } from "../kernel/account.js";
import { REGION } from "../kernel/config.js";
import { log } from "../kernel/logger.js";
import { accessConfig } from "./config.js";
import { type Decision, decideSignIn, decideSignUp, initialClaims } from "./policy.js";

function refuse(decision: Exclude<Decision, { allow: true }>, event: AuthBlockingEvent, stage: string): never {
  log.warn("auth blocked", { stage, reason: decision.reason, uid: event.data?.uid, ip: event.ipAddress });
  throw new HttpsError("permission-denied", decision.message, { reason: decision.reason });
}

/** The beforeUserCreated handler, exported for in-process tests (the wrapped function's `.run`). */
export async function handleBeforeUserCreated(event: AuthBlockingEvent): Promise<{ customClaims: Record<string, unknown> }> {
  const user = event.data;
  const decision = decideSignUp(
    {
      email: user?.email ?? event.additionalUserInfo?.email,
      phoneNumber: user?.phoneNumber ?? event.additionalUserInfo?.phoneNumber,
      ipCountry: undefined,
    },
    await accessConfig(),
  );
  if (!decision.allow) refuse(decision, event, "beforeUserCreated");
  return { customClaims: initialClaims(user?.customClaims) };
}

export async function handleBeforeUserSignedIn(event: AuthBlockingEvent): Promise<void> {
  const uid = event.data?.uid;
  if (!uid) return;
  const decision = decideSignIn({ customClaims: event.data?.customClaims, ban: await readBan(uid), nowMs: Date.now() });
  if (!decision.allow) refuse(decision, event, "beforeUserSignedIn");
}

export const identityBeforeUserCreated = beforeUserCreated({ region: REGION }, handleBeforeUserCreated);
export const identityBeforeUserSignedIn = beforeUserSignedIn({ region: REGION }, handleBeforeUserSignedIn);
