/**
 * The room record (Firestore rooms/{roomId}, the source of truth for settings), who may do what in a
 * room, and its realtime mirror (RTDB rooms/{roomId}/state, what the apps render).
 */
import type { DocumentReference, DocumentSnapshot } from "firebase-admin/firestore";
import { db, rtdb } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fail, refuse } from "../kernel/errors.js";
import { isoOf, millisOf } from "../kernel/fields.js";
import type { Caller } from "../kernel/guards.js";
import { isStaff } from "../kernel/roles.js";
import { type Venue, VenuePaths } from "../venues/paths.js";
import type { LockMode, RoomMemberRole, RoomRefusal, RoomStatus, RoomView } from "./schema.js";

/** rooms/{roomId} as stored. */
export interface RoomRecord {
  id: string;
  ownerUid: string;
  name: string;
  topic: string;
  seatCount: number;
  lockMode: LockMode;
  entryFeeCoins: number | null;
  vipMinTier: number | null;
  admins: string[];
  announcement: { text: string; byUid: string; at: unknown } | null;
  country: string | null;
  language: string | null;
  status: RoomStatus;
  level: number;
  giftCoins: number;
  memberCount: number;
  /** Bumped by every settings change; the RTDB mirror never goes back to an older version. */
  version: number;
  createdAt: unknown;
}

export const roomVenue = (roomId: string): Venue => ({ type: "room", id: roomId });
export const roomRef = (roomId: string): DocumentReference => db().collection(Collections.rooms).doc(roomId);
export const roomLockRef = (roomId: string): DocumentReference => roomRef(roomId).collection(Collections.roomPrivate).doc("lock");
export const roomOwnerRef = (uid: string): DocumentReference => db().collection(Collections.roomOwners).doc(uid);

const num = (value: unknown, fallback = 0) => (typeof value === "number" && Number.isFinite(value) ? value : fallback);
const str = (value: unknown) => (typeof value === "string" ? value : null);

export function roomFromSnapshot(snapshot: DocumentSnapshot): RoomRecord | null {
  if (!snapshot.exists) return null;
  const d = snapshot.data() ?? {};
  const announcement = d.announcement as RoomRecord["announcement"] | undefined;
  return {
    id: snapshot.id,
    ownerUid: String(d.ownerUid),
    name: String(d.name ?? ""),
    topic: String(d.topic ?? ""),
    seatCount: num(d.seatCount, 8),
    lockMode: (d.lockMode as LockMode) ?? "open",
    entryFeeCoins: typeof d.entryFeeCoins === "number" ? d.entryFeeCoins : null,
    vipMinTier: typeof d.vipMinTier === "number" ? d.vipMinTier : null,
    admins: Array.isArray(d.admins) ? d.admins.filter((a): a is string => typeof a === "string") : [],
    announcement: announcement && typeof announcement.text === "string" ? announcement : null,
    country: str(d.country),
    language: str(d.language),
    status: d.status === "closed" ? "closed" : "open",
    level: num(d.level, 1),
    giftCoins: num(d.giftCoins),
    memberCount: num(d.memberCount),
    version: num(d.version),
    createdAt: d.createdAt,
  };
}

export async function loadRoom(roomId: string): Promise<RoomRecord> {
  return roomFromSnapshot(await roomRef(roomId).get()) ?? fail("not-found", "No such room.");
}

export function requireOpen(room: RoomRecord): RoomRecord {
  if (room.status !== "open") refuse<RoomRefusal>("failed-precondition", "room-closed", "This room is closed.");
  return room;
}

export async function loadOpenRoom(roomId: string): Promise<RoomRecord> {
  return requireOpen(await loadRoom(roomId));
}

export function roomView(room: RoomRecord): RoomView {
  return {
    id: room.id,
    ownerUid: room.ownerUid,
    name: room.name,
    topic: room.topic,
    seatCount: room.seatCount,
    lockMode: room.lockMode,
    entryFeeCoins: room.entryFeeCoins,
    vipMinTier: room.vipMinTier,
    admins: room.admins,
    announcement: room.announcement ? { text: room.announcement.text, byUid: room.announcement.byUid, at: isoOf(room.announcement.at) ?? "" } : null,
    country: room.country,
    language: room.language,
    status: room.status,
    level: room.level,
    giftCoins: room.giftCoins,
    memberCount: room.memberCount,
    createdAt: isoOf(room.createdAt),
  };
}

// ---------------------------------------------------------------------------------------------------
// Authority
// ---------------------------------------------------------------------------------------------------

/** owner > staff (platform moderators and admins: any room) > room admin > none. */
export type RoomAuthority = "owner" | "staff" | "admin" | "none";

