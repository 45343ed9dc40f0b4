/**
 * Seats: RTDB rooms/{roomId}/seats/{index} = { uid?, locked, micMuted, mutedBy?, at? }.
 *
 * Every change is one RTDB transaction over the whole seats node of the room (at most 15 small
 * children): the server applies it only if the node is unchanged since the function computed it, so
 * two users can never hold one seat and one user never holds two. Each change is a pure plan over the
 * seat list (tested on its own); refusals are also confirmed against the server's current value (the
 * transaction writes the node back unchanged) rather than decided on a possibly stale local copy.
 *
 * Mic mutes by the owner or a room admin are also recorded per user at rooms/{roomId}/micMutes/{uid}, so
 * leaving and retaking a seat does not lift them; the muted user cannot unmute themself.
 */
import type { Database } from "firebase-admin/database";
import { rtdb } from "../kernel/app.js";
import { type ErrorCode, fail, refuse } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { demoteMediaPublisher } from "../media/sessions.js";
import { displayNameOf, notifyAfterCommit } from "../notifications/after-commit.js";
import { RoomPaths, VenuePaths } from "../venues/paths.js";
import { recordActivity } from "./activity.js";
import { roomsConfig } from "./config.js";
import type {
  InviteToSeatRequest,
  MicRequest,
  RespondToSeatInviteRequest,
  RoomRefusal,
  RoomRequest,
  Seat,
  SeatIndexRequest,
  SeatResponse,
  TakeSeatRequest,
  TargetUserRequest,
} from "./schema.js";
import { loadOpenRoom, memberRecord, type RoomRecord, requireAuthorityOver, requireMember, requireRoomModerator, roomVenue } from "./store.js";

// ---------------------------------------------------------------------------------------------------
// Pure seat plans
// ---------------------------------------------------------------------------------------------------

export interface SeatRefusal {
  code: ErrorCode;
  message: string;
  reason: RoomRefusal;
}

/** A plan either changes the seats (seats given) or not, and has an outcome; or it refuses. */
export type SeatPlan<T> = { seats?: Seat[]; outcome: T } | { refusal: SeatRefusal };

const refusal = (code: ErrorCode, message: string, reason: RoomRefusal): { refusal: SeatRefusal } => ({ refusal: { code, message, reason } });

/** RTDB returns dense numeric keys as an array, sparse ones as an object: both become a list. */
export function normalizeSeats(raw: unknown): Seat[] {
  const entries: [number, unknown][] = Array.isArray(raw)
    ? raw.map((value, i) => [i, value])
    : Object.entries((raw ?? {}) as Record<string, unknown>)
        .filter(([key]) => /^\d+$/.test(key))
        .map(([key, value]) => [Number(key), value]);
  const length = entries.reduce((max, [i]) => Math.max(max, i + 1), 0);
  const seats: Seat[] = Array.from({ length }, () => ({ locked: false, micMuted: false }));
  for (const [i, value] of entries) {
    const v = (value ?? {}) as Record<string, unknown>;
    const seat: Seat = { locked: v.locked === true, micMuted: v.micMuted === true };
    if (typeof v.uid === "string" && v.uid) seat.uid = v.uid;
    if (v.mutedBy === "self" || v.mutedBy === "admin") seat.mutedBy = v.mutedBy;
    if (typeof v.at === "number") seat.at = v.at;
    seats[i] = seat;
  }
  return seats;
}

/** RTDB refuses undefined values: only set fields are written. */
function serializeSeats(seats: Seat[]): Record<string, unknown>[] {
  return seats.map((seat) => Object.fromEntries(Object.entries(seat).filter(([, value]) => value !== undefined)));
}

export const freeSeat = (seat: Seat): Seat => ({ locked: seat.locked, micMuted: false });

export function seatOf(seats: Seat[], uid: string): number {
  return seats.findIndex((seat) => seat.uid === uid);
}

export interface TakeOptions {
  index?: number;
  /** A seat invitation may seat the invitee on a locked seat. */
  allowLocked?: boolean;
  /** An invitation whose seat was taken meanwhile falls back to any free unlocked seat. */
  fallbackToAnyFree?: boolean;
  adminMuted: boolean;
  nowMs: number;
}

