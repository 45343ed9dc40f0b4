/** Profile fields and usernames. users/{uid} is written only here (rules forbid client writes). */
import type { Timestamp } from "firebase-admin/firestore";
import { firestoreValues } from "../kernel/app.js";
import { userRef } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { runTransaction } from "../kernel/transactions.js";
import { attachMedia, readAttachableMedia } from "../media/uploads/attachments.js";
import { markMediaForDeletion } from "../media/uploads/cleanup.js";
import type { AttachedMedia } from "../media/uploads/schema.js";
import { displayNameKey, ensureUserRecords } from "../users/accounts.js";
import {
  type PrivacySettings,
  type SetProfilePhotoRequest,
  type SetProfilePhotoResponse,
  type SetUsernameRequest,
  type SetUsernameResponse,
  type UpdateProfileRequest,
  type UpdateProfileResponse,
  USERNAME_COOLDOWN_DAYS,
} from "./schema.js";
import { GRAPH_TX_ATTEMPTS, usernameRef } from "./store.js";

const DAY_MS = 86_400_000;

export function privacyOf(data: FirebaseFirestore.DocumentData | undefined): PrivacySettings {
  const p = (data?.privacy ?? {}) as Partial<PrivacySettings>;
  return { followers: p.followers ?? "everyone", messages: p.messages ?? "everyone", activity: p.activity ?? "everyone" };
}

/** A fresh sign-up may call before the Auth trigger has created its profile. */
export async function ensureProfile(uid: string): Promise<void> {
  if (!(await userRef(uid).get()).exists) await ensureUserRecords(uid);
}

export async function updateProfile(caller: Caller, request: UpdateProfileRequest): Promise<UpdateProfileResponse> {
  await ensureProfile(caller.uid);
  const { FieldValue } = firestoreValues();
  const { privacy, ...fields } = request;
  const update: Record<string, unknown> = { ...fields, updatedAt: FieldValue.serverTimestamp() };
  if (fields.displayName !== undefined) update.displayNameLower = displayNameKey(fields.displayName);
  // Dotted paths: a partial privacy change keeps the other settings.
  for (const [key, value] of Object.entries(privacy ?? {})) update[`privacy.${key}`] = value;
  await userRef(caller.uid).update(update);
  return { uid: caller.uid, updated: Object.keys(request).sort() };
}

/**
 * The profile photo from an "avatar" upload of the caller's (ready, checked and measured by the media
 * domain), claimed by the profile; the photo it replaces is marked for the media cleanup. One transaction,
 * so two racing calls leave one photo set and the other released. Setting the current photo again changes nothing.
 */
export async function setProfilePhoto(caller: Caller, { mediaId }: SetProfilePhotoRequest): Promise<SetProfilePhotoResponse> {
  await ensureProfile(caller.uid);
  const profileRef = userRef(caller.uid);
  return runTransaction(
    async (tx) => {
      const profile = await tx.get(profileRef);
      const previous = profile.get("avatarMediaId") as string | undefined;
      if (previous === mediaId) {
        return {
          avatarMediaId: mediaId,
          avatarPath: profile.get("avatarPath") as string,
          avatarThumbnailPath: (profile.get("avatarThumbnailPath") as string | null | undefined) ?? null,
          replacedMediaId: null,
        };
      }
      const [photo] = (await readAttachableMedia(tx, caller.uid, [mediaId], "avatar")) as [AttachedMedia];
      if (previous) await markMediaForDeletion(tx, [previous], "avatar-replaced");
      attachMedia(tx, [photo], profileRef.path);
      const fields = { avatarMediaId: mediaId, avatarPath: photo.path, avatarThumbnailPath: photo.thumbnailPath };
      tx.update(profileRef, { ...fields, updatedAt: firestoreValues().FieldValue.serverTimestamp() });
      return { ...fields, replacedMediaId: previous ?? null };
    },
    { maxAttempts: GRAPH_TX_ATTEMPTS },
  );
}

/**
 * Claims usernames/{lowercase} and releases the previous claim in one transaction, so two users racing
 * for "Luna" and "luna" cannot both win and a user never holds two names.
 */
export async function setUsername(caller: Caller, request: SetUsernameRequest): Promise<SetUsernameResponse> {
  await ensureProfile(caller.uid);
  const display = request.username;
  const lower = display.toLowerCase();
  const { FieldValue, Timestamp } = firestoreValues();
  return runTransaction(
    async (tx) => {
      const profile = await tx.get(userRef(caller.uid));
      const claim = await tx.get(usernameRef(lower));
      const owner = claim.get("uid") as string | undefined;
      if (claim.exists && owner !== caller.uid) fail("already-exists", `The username "${display}" is taken.`);

      const previousLower = profile.get("usernameLower") as string | undefined;
      const changedAt = profile.get("usernameChangedAt") as Timestamp | undefined;
      const now = Date.now();
      // A case-only change of one's own name is cosmetic: no cool-down, no new claim.
      const caseOnly = previousLower === lower;
      if (!caseOnly && changedAt) {
        const nextAllowed = changedAt.toMillis() + USERNAME_COOLDOWN_DAYS * DAY_MS;
        if (now < nextAllowed) {
          const iso = new Date(nextAllowed).toISOString();
          fail("failed-precondition", `The username can be changed again from ${iso}.`, { nextChangeAllowedAt: iso });
        }
      }
      if (previousLower && !caseOnly) tx.delete(usernameRef(previousLower));
      tx.set(usernameRef(lower), { uid: caller.uid, username: display, claimedAt: FieldValue.serverTimestamp() });
      const effectiveChangedAt = caseOnly && changedAt ? changedAt : Timestamp.fromMillis(now);
      tx.update(userRef(caller.uid), {
        username: display,
        usernameLower: lower,
        usernameChangedAt: effectiveChangedAt,
        updatedAt: FieldValue.serverTimestamp(),
      });
      return {
        username: display,
        nextChangeAllowedAt: new Date(effectiveChangedAt.toMillis() + USERNAME_COOLDOWN_DAYS * DAY_MS).toISOString(),
      };
    },
    { maxAttempts: 20 },
  );
}
