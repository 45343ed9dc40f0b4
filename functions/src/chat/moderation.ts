/**
 * Chat moderation by people: mutes (mutes/{venueKey}/{uid} = until, which the chat rules enforce) and
 * message deletion. Who may act follows the venue's own moderation: in a stream its host and platform
 * staff (moderators, admins; a host cannot act on staff), in a room its owner, its room admins and
 * staff (rooms/store.ts: nobody but staff acts on the owner, room admins not on each other). Nobody mutes
 * themselves. Every action is recorded in chatArchive/{venueKey}/actions.
 */
import { db, firestoreValues, rtdb } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { rolesFromClaims } from "../kernel/roles.js";
import { isStaff as isStaffRole, loadStream } from "../live/store.js";
import { loadRoom, requireAuthorityOver as requireRoomAuthorityOver, authorityOf as roomAuthorityOf } from "../rooms/store.js";
import { type Venue, VenuePaths } from "../venues/paths.js";
import type {
  DeleteChatMessageRequest,
  DeleteChatMessageResponse,
  MuteInVenueRequest,
  MuteInVenueResponse,
  UnmuteInVenueRequest,
  UnmuteInVenueResponse,
} from "./schema.js";
import { archiveOf } from "./store.js";

export type VenueAuthority = "staff" | "host" | "owner" | "roomAdmin";

/** The caller's authority in the venue (not-found for an unknown venue), or null. */
async function authorityIn(caller: Caller, venue: Venue): Promise<{ authority: VenueAuthority | null; onTarget: (uid: string) => Promise<void> }> {
  if (venue.type === "room") {
    const room = await loadRoom(venue.id);
    const authority = roomAuthorityOf(room, caller);
    return {
      authority: authority === "none" ? null : authority === "admin" ? "roomAdmin" : authority,
      onTarget: async (uid) => {
        if (authority !== "none") requireRoomAuthorityOver(room, authority, uid);
      },
    };
  }
  const stream = await loadStream(venue.id);
  const staff = isStaffRole(caller.roles);
  return {
    authority: staff ? "staff" : stream.hostUid === caller.uid ? "host" : null,
    onTarget: async (uid) => {
      if (staff) return;
      if (uid === stream.hostUid) fail("permission-denied", "Only a moderator can do this to the host.");
      // users/{uid}.roles mirrors the roles claim (set only by setUserRoles).
      const target = await db().collection(Collections.users).doc(uid).get();
      if (isStaffRole(rolesFromClaims(target.data()))) fail("permission-denied", "A host cannot do this to a moderator.");
    },
  };
}

/** The caller's authority over `targetUid`'s chat in the venue, or permission-denied. */
async function requireAuthorityOver(caller: Caller, venue: Venue, targetUid: string): Promise<VenueAuthority> {
  const { authority, onTarget } = await authorityIn(caller, venue);
  if (!authority) fail("permission-denied", "Only the host, the room's admins or a moderator can do this.");
  if (targetUid === caller.uid) fail("failed-precondition", "You cannot mute or unmute yourself.");
  await onTarget(targetUid);
  return authority;
}

function recordAction(venue: Venue, action: Record<string, unknown>): Promise<unknown> {
  const { FieldValue } = firestoreValues();
  return archiveOf(venue)
    .newAction()
    .set({ ...action, at: FieldValue.serverTimestamp() });
}

export async function muteInVenue(caller: Caller, request: MuteInVenueRequest, now = Date.now()): Promise<MuteInVenueResponse> {
  const authority = await requireAuthorityOver(caller, request.venue, request.uid);
  const mutedUntil = now + request.durationSeconds * 1000;
  // Set, not extended: the latest decision of a moderator stands (a shorter mute shortens it).
  await rtdb().ref(VenuePaths.muteOf(request.venue, request.uid)).set(mutedUntil);
  await recordAction(request.venue, {
    action: "mute",
    targetUid: request.uid,
    byUid: caller.uid,
    authority,
    mutedUntil,
    reason: request.reason ?? null,
  });
  return { mutedUntil };
}

export async function unmuteInVenue(caller: Caller, request: UnmuteInVenueRequest, now = Date.now()): Promise<UnmuteInVenueResponse> {
  const authority = await requireAuthorityOver(caller, request.venue, request.uid);
  let previous: unknown = null;
  await rtdb()
    .ref(VenuePaths.muteOf(request.venue, request.uid))
    .transaction((current) => {
      previous = current;
      return null;
    });
  const wasMuted = typeof previous === "number" && previous > now;
  if (wasMuted) await recordAction(request.venue, { action: "unmute", targetUid: request.uid, byUid: caller.uid, authority });
  return { wasMuted };
}

/** The author may delete their own message; the venue's authorities any message. */
export async function deleteChatMessage(caller: Caller, request: DeleteChatMessageRequest): Promise<DeleteChatMessageResponse> {
  const { venue, messageId } = request;
  const messageRef = rtdb().ref(`${VenuePaths.chat(venue)}/${messageId}`);
  const archived = archiveOf(venue).message(messageId);
  const [live, archive] = await Promise.all([messageRef.get(), archived.get()]);
  const authorUid = live.child("uid").val() ?? archive.get("uid");
  if (typeof authorUid !== "string") fail("not-found", "This message does not exist.");
  let authority: VenueAuthority | "author";
  if (authorUid === caller.uid) {
    authority = "author";
  } else {
    authority = await requireAuthorityOver(caller, venue, authorUid);
  }
  let existed = false;
  await messageRef.transaction((current) => {
    existed = current !== null;
    return null;
  });
  if (!existed) return { deleted: false };
  const { FieldValue } = firestoreValues();
  // merge: the moderation trigger may archive the message after this (it merges too).
  await archived.set({ uid: authorUid, deleted: { byUid: caller.uid, authority, at: FieldValue.serverTimestamp() } }, { merge: true });
  if (authority !== "author") await recordAction(venue, { action: "deleteMessage", messageId, targetUid: authorUid, byUid: caller.uid, authority });
  return { deleted: true };
}