export function planTake(seats: Seat[], uid: string, options: TakeOptions): SeatPlan<{ index: number; already: boolean }> {
  const current = seatOf(seats, uid);
  if (current >= 0) {
    if (options.index === undefined || options.index === current || options.fallbackToAnyFree) return { outcome: { index: current, already: true } };
    return refusal("failed-precondition", `You are on seat ${current}; use moveSeat to change seats.`, "already-seated");
  }
  let target = -1;
  if (options.index !== undefined) {
    const seat = seats[options.index];
    if (!seat) {
      if (!options.fallbackToAnyFree) return refusal("failed-precondition", "This room has no such seat.", "no-such-seat");
    } else if (seat.uid) {
      if (!options.fallbackToAnyFree) return refusal("failed-precondition", "This seat is taken.", "seat-taken");
    } else if (seat.locked && !options.allowLocked) {
      return refusal("failed-precondition", "This seat is locked.", "seat-locked");
    } else {
      target = options.index;
    }
  }
  if (target < 0) target = seats.findIndex((seat) => !seat.uid && !seat.locked);
  if (target < 0) return refusal("resource-exhausted", "No free seat.", "no-free-seat");
  const next = seats.slice();
  const taken: Seat = { ...freeSeat(seats[target] as Seat), uid, at: options.nowMs };
  if (options.adminMuted) Object.assign(taken, { micMuted: true, mutedBy: "admin" });
  next[target] = taken;
  return { seats: next, outcome: { index: target, already: false } };
}

/** Frees every seat `uid` holds (normally one); outcome: the first freed index and the count. */
export function planVacate(seats: Seat[], uid: string): SeatPlan<{ index: number | null; freed: number }> {
  let first: number | null = null;
  let freed = 0;
  const next = seats.map((seat, i) => {
    if (seat.uid !== uid) return seat;
    first ??= i;
    freed++;
    return freeSeat(seat);
  });
  return freed ? { seats: next, outcome: { index: first, freed } } : { outcome: { index: null, freed: 0 } };
}

export function planMove(seats: Seat[], uid: string, index: number): SeatPlan<{ from: number; to: number }> {
  const from = seatOf(seats, uid);
  if (from < 0) return refusal("failed-precondition", "You are not on a seat.", "not-seated");
  if (from === index) return { outcome: { from, to: index } };
  const target = seats[index];
  if (!target) return refusal("failed-precondition", "This room has no such seat.", "no-such-seat");
  if (target.uid) return refusal("failed-precondition", "This seat is taken.", "seat-taken");
  if (target.locked) return refusal("failed-precondition", "This seat is locked.", "seat-locked");
  const source = seats[from] as Seat;
  const next = seats.slice();
  next[index] = { ...source, locked: target.locked };
  next[from] = freeSeat(source);
  return { seats: next, outcome: { from, to: index } };
}

export function planLock(seats: Seat[], index: number, locked: boolean): SeatPlan<{ index: number }> {
  const seat = seats[index];
  if (!seat) return refusal("failed-precondition", "This room has no such seat.", "no-such-seat");
  if (seat.locked === locked) return { outcome: { index } };
  const next = seats.slice();
  // Locking keeps the current occupant; nobody else can take the seat once it is free.
  next[index] = { ...seat, locked };
  return { seats: next, outcome: { index } };
}

export function planMic(seats: Seat[], uid: string, muted: boolean, by: "self" | "admin"): SeatPlan<{ index: number | null }> {
  const index = seatOf(seats, uid);
  if (index < 0) {
    // An admin's mute also applies to a user not seated now (recorded in micMutes).
    if (by === "admin") return { outcome: { index: null } };
    return refusal("failed-precondition", "You are not on a seat.", "not-seated");
  }
  const seat = seats[index] as Seat;
  if (by === "self" && !muted && seat.mutedBy === "admin") {
    return refusal("permission-denied", "Your mic was muted by the room's owner or an admin.", "muted-by-admin");
  }
  const next = seats.slice();
  const updated: Seat = { ...seat, micMuted: muted };
  delete updated.mutedBy;
  if (muted) updated.mutedBy = by === "admin" || seat.mutedBy === "admin" ? "admin" : "self";
  next[index] = updated;
  return { seats: next, outcome: { index } };
}

export interface ResizeOutcome {
  moved: { uid: string; from: number; to: number }[];
  unseated: string[];
}

/**
 * Grows with free seats, or shrinks: occupants of removed seats move to free unlocked seats that
 * remain (lowest first, in seat order), and leave the seats only when none is left.
 */
export function planResize(seats: Seat[], count: number): SeatPlan<ResizeOutcome> {
  const outcome: ResizeOutcome = { moved: [], unseated: [] };
  if (seats.length === count) return { outcome };
  if (seats.length < count) {
    return { seats: [...seats, ...Array.from({ length: count - seats.length }, () => ({ locked: false, micMuted: false }))], outcome };
  }
  const next = seats.slice(0, count);
  for (let from = count; from < seats.length; from++) {
    const seat = seats[from] as Seat;
    if (!seat.uid) continue;
    const to = next.findIndex((s) => !s.uid && !s.locked);
    if (to < 0) {
      outcome.unseated.push(seat.uid);
      continue;
    }
    next[to] = { ...seat, locked: false };
    outcome.moved.push({ uid: seat.uid, from, to });
  }
  return { seats: next, outcome };
}

