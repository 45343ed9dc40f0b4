/**
 * Leaving a venue, for every reason (left, kicked, banned, stale presence, stream ended): one function
 * so that whatever the user held there — membership, a seat, a guest slot, a viewer count, presence
 * and typing flags — is released the same way (seats and guest slots through the venue type's adapter,
 * ports.ts). Entry callables (live, rooms) admit members; only this module removes them.
 */
import { rtdb } from "../kernel/app.js";
import { log } from "../kernel/logger.js";
import { boundedRtdb } from "../kernel/timeout.js";
import { revokeMediaSession } from "../media/sessions.js";
import { type Venue, VenuePaths, venueKey } from "./paths.js";
import { type RemovalReason, venueAdapter } from "./ports.js";

export interface RemovalOutcome {
  /** This call ended the membership (false: it had already ended, e.g. a retry or a concurrent removal). */
  wasMember: boolean;
  /** Seats released (rooms) or guest slots released (streams, 0 or 1). */
  released: number;
}

/**
 * Ends the membership; true when it existed, so exactly one of concurrent removals sees true. The SDK
 * aborts a transaction not yet sent (Error "set") when this process writes the same node meanwhile: that is
 * a join of the same user admitted after this removal began, and the newer write stands, so this removal
 * ended nothing.
 */
async function endMembership(venue: Venue, uid: string): Promise<boolean> {
  let existed = false;
  try {
    await boundedRtdb(
      rtdb()
        .ref(VenuePaths.member(venue, uid))
        .transaction((current) => {
          existed = current !== null;
          return null;
        }),
      "membership removal",
    );
  } catch (error) {
    if ((error as Error).message === "set") return false;
    throw error;
  }
  return existed;
}

/**
 * Removes `uid` from `venue` and frees what they held. Idempotent: a second call finds nothing to
 * free. Order matters for crashes: membership goes first (a non-member can no longer take a seat,
 * chat or write presence), the presence traces the sweep finds users by go last, so a failure in
 * between leaves them for the next sweep to retry.
 */
export async function removeFromVenue(venue: Venue, uid: string, reason: RemovalReason): Promise<RemovalOutcome> {
  const wasMember = await endMembership(venue, uid);
  const released = await venueAdapter(venue.type).releaseOccupant(venue.id, uid, reason);
  await boundedRtdb(
    rtdb()
      .ref()
      .update({
        [VenuePaths.presenceOf(venue, uid)]: null,
        [VenuePaths.typingOf(venue, uid)]: null,
        [VenuePaths.absenceOf(venue, uid)]: null,
      }),
    "presence clean-up",
  );
  // A joined media session outlives its token: end it too (best effort; every call, so a retry after a
  // crash here still ends it).
  await revokeMediaSession(venue, uid);
  if (wasMember || released > 0) log.info("removed from venue", { venue: venueKey(venue), uid, reason, wasMember, released });
  return { wasMember, released };
}
