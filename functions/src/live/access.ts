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
import type { LiveConfig, StreamVisibility } from "./schema.js";
import { isStaff, readValue, type StoredStream, streamSecretRef, streamVenue } from "./store.js";

interface StreamSecrets {
  passwordHash?: string | null;
  invitedUids?: string[];
}

export async function readSecrets(streamId: string): Promise<StreamSecrets> {
  return ((await streamSecretRef(streamId).get()).data() ?? {}) as StreamSecrets;
}

async function checkPassword(stream: StoredStream, uid: string, password: string, config: LiveConfig, secrets: StreamSecrets) {
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

/** What assertMayEnter knows about a caller who is neither the host nor staff. */
export interface StreamEntryFacts {
  visibility: StreamVisibility;
  suspended: boolean;
  /** A block between the caller and the host, either way. */
  blocked: boolean;
  /** The end of an active stream ban (ms), or null. */
  bannedUntil: number | null;
  /** On the host's invitation list (private streams). */
  invited: boolean;
  /** Follows the host (followers-only streams). */
  follows: boolean;
  /** A password came with the request (password streams; checked afterwards against the hash). */
  passwordGiven: boolean;
}

/**
 * Refuses a viewer the stream keeps out (permission-denied, with the reason): suspended, blocked either
 * way, banned from the stream, or outside its visibility rule. A password stream then checks the password.
 */
export function checkStreamEntry(facts: StreamEntryFacts): void {
  if (facts.suspended) fail("permission-denied", "This account is suspended.", { reason: "suspended" });
  if (facts.blocked) fail("permission-denied", "You cannot join this stream.", { reason: "blocked" });
  if (facts.bannedUntil !== null) {
    fail("permission-denied", "You are banned from this stream.", { reason: "banned", until: new Date(facts.bannedUntil).toISOString() });
  }
  switch (facts.visibility) {
    case "public":
      return;
    case "private":
      if (!facts.invited) fail("permission-denied", "This stream is private.", { reason: "not-invited" });
      return;
    case "followers":
      if (!facts.follows) fail("permission-denied", "This stream is for followers of the host.", { reason: "followers-only" });
      return;
    case "password":
      if (!facts.passwordGiven) fail("permission-denied", "This stream needs a password.", { reason: "password-required" });
      return;
  }
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
  checkStreamEntry({
    visibility: stream.visibility,
    suspended: isBanActive(ban, nowMs),
    blocked,
    bannedUntil,
    invited: (secrets.invitedUids ?? []).includes(caller.uid),
    follows: follows?.exists === true,
    passwordGiven: Boolean(password),
  });
  if (stream.visibility === "password") await checkPassword(stream, caller.uid, password as string, config, secrets);
}