// ---------------------------------------------------------------------------------------------------
// The transaction
// ---------------------------------------------------------------------------------------------------

const seatsRef = (roomId: string, database: Database = rtdb()) => database.ref(VenuePaths.roomSeats(roomId));

export interface ApplySeatPlanOptions {
  /** "null": a room without a seats node (closed, unknown) yields null instead of failed-precondition. */
  ifMissing?: "fail" | "null";
  /** Another connection to the database (tests race separate connections, as separate instances do). */
  database?: Database;
}

/**
 * Applies `plan` to the room's seats atomically: the one way seats change. Throws the plan's refusal
 * as an HttpsError.
 */
export async function applySeatPlan<T>(roomId: string, plan: (seats: Seat[]) => SeatPlan<T>, options: ApplySeatPlanOptions = {}): Promise<T | null> {
  let decided: SeatPlan<T> | undefined;
  let result: { committed: boolean; snapshot: { val(): unknown } };
  try {
    result = await seatsRef(roomId, options.database).transaction(
      (current: unknown) => {
        // The SDK's first guess is often null (nothing cached): answering null lets the server correct it.
        if (current === null || current === undefined) {
          decided = undefined;
          return null;
        }
        decided = plan(normalizeSeats(current));
        return "seats" in decided && decided.seats ? serializeSeats(decided.seats) : current;
      },
      undefined,
      false,
    );
  } catch (err) {
    log.warn("seat transaction failed", { roomId, error: String(err) });
    return fail("aborted", "The room is busy, please retry.");
  }
  if (!result.committed || !decided) {
    if (options.ifMissing === "null") return null;
    return refuse<RoomRefusal>("failed-precondition", "no-seats", "This room has no seats (it is closed or unknown).");
  }
  if ("refusal" in decided) return refuse<RoomRefusal>(decided.refusal.code, decided.refusal.reason, decided.refusal.message);
  return decided.outcome;
}

/** Creates the seats of a new room (a second call changes nothing). */
export async function initSeats(roomId: string, count: number): Promise<void> {
  await seatsRef(roomId).transaction(
    (current: unknown) => current ?? Array.from({ length: count }, () => ({ locked: false, micMuted: false })),
    undefined,
    false,
  );
}

export async function resizeSeats(roomId: string, count: number): Promise<ResizeOutcome> {
  return (await applySeatPlan(roomId, (seats) => planResize(seats, count))) as ResizeOutcome;
}

export async function readSeats(roomId: string): Promise<Seat[]> {
  return normalizeSeats((await seatsRef(roomId).get()).val());
}

async function micMutedByAdmin(roomId: string, uid: string): Promise<boolean> {
  return (await rtdb().ref(RoomPaths.micMuteOf(roomId, uid)).get()).exists();
}

/**
 * Seats `uid`, then repairs the two races a transaction on the seats alone cannot see: the user left
 * the room meanwhile (their seat is released again), or an admin muted them meanwhile (applied now).
 */
async function seatMember(roomId: string, uid: string, options: Omit<TakeOptions, "adminMuted" | "nowMs">) {
  const adminMuted = await micMutedByAdmin(roomId, uid);
  const taken = (await applySeatPlan(roomId, (seats) => planTake(seats, uid, { ...options, adminMuted, nowMs: Date.now() }))) as {
    index: number;
    already: boolean;
  };
  if (!(await memberRecord(roomId, uid))) {
    await releaseSeatsOf(roomId, uid, "left");
    refuse<RoomRefusal>("failed-precondition", "not-a-member", "Enter the room first.");
  }
  if (!adminMuted && (await micMutedByAdmin(roomId, uid))) await applySeatPlan(roomId, (seats) => planMic(seats, uid, true, "admin"));
  return taken;
}

// ---------------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------------

export async function takeSeat(caller: Caller, request: TakeSeatRequest): Promise<SeatResponse> {
  await loadOpenRoom(request.roomId);
  await requireMember(request.roomId, caller.uid);
  const taken = await seatMember(request.roomId, caller.uid, { index: request.index });
  if (!taken.already) await recordActivity(request.roomId, { type: "seat.taken", actorUid: caller.uid, details: { index: taken.index } });
  return { roomId: request.roomId, index: taken.index };
}