export function authorityOf(room: RoomRecord, caller: Pick<Caller, "uid" | "roles">): RoomAuthority {
  if (room.ownerUid === caller.uid) return "owner";
  if (isStaff(caller.roles)) return "staff";
  if (room.admins.includes(caller.uid)) return "admin";
  return "none";
}

/** The owner, a room admin or staff. */
export function requireRoomModerator(room: RoomRecord, caller: Pick<Caller, "uid" | "roles">): RoomAuthority {
  const authority = authorityOf(room, caller);
  if (authority === "none") fail("permission-denied", "Only the room's owner or admins may do this.");
  return authority;
}

/** The owner or staff (granting admins, closing the room). */
export function requireRoomOwner(room: RoomRecord, caller: Pick<Caller, "uid" | "roles">): RoomAuthority {
  const authority = authorityOf(room, caller);
  if (authority !== "owner" && authority !== "staff") fail("permission-denied", "Only the room's owner may do this.");
  return authority;
}

/**
 * May `authority` act on `targetUid` (kick, ban, mute)? Nobody acts on the owner but staff; room admins
 * do not act on each other (the owner and staff do).
 */
export function requireAuthorityOver(room: RoomRecord, authority: RoomAuthority, targetUid: string): void {
  if (targetUid === room.ownerUid && authority !== "staff") fail("permission-denied", "The room's owner cannot be moderated here.");
  if (authority === "admin" && room.admins.includes(targetUid)) fail("permission-denied", "Room admins cannot moderate each other.");
}

export function memberRoleOf(room: RoomRecord, caller: Pick<Caller, "uid" | "roles">): RoomMemberRole {
  const authority = authorityOf(room, caller);
  return authority === "staff" ? "moderator" : authority === "none" ? "member" : authority;
}

// ---------------------------------------------------------------------------------------------------
// Realtime mirror
// ---------------------------------------------------------------------------------------------------

/** RTDB rooms/{roomId}/state: what every client of the room renders (no nulls: RTDB drops them). */
export function realtimeState(room: RoomRecord): Record<string, unknown> {
  const state: Record<string, unknown> = {
    name: room.name,
    topic: room.topic,
    ownerUid: room.ownerUid,
    lockMode: room.lockMode,
    seatCount: room.seatCount,
    level: room.level,
    status: room.status,
    version: room.version,
  };
  if (room.admins.length) state.admins = Object.fromEntries(room.admins.map((uid) => [uid, true]));
  if (room.entryFeeCoins !== null) state.entryFeeCoins = room.entryFeeCoins;
  if (room.vipMinTier !== null) state.vipMinTier = room.vipMinTier;
  if (room.announcement) {
    state.announcement = { text: room.announcement.text, by: room.announcement.byUid, at: millisOf(room.announcement.at) ?? Date.now() };
  }
  return state;
}

/**
 * Mirrors rooms/{roomId} into RTDB state. Concurrent syncs may finish in any order: the version guard
 * keeps the newest (a transaction, so the check and the write are one step on the server).
 */
export async function syncRoomState(roomId: string, known?: RoomRecord): Promise<void> {
  const room = known ?? (await loadRoom(roomId));
  const state = realtimeState(room);
  await rtdb()
    .ref(VenuePaths.roomState(roomId))
    .transaction(
      (current: { version?: unknown } | null) => {
        if (current && typeof current.version === "number" && current.version > room.version) return current;
        return state;
      },
      undefined,
      false,
    );
}

// ---------------------------------------------------------------------------------------------------
// Membership (RTDB members/{venueKey}/{uid})
// ---------------------------------------------------------------------------------------------------

export async function memberRecord(roomId: string, uid: string): Promise<{ role?: string } | null> {
  const snapshot = await rtdb()
    .ref(VenuePaths.member(roomVenue(roomId), uid))
    .get();
  return snapshot.exists() ? (snapshot.val() as { role?: string }) : null;
}

export async function requireMember(roomId: string, uid: string): Promise<void> {
  if (!(await memberRecord(roomId, uid))) refuse<RoomRefusal>("failed-precondition", "not-a-member", "Enter the room first.");
}

/** RTDB bans/{venueKey}/{uid} = untilMs; active while in the future. */
export async function activeRoomBanUntil(roomId: string, uid: string, nowMs = Date.now()): Promise<number | null> {
  const until = (
    await rtdb()
      .ref(VenuePaths.banOf(roomVenue(roomId), uid))
      .get()
  ).val();
  return typeof until === "number" && until > nowMs ? until : null;
}
