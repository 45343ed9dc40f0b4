/**
 * Enforcement on media sessions already joined. A join token fixes publish/subscribe rights when it is
 * signed, and a joined session outlives the token; so when the backend takes rights away (a kick, a
 * ban, a removal from the venue, a guest sent back to the audience, an unseated or admin-muted
 * speaker) it also tells the media server through LiveKit's RoomService API: remove the participant,
 * or keep them as a listener without publish rights. Rights come back only through a fresh token.
 *
 * Best effort, after the state change has committed: the RTDB/Firestore state is authoritative (a
 * fresh token is only handed out against it) and the short token lifetime is the backstop. So every
 * call is bounded in time, a participant (or media room) that is not there counts as done, and any
 * failure is logged, never thrown.
 */
import { defineString } from "firebase-functions/params";
import { log } from "../kernel/logger.js";
import { withTimeout } from "../kernel/timeout.js";
import { type Venue, venueKey } from "../venues/paths.js";
import { LIVEKIT_API_KEY, LIVEKIT_API_SECRET } from "./tokens.js";

export const LIVEKIT_API_URL = defineString("LIVEKIT_API_URL", {
  default: "",
  description: "https URL of the LiveKit server API (RoomService) that removes or demotes joined participants; empty turns this off",
});

/** Longest a removal or demotion may hold up the callable that triggered it. */
export const MEDIA_SESSION_TIMEOUT_MS = 3_000;

/** done: the media server applied it; absent: not in the media room; off: not configured; failed: logged. */
export type MediaSessionOutcome = "done" | "absent" | "off" | "failed";

type RoomService = import("livekit-server-sdk").RoomServiceClient;
type MediaAction = "remove" | "demote" | "close";

const offNoticesLogged = new Set<string>();

/** The RoomService client, or null (with one notice per instance and cause) when enforcement is off. */
function roomService(): RoomService | null {
  const host = LIVEKIT_API_URL.value().trim();
  // Read only when configured: a function without the secret declared would warn on every call.
  const secret = host ? LIVEKIT_API_SECRET.value() : "";
  if (!host || !secret) {
    const cause = host ? "LIVEKIT_API_SECRET is not available to this function (list it in its secrets)" : "LIVEKIT_API_URL is empty";
    if (!offNoticesLogged.has(cause)) {
      offNoticesLogged.add(cause);
      log.warn("media session enforcement is off", { cause });
    }
    return null;
  }
  const { RoomServiceClient } = require("livekit-server-sdk") as typeof import("livekit-server-sdk");
  // The SDK aborts its request at the timeout (whole seconds); the race below bounds everything else.
  return new RoomServiceClient(host, LIVEKIT_API_KEY.value(), secret, {
    requestTimeout: Math.ceil(MEDIA_SESSION_TIMEOUT_MS / 1000),
    failover: false,
  });
}

/** Twirp "not_found": the participant (or the media room) is not there, which is what was wanted. */
function isNotFound(err: unknown): boolean {
  const { code, status } = (err ?? {}) as { code?: unknown; status?: unknown };
  return code === "not_found" || status === 404;
}

async function enforce(
  action: MediaAction,
  venue: Venue,
  uid: string | null,
  call: (client: RoomService, room: string) => Promise<unknown>,
): Promise<MediaSessionOutcome> {
  const room = venueKey(venue);
  try {
    const client = roomService();
    if (!client) return "off";
    await withTimeout(call(client, room), MEDIA_SESSION_TIMEOUT_MS, () => new Error(`no answer within ${MEDIA_SESSION_TIMEOUT_MS} ms`));
    log.info("media session enforced", { action, room, uid });
    return "done";
  } catch (err) {
    if (isNotFound(err)) return "absent";
    log.warn("media session enforcement failed", { action, room, uid, error: String(err) });
    return "failed";
  }
}

/**
 * Disconnects `uid` from the venue's media room (kick, ban, removal from the venue). Tokens signed
 * before this second can no longer rejoin; a fresh one (handed out only after the entry checks) can.
 */
export function revokeMediaSession(venue: Venue, uid: string): Promise<MediaSessionOutcome> {
  // Whole seconds, like a token's nbf; without it the server revokes tokens until a minute from now,
  // which would also refuse a legitimate rejoin with a fresh token.
  const revokeTokenTs = BigInt(Math.floor(Date.now() / 1000));
  return enforce("remove", venue, uid, (client, room) => client.removeParticipant(room, uid, { revokeTokenTs }));
}

/**
 * Keeps `uid` in the venue's media room as a listener: their tracks are unpublished and they can no
 * longer publish (a guest sent back to the audience, an unseated speaker, an admin mic mute).
 */
export function demoteMediaPublisher(venue: Venue, uid: string): Promise<MediaSessionOutcome> {
  return enforce("demote", venue, uid, (client, room) =>
    // Permissions are replaced as a whole: the same set a listener's token carries (see tokens.ts).
    client.updateParticipant(room, uid, { permission: { canPublish: false, canSubscribe: true, canPublishData: false } }),
  );
}

/**
 * Ends the venue's media room for everyone (a stream ended, a room closed): the members were removed in
 * bulk, so their sessions go with the room rather than one removal each.
 */
export function closeMediaRoom(venue: Venue): Promise<MediaSessionOutcome> {
  return enforce("close", venue, null, (client, room) => client.deleteRoom(room));
}
