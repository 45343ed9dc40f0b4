/** How the apps reach voice rooms. Any signed-in user; room roles (owner, admins) are checked per room. */
import "../composition.js";
import { defineCallable } from "../kernel/callable.js";
import { LIVEKIT_API_SECRET } from "../media/tokens.js";
import * as activity from "./activity.js";
import * as entry from "./entry.js";
import * as rooms from "./lifecycle.js";
import * as moderation from "./moderation.js";
import {
  CreateRoomRequestSchema,
  EnterRoomRequestSchema,
  InviteToSeatRequestSchema,
  KickFromRoomRequestSchema,
  ListRoomActivityRequestSchema,
  ListRoomsRequestSchema,
  MicRequestSchema,
  RespondToSeatInviteRequestSchema,
  RoomRequestSchema,
  SeatIndexRequestSchema,
  SetAnnouncementRequestSchema,
  SetRoomAdminRequestSchema,
  TakeSeatRequestSchema,
  TargetUserRequestSchema,
  UpdateRoomRequestSchema,
} from "./schema.js";
import * as seats from "./seats.js";

const SEAT_LIMIT = { perUid: { tokens: 60, windowSeconds: 60 } };
const SETTINGS_LIMIT = { perUid: { tokens: 30, windowSeconds: 60 } };
/** Signing media tokens, or removing and demoting joined media sessions (media/sessions.ts). */
const MEDIA = { secrets: [LIVEKIT_API_SECRET] };

// Rooms and their settings

export const createRoom = defineCallable({
  name: "rooms.createRoom",
  input: CreateRoomRequestSchema,
  rateLimit: { perUid: { tokens: 10, windowSeconds: 60 } },
  handler: ({ caller, data }) => rooms.createRoom(caller, data),
});

export const updateRoom = defineCallable({
  name: "rooms.updateRoom",
  input: UpdateRoomRequestSchema,
  rateLimit: SETTINGS_LIMIT,
  options: MEDIA,
  handler: ({ caller, data }) => rooms.updateRoom(caller, data),
});

export const setRoomAdmin = defineCallable({
  name: "rooms.setRoomAdmin",
  input: SetRoomAdminRequestSchema,
  rateLimit: SETTINGS_LIMIT,
  handler: ({ caller, data }) => rooms.setRoomAdmin(caller, data),
});

export const setRoomAnnouncement = defineCallable({
  name: "rooms.setRoomAnnouncement",
  input: SetAnnouncementRequestSchema,
  rateLimit: SETTINGS_LIMIT,
  handler: ({ caller, data }) => rooms.setRoomAnnouncement(caller, data),
});

export const closeRoom = defineCallable({
  name: "rooms.closeRoom",
  input: RoomRequestSchema,
  rateLimit: SETTINGS_LIMIT,
  options: MEDIA,
  handler: ({ caller, data }) => rooms.closeRoom(caller, data),
});

export const getRoom = defineCallable({
  name: "rooms.getRoom",
  input: RoomRequestSchema,
  handler: ({ caller, data }) => rooms.getRoom(caller, data),
});

export const listRooms = defineCallable({
  name: "rooms.listRooms",
  input: ListRoomsRequestSchema,
  handler: ({ caller, data }) => rooms.listRooms(caller, data),
});

export const listRoomActivity = defineCallable({
  name: "rooms.listRoomActivity",
  input: ListRoomActivityRequestSchema,
  handler: ({ caller, data }) => activity.listRoomActivity(caller, data),
});

// Entry

export const enterRoom = defineCallable({
  name: "rooms.enterRoom",
  input: EnterRoomRequestSchema,
  rateLimit: { perUid: { tokens: 30, windowSeconds: 60 } },
  options: MEDIA,
  handler: ({ caller, data }) => entry.enterRoom(caller, data),
});

export const leaveRoom = defineCallable({
  name: "rooms.leaveRoom",
  input: RoomRequestSchema,
  options: MEDIA,
  handler: ({ caller, data }) => entry.leaveRoom(caller, data),
});

export const getRoomMediaToken = defineCallable({
  name: "rooms.getRoomMediaToken",
  input: RoomRequestSchema,
  rateLimit: SEAT_LIMIT,
  options: MEDIA,
  handler: ({ caller, data }) => entry.getRoomMediaToken(caller, data),
});

// Moderation

export const kickFromRoom = defineCallable({
  name: "rooms.kickFromRoom",
  input: KickFromRoomRequestSchema,
  rateLimit: SEAT_LIMIT,
  options: MEDIA,
  handler: ({ caller, data }) => moderation.kickFromRoom(caller, data),
});

export const unbanFromRoom = defineCallable({
  name: "rooms.unbanFromRoom",
  input: TargetUserRequestSchema,
  rateLimit: SEAT_LIMIT,
  handler: ({ caller, data }) => moderation.unbanFromRoom(caller, data),
});

// Seats

export const takeSeat = defineCallable({
  name: "rooms.takeSeat",
  input: TakeSeatRequestSchema,
  rateLimit: SEAT_LIMIT,
  handler: ({ caller, data }) => seats.takeSeat(caller, data),
});

export const leaveSeat = defineCallable({
  name: "rooms.leaveSeat",
  input: RoomRequestSchema,
  rateLimit: SEAT_LIMIT,
  options: MEDIA,
  handler: ({ caller, data }) => seats.leaveSeat(caller, data),
});

export const moveSeat = defineCallable({
  name: "rooms.moveSeat",
  input: SeatIndexRequestSchema,
  rateLimit: SEAT_LIMIT,
  handler: ({ caller, data }) => seats.moveSeat(caller, data),
});

export const lockSeat = defineCallable({
  name: "rooms.lockSeat",
  input: SeatIndexRequestSchema,
  rateLimit: SEAT_LIMIT,
  handler: ({ caller, data }) => seats.lockSeat(caller, data),
});

export const unlockSeat = defineCallable({
  name: "rooms.unlockSeat",
  input: SeatIndexRequestSchema,
  rateLimit: SEAT_LIMIT,
  handler: ({ caller, data }) => seats.unlockSeat(caller, data),
});

export const inviteToSeat = defineCallable({
  name: "rooms.inviteToSeat",
  input: InviteToSeatRequestSchema,
  rateLimit: SEAT_LIMIT,
  handler: ({ caller, data }) => seats.inviteToSeat(caller, data),
});

export const respondToSeatInvite = defineCallable({
  name: "rooms.respondToSeatInvite",
  input: RespondToSeatInviteRequestSchema,
  rateLimit: SEAT_LIMIT,
  handler: ({ caller, data }) => seats.respondToSeatInvite(caller, data),
});

export const kickFromSeat = defineCallable({
  name: "rooms.kickFromSeat",
  input: TargetUserRequestSchema,
  rateLimit: SEAT_LIMIT,
  options: MEDIA,
  handler: ({ caller, data }) => seats.kickFromSeat(caller, data),
});

export const muteMic = defineCallable({
  name: "rooms.muteMic",
  input: MicRequestSchema,
  rateLimit: SEAT_LIMIT,
  options: MEDIA,
  handler: ({ caller, data }) => seats.muteMic(caller, data),
});

export const unmuteMic = defineCallable({
  name: "rooms.unmuteMic",
  input: MicRequestSchema,
  rateLimit: SEAT_LIMIT,
  handler: ({ caller, data }) => seats.unmuteMic(caller, data),
});