export async function leaveSeat(caller: Caller, request: RoomRequest): Promise<SeatResponse> {
  const left = await applySeatPlan(request.roomId, (seats) => planVacate(seats, caller.uid), { ifMissing: "null" });
  if (left && left.index !== null) {
    await recordActivity(request.roomId, { type: "seat.left", actorUid: caller.uid, details: { index: left.index } });
    // Publish rights go with the seat (a joined session keeps its token's rights otherwise).
    await demoteMediaPublisher(roomVenue(request.roomId), caller.uid);
  }
  return { roomId: request.roomId, index: null };
}

export async function moveSeat(caller: Caller, request: SeatIndexRequest): Promise<SeatResponse> {
  await loadOpenRoom(request.roomId);
  await requireMember(request.roomId, caller.uid);
  const moved = (await applySeatPlan(request.roomId, (seats) => planMove(seats, caller.uid, request.index))) as { from: number; to: number };
  if (moved.from !== moved.to) await recordActivity(request.roomId, { type: "seat.moved", actorUid: caller.uid, details: moved });
  return { roomId: request.roomId, index: moved.to };
}

async function setSeatLock(caller: Caller, request: SeatIndexRequest, locked: boolean): Promise<SeatResponse> {
  requireRoomModerator(await loadOpenRoom(request.roomId), caller);
  await applySeatPlan(request.roomId, (seats) => planLock(seats, request.index, locked));
  await recordActivity(request.roomId, { type: locked ? "seat.locked" : "seat.unlocked", actorUid: caller.uid, details: { index: request.index } });
  return { roomId: request.roomId, index: request.index };
}

export const lockSeat = (caller: Caller, request: SeatIndexRequest) => setSeatLock(caller, request, true);
export const unlockSeat = (caller: Caller, request: SeatIndexRequest) => setSeatLock(caller, request, false);

export async function kickFromSeat(caller: Caller, request: TargetUserRequest): Promise<SeatResponse> {
  const room = await loadOpenRoom(request.roomId);
  requireAuthorityOver(room, requireRoomModerator(room, caller), request.uid);
  const kicked = await applySeatPlan(request.roomId, (seats) => planVacate(seats, request.uid));
  if (kicked && kicked.index !== null) {
    await recordActivity(request.roomId, { type: "seat.kicked", actorUid: caller.uid, targetUid: request.uid, details: { index: kicked.index } });
  }
  // Also when no seat was freed (a retry): a joined session may still publish.
  await demoteMediaPublisher(roomVenue(request.roomId), request.uid);
  return { roomId: request.roomId, index: null };
}

export interface SeatInvite {
  index?: number;
  by: string;
  at: number;
  expiresAt: number;
}

/**
 * An invitation the invitee accepts or declines (respondToSeatInvite); a new one (another inviter or
 * seat, or after expiry) replaces the old.
 */
export async function inviteToSeat(caller: Caller, request: InviteToSeatRequest): Promise<{ roomId: string; uid: string; expiresAt: string }> {
  const room = await loadOpenRoom(request.roomId);
  requireRoomModerator(room, caller);
  if (request.index !== undefined && request.index >= room.seatCount)
    refuse<RoomRefusal>("failed-precondition", "no-such-seat", "This room has no such seat.");
  await requireMember(request.roomId, request.uid);
  if (seatOf(await readSeats(request.roomId), request.uid) >= 0)
    refuse<RoomRefusal>("failed-precondition", "already-seated", "This user is already on a seat.");
  const config = await roomsConfig();
  const now = Date.now();
  const inviteRef = rtdb().ref(RoomPaths.inviteOf(request.roomId, request.uid));
  const standing = (await inviteRef.get()).val() as SeatInvite | null;
  let invite: SeatInvite;
  if (standing && standing.by === caller.uid && standing.index === request.index && standing.expiresAt > now) {
    // The same invitation again (a retry): it stands as it is, and the invitee hears of it once.
    invite = standing;
  } else {
    invite = { by: caller.uid, at: now, expiresAt: now + config.seatInviteSeconds * 1000 };
    if (request.index !== undefined) invite.index = request.index;
    await inviteRef.set(invite);
    await recordActivity(request.roomId, {
      type: "seat.invited",
      actorUid: caller.uid,
      targetUid: request.uid,
      details: { index: request.index ?? null },
    });
  }
  await notifyAfterCommit(async () => ({
    recipient: request.uid,
    type: "seat-invite",
    actorUid: caller.uid,
    data: {
      roomId: request.roomId,
      roomName: room.name,
      inviterUid: caller.uid,
      inviterName: await displayNameOf(caller.uid),
      ...(invite.index !== undefined ? { seatIndex: invite.index } : {}),
      expiresAt: new Date(invite.expiresAt).toISOString(),
    },
    dedupeKey: `${request.roomId}:${invite.at}`,
  }));
  return { roomId: request.roomId, uid: request.uid, expiresAt: new Date(invite.expiresAt).toISOString() };
}

