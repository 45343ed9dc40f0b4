/**
 * Room bans. Kicking a member out of the room removes them (membership, seat, paid visit) and bans them
 * for N minutes: RTDB bans/room_{id}/{uid} = untilMs, which enterRoom refuses until then (and the chat
 * rules read). The owner, room admins and staff kick; room admins cannot kick the owner or each other.
 */
import { rtdb } from "../kernel/app.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { VenuePaths } from "../venues/paths.js";
import { recordActivity } from "./activity.js";
import { roomsConfig } from "./config.js";
import { removeRoomMember } from "./entry.js";
import type { KickFromRoomRequest, TargetUserRequest } from "./schema.js";
import { loadOpenRoom, loadRoom, requireAuthorityOver, requireRoomModerator, roomVenue } from "./store.js";

export async function kickFromRoom(caller: Caller, request: KickFromRoomRequest): Promise<{ roomId: string; uid: string; bannedUntil: string }> {
  const [config, room] = await Promise.all([roomsConfig(), loadOpenRoom(request.roomId)]);
  const authority = requireRoomModerator(room, caller);
  requireAuthorityOver(room, authority, request.uid);
  if (request.uid === caller.uid) fail("failed-precondition", "You cannot kick yourself.");
  // Room admins enter past bans; a ban on one would not hold.
  if (room.admins.includes(request.uid)) fail("failed-precondition", "Revoke this user's room admin role first.", { reason: "target-is-admin" });
  const minutes = Math.min(request.banMinutes ?? config.kickBanMinutes, config.maxBanMinutes);
  const until = Date.now() + minutes * 60_000;
  // The ban first: an enterRoom racing this kick re-checks the ban after writing its membership.
  await rtdb()
    .ref(VenuePaths.banOf(roomVenue(room.id), request.uid))
    .set(until);
  const seatsFreed = await removeRoomMember(room.id, request.uid, "kicked");
  await recordActivity(room.id, {
    type: "member.kicked",
    actorUid: caller.uid,
    targetUid: request.uid,
    details: { banMinutes: minutes, bannedUntil: until, seatsFreed, ...(request.reason ? { reason: request.reason } : {}) },
  });
  return { roomId: room.id, uid: request.uid, bannedUntil: new Date(until).toISOString() };
}

export async function unbanFromRoom(caller: Caller, request: TargetUserRequest): Promise<{ roomId: string; uid: string; wasBanned: boolean }> {
  const room = await loadRoom(request.roomId);
  requireRoomModerator(room, caller);
  const ref = rtdb().ref(VenuePaths.banOf(roomVenue(room.id), request.uid));
  const until = (await ref.get()).val();
  const wasBanned = typeof until === "number" && until > Date.now();
  await ref.remove();
  if (wasBanned) await recordActivity(room.id, { type: "member.unbanned", actorUid: caller.uid, targetUid: request.uid });
  return { roomId: room.id, uid: request.uid, wasBanned };
}
