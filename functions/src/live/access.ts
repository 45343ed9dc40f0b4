/**
 * Entry checks of a stream. A password stream's hash is in streamSecrets/{id} (server only) and is checked
 * by the venues' password check (venues/password.ts), which budgets guessing per stream and per user.
 */

import { isBanActive } from "../identity/policy.js";
import { readBan } from "../kernel/account.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { followerRef, isBlockedPair } from "../social/store.js";
import { checkVenuePassword } from "../venues/password.js";
import { VenuePaths } from "../venues/paths.js";
import type { LiveConfig } from "./schema.js";
import { isStaff, readValue, type StoredStream, streamSecretRef, streamVenue } from "./store.js";

interface StreamSecrets {
  passwordHash?: string | null;
  invitedUids?: string[];
}

export async function readSecrets(streamId: string): Promise<StreamSecrets> {
  return ((await streamSecretRef(streamId).get()).data() ?? {}) as StreamSecrets;
}

async function checkPassword(stream: StoredStream, uid: string, password: string | undefined, config: LiveConfig, secrets: StreamSecrets) {
  if (!password) fail("permission-denied", "This stream needs a password.", { reason: "password-required" });
  await checkVenuePassword(streamVenue(stream.id), uid, password, secrets.passwordHash, {
    perVenue: config.streamPasswordAttempts,
    perUser: config.passwordAttempts,
    windowSeconds: config.passwordWindowMinutes * 60,
  });
}

/** Active stream ban: bans/{venueKey}/{uid} = untilMs. */
export async function streamBanUntil(streamId: string, uid: string, nowMs = Date.now()): Promise<number | null> {
  const until = await readValue<number>(VenuePaths.banOf(streamVenue(streamId), uid));
  return typeof until === "number" && until > nowMs ? until : null;
}

/**
 * May `caller` enter `stream`? Staff pass (they moderate every venue); the host passes. Everyone else:
 * not suspended, no block with the host either way, not banned from the stream, and the visibility
 * rule: private = invited by the host, followers = follows the host, password = the right password.
 */
export async function assertMayEnter(caller: Caller, stream: StoredStream, password: string | undefined, config: LiveConfig): Promise<void> {
  if (caller.uid === stream.hostUid || isStaff(caller.roles)) return;
  const nowMs = Date.now();
  const needsSecrets = stream.visibility === "private" || stream.visibility === "password";
  const [ban, blocked, bannedUntil, follows, secrets] = await Promise.all([
    readBan(caller.uid),
    isBlockedPair(caller.uid, stream.hostUid),
    streamBanUntil(stream.id, caller.uid, nowMs),
    stream.visibility === "followers" ? followerRef(stream.hostUid, caller.uid).get() : null,
    needsSecrets ? readSecrets(stream.id) : ({} as StreamSecrets),
  ]);
  if (isBanActive(ban, nowMs)) fail("permission-denied", "This account is suspended.", { reason: "suspended" });
  if (blocked) fail("permission-denied", "You cannot join this stream.", { reason: "blocked" });
  if (bannedUntil !== null) {
    fail("permission-denied", "You are banned from this stream.", { reason: "banned", until: new Date(bannedUntil).toISOString() });
  }
  switch (stream.visibility) {
    case "public":
      return;
    case "private":
      if (!(secrets.invitedUids ?? []).includes(caller.uid)) fail("permission-denied", "This stream is private.", { reason: "not-invited" });
      return;
    case "followers":
      if (!follows?.exists) fail("permission-denied", "This stream is for followers of the host.", { reason: "followers-only" });
      return;
    case "password":
      await checkPassword(stream, caller.uid, password, config, secrets);
      return;
  }
}