export async function respondToSeatInvite(caller: Caller, request: RespondToSeatInviteRequest): Promise<SeatResponse> {
  const inviteRef = rtdb().ref(RoomPaths.inviteOf(request.roomId, caller.uid));
  const invite = (await inviteRef.get()).val() as SeatInvite | null;
  if (!invite || typeof invite.expiresAt !== "number" || invite.expiresAt <= Date.now()) {
    if (invite) await inviteRef.remove();
    return refuse<RoomRefusal>("failed-precondition", "no-invitation", "No pending seat invitation.");
  }
  if (!request.accept) {
    await inviteRef.remove();
    await recordActivity(request.roomId, { type: "seat.inviteDeclined", actorUid: caller.uid, targetUid: invite.by });
    return { roomId: request.roomId, index: null };
  }
  await loadOpenRoom(request.roomId);
  await requireMember(request.roomId, caller.uid);
  const taken = await seatMember(request.roomId, caller.uid, { index: invite.index, allowLocked: true, fallbackToAnyFree: true });
  await inviteRef.remove();
  await recordActivity(request.roomId, { type: "seat.inviteAccepted", actorUid: caller.uid, targetUid: invite.by, details: { index: taken.index } });
  return { roomId: request.roomId, index: taken.index };
}

async function setMic(caller: Caller, request: MicRequest, muted: boolean): Promise<SeatResponse> {
  const target = request.uid ?? caller.uid;
  if (target === caller.uid) {
    if (!muted && (await micMutedByAdmin(request.roomId, target))) {
      refuse<RoomRefusal>("permission-denied", "muted-by-admin", "Your mic was muted by the room's owner or an admin.");
    }
    const changed = (await applySeatPlan(request.roomId, (seats) => planMic(seats, target, muted, "self"))) as { index: number | null };
    return { roomId: request.roomId, index: changed.index };
  }
  const room: RoomRecord = await loadOpenRoom(request.roomId);
  requireAuthorityOver(room, requireRoomModerator(room, caller), target);
  // The per-user record first: a seat taken concurrently then sees it (see seatMember).
  const muteRef = rtdb().ref(RoomPaths.micMuteOf(request.roomId, target));
  if (muted) await muteRef.set({ by: caller.uid, at: Date.now() });
  else await muteRef.remove();
  const changed = (await applySeatPlan(request.roomId, (seats) => planMic(seats, target, muted, "admin"))) as { index: number | null };
  await recordActivity(request.roomId, {
    type: muted ? "mic.muted" : "mic.unmuted",
    actorUid: caller.uid,
    targetUid: target,
    details: { index: changed.index },
  });
  // An admin mute takes publish rights from a joined session; an unmute gives them back only through a
  // fresh token (getRoomMediaToken), which the app fetches.
  if (muted) await demoteMediaPublisher(roomVenue(request.roomId), target);
  return { roomId: request.roomId, index: changed.index };
}

export const muteMic = (caller: Caller, request: MicRequest) => setMic(caller, request, true);
export const unmuteMic = (caller: Caller, request: MicRequest) => setMic(caller, request, false);

/**
 * Frees every seat `uid` holds in the room and drops their seat invitation; the number of seats freed.
 * Called on leave, kick, ban and by the presence sweep (venues/membership.ts removeFromVenue); a room
 * without seats (closed, unknown) frees nothing.
 */
export async function releaseSeatsOf(roomId: string, uid: string, reason: string): Promise<number> {
  const released = await applySeatPlan(roomId, (seats) => planVacate(seats, uid), { ifMissing: "null" });
  await rtdb().ref(RoomPaths.inviteOf(roomId, uid)).remove();
  if (released?.freed) {
    await recordActivity(roomId, { type: "seat.released", actorUid: "system", targetUid: uid, details: { index: released.index, reason } });
  }
  return released?.freed ?? 0;
}

/** The seat `uid` holds now and whether an admin muted them (publish rights of the media token). */
export async function seatStateOf(roomId: string, uid: string): Promise<{ index: number | null; adminMuted: boolean }> {
  const [seats, adminMuted] = await Promise.all([readSeats(roomId), micMutedByAdmin(roomId, uid)]);
  const index = seatOf(seats, uid);
  return { index: index >= 0 ? index : null, adminMuted };
}
