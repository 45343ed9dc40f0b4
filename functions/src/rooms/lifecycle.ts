/**
 * Room lifecycle and settings: create, update, admins, announcement, close, read and discovery.
 *
 * Any signed-in user may own rooms, up to config/rooms.maxRoomsPerOwner open at once; the cap is held
 * by roomOwners/{uid}.openRoomIds, read and written in the creating transaction, so concurrent creates
 * cannot pass it. Settings live in Firestore (rooms/{id}); every change bumps `version` and is mirrored
 * to RTDB rooms/{id}/state (store.ts syncRoomState). Seats are created and resized in RTDB (seats.ts).
 */
import type { Query } from "firebase-admin/firestore";
import { db, firestoreValues, rtdb } from "../kernel/app.js";
import { recordAudit } from "../kernel/audit.js";
import { Collections, userRef } from "../kernel/collections.js";
import { fail, refuse } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { runIdempotent } from "../kernel/idempotency.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";
import { closeMediaRoom, demoteMediaPublisher } from "../media/sessions.js";
import { blockedAmong } from "../social/store.js";
import { hashVenuePassword } from "../venues/password.js";
import { RoomPaths, VenuePaths } from "../venues/paths.js";
import { recordActivity } from "./activity.js";
import { roomsConfig } from "./config.js";
import { roomLevelFor, unfoldedGiftCoins } from "./level.js";
import type {
  CreateRoomRequest,
  CreateRoomResponse,
  ListRoomsRequest,
  ListRoomsResponse,
  RoomLock,
  RoomRefusal,
  RoomRequest,
  RoomsConfig,
  RoomView,
  SetAnnouncementRequest,
  SetRoomAdminRequest,
  UpdateRoomRequest,
  UpdateRoomResponse,
} from "./schema.js";
import { initSeats, resizeSeats } from "./seats.js";
import {
  loadOpenRoom,
  loadRoom,
  memberRecord,
  type RoomRecord,
  requireOpen,
  requireRoomModerator,
  requireRoomOwner,
  roomFromSnapshot,
  roomLockRef,
  roomOwnerRef,
  roomRef,
  roomVenue,
  roomView,
  syncRoomState,
} from "./store.js";

function checkFee(lock: RoomLock | undefined, config: RoomsConfig): void {
  if (lock?.mode === "paid" && lock.feeCoins > config.maxEntryFeeCoins) {
    fail("invalid-argument", `The entry fee may be at most ${config.maxEntryFeeCoins} coins.`, {
      issues: [{ path: "lock.feeCoins", message: `at most ${config.maxEntryFeeCoins}`, code: "too_big" }],
    });
  }
}

/** The stored fields of a lock (the password itself never: only its hash, elsewhere). */
function lockFields(lock: RoomLock): Pick<RoomRecord, "lockMode" | "entryFeeCoins" | "vipMinTier"> {
  return {
    lockMode: lock.mode,
    entryFeeCoins: lock.mode === "paid" ? lock.feeCoins : null,
    vipMinTier: lock.mode === "vipOnly" ? lock.minTier : null,
  };
}

/** RTDB state and seats of an open room (both idempotent: a retried create heals a partial one). */
async function initRealtime(room: RoomRecord): Promise<void> {
  await initSeats(room.id, room.seatCount);
  await syncRoomState(room.id, room);
}

export async function createRoom(caller: Caller, request: CreateRoomRequest): Promise<CreateRoomResponse> {
  const config = await roomsConfig();
  checkFee(request.lock, config);
  const profile = await userRef(caller.uid).get();
  if (profile.get("deleted") === true) fail("permission-denied", "This account was deleted.");
  const passwordHash = request.lock.mode === "password" ? await hashVenuePassword(request.lock.password) : null;
  const { requestId, ...rest } = request;
  // The password is left out of the stored fingerprint (a plain hash of it would be guessable).
  const payload = { ...rest, lock: request.lock.mode === "password" ? { mode: "password" } : request.lock };
  const country = request.country ?? (typeof profile.get("country") === "string" ? (profile.get("country") as string) : null);
  const { FieldValue } = firestoreValues();

  const { result: roomId, replayed } = await runIdempotent({ scope: "rooms.create", key: requestId, owner: caller.uid, payload }, async (tx) => {
    const ownerSnap = await tx.get(roomOwnerRef(caller.uid));
    const open = (ownerSnap.get("openRoomIds") as string[] | undefined) ?? [];
    if (open.length >= config.maxRoomsPerOwner) {
      refuse<RoomRefusal>("failed-precondition", "room-limit", `You may own at most ${config.maxRoomsPerOwner} open room(s); close one first.`, {
        openRoomIds: open,
      });
    }
    const ref = db().collection(Collections.rooms).doc();
    const now = FieldValue.serverTimestamp();
    tx.create(ref, {
      id: ref.id,
      ownerUid: caller.uid,
      name: request.name,
      topic: request.topic,
      seatCount: request.seatCount,
      ...lockFields(request.lock),
      admins: [],
      announcement: null,
      country,
      language: request.language ?? null,
      status: "open",
      level: 1,
      giftCoins: 0,
      memberCount: 0,
      version: 1,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    });
    if (passwordHash) tx.create(roomLockRef(ref.id), { passwordHash, updatedAt: now });
    tx.set(roomOwnerRef(caller.uid), { openRoomIds: FieldValue.arrayUnion(ref.id) }, { merge: true });
    return ref.id;
  });

  const room = await loadRoom(roomId);
  if (room.status === "open") await initRealtime(room);
  if (!replayed)
    await recordActivity(roomId, { type: "room.created", actorUid: caller.uid, details: { lockMode: room.lockMode, seatCount: room.seatCount } });
  return { room: roomView(room) };
}

export async function updateRoom(caller: Caller, request: UpdateRoomRequest): Promise<UpdateRoomResponse> {
  const config = await roomsConfig();
  checkFee(request.lock, config);
  requireRoomModerator(await loadOpenRoom(request.roomId), caller);
  const passwordHash = request.lock?.mode === "password" ? await hashVenuePassword(request.lock.password) : null;
  const { FieldValue } = firestoreValues();

  const { room, changed } = await runTransaction(async (tx) => {
    const current = roomFromSnapshot(await tx.get(roomRef(request.roomId)));
    if (!current) return fail("not-found", "No such room.");
    requireOpen(current);
    requireRoomModerator(current, caller);
    const update: Partial<RoomRecord> = {};
    if (request.name !== undefined && request.name !== current.name) update.name = request.name;
    if (request.topic !== undefined && request.topic !== current.topic) update.topic = request.topic;
    if (request.seatCount !== undefined && request.seatCount !== current.seatCount) update.seatCount = request.seatCount;
    if (request.lock) {
      const lock = lockFields(request.lock);
      if (lock.lockMode !== current.lockMode || lock.entryFeeCoins !== current.entryFeeCoins || lock.vipMinTier !== current.vipMinTier) {
        Object.assign(update, lock);
      }
      if (passwordHash) tx.set(roomLockRef(current.id), { passwordHash, updatedAt: FieldValue.serverTimestamp() });
      else tx.delete(roomLockRef(current.id));
    }
    const changedFields = Object.keys(update);
    if (passwordHash) changedFields.push("password");
    if (!changedFields.length) return { room: current, changed: changedFields };
    tx.update(roomRef(current.id), { ...update, version: FieldValue.increment(1), updatedAt: FieldValue.serverTimestamp() });
    return { room: { ...current, ...update, version: current.version + 1 }, changed: changedFields };
  });

  // Always converge the seats to the stored count when one was asked for (a retry heals a partial update).
  const resized = request.seatCount !== undefined ? await resizeSeats(room.id, room.seatCount) : { moved: [], unseated: [] };
  await syncRoomState(room.id);
  if (changed.length) {
    await recordActivity(room.id, {
      type: "room.updated",
      actorUid: caller.uid,
      details: { fields: changed, lockMode: room.lockMode, seatCount: room.seatCount },
    });
  }
  if (resized.moved.length || resized.unseated.length) {
    await recordActivity(room.id, { type: "seats.resized", actorUid: caller.uid, details: { seatCount: room.seatCount, ...resized } });
  }
  // Speakers left without a seat lose publish rights in their joined media sessions too.
  await Promise.all(resized.unseated.map((uid) => demoteMediaPublisher(roomVenue(room.id), uid)));
  return { room: roomView(room), ...resized };
}

export async function setRoomAdmin(caller: Caller, request: SetRoomAdminRequest): Promise<{ room: RoomView; changed: boolean }> {
  const config = await roomsConfig();
  const { FieldValue } = firestoreValues();
  const { room, changed } = await runTransaction(async (tx) => {
    const current = roomFromSnapshot(await tx.get(roomRef(request.roomId)));
    if (!current) return fail("not-found", "No such room.");
    requireOpen(current);
    requireRoomOwner(current, caller);
    if (request.uid === current.ownerUid) fail("failed-precondition", "The owner is not a room admin.");
    const isAdmin = current.admins.includes(request.uid);
    if (isAdmin === request.admin) return { room: current, changed: false };
    if (request.admin && current.admins.length >= config.maxAdminsPerRoom) {
      refuse<RoomRefusal>("failed-precondition", "admin-limit", `A room has at most ${config.maxAdminsPerRoom} admins.`);
    }
    const admins = request.admin ? [...current.admins, request.uid] : current.admins.filter((uid) => uid !== request.uid);
    tx.update(roomRef(current.id), { admins, version: FieldValue.increment(1), updatedAt: FieldValue.serverTimestamp() });
    return { room: { ...current, admins, version: current.version + 1 }, changed: true };
  });
  await syncRoomState(room.id);
  // The member record shows the role to the room (chat badges); only if the user is inside now.
  if (await memberRecord(room.id, request.uid)) {
    await rtdb()
      .ref(VenuePaths.memberRoleOf(roomVenue(room.id), request.uid))
      .set(request.admin ? "admin" : "member");
  }
  if (changed)
    await recordActivity(room.id, { type: request.admin ? "admin.granted" : "admin.revoked", actorUid: caller.uid, targetUid: request.uid });
  return { room: roomView(room), changed };
}

export async function setRoomAnnouncement(caller: Caller, request: SetAnnouncementRequest): Promise<{ room: RoomView }> {
  const { FieldValue, Timestamp } = firestoreValues();
  const room = await runTransaction(async (tx) => {
    const current = roomFromSnapshot(await tx.get(roomRef(request.roomId)));
    if (!current) return fail("not-found", "No such room.");
    requireOpen(current);
    requireRoomModerator(current, caller);
    const announcement = request.text ? { text: request.text, byUid: caller.uid, at: Timestamp.now() } : null;
    tx.update(roomRef(current.id), { announcement, version: FieldValue.increment(1), updatedAt: FieldValue.serverTimestamp() });
    return { ...current, announcement, version: current.version + 1 };
  });
  await syncRoomState(room.id);
  await recordActivity(room.id, { type: "room.announcement", actorUid: caller.uid, details: { text: request.text } });
  return { room: roomView(room) };
}

/**
 * Closing is final (a new room is created instead); a retry finishes the realtime clean-up. Staff closing
 * someone else's room is audited with the reason and request they give.
 */
export async function closeRoom(
  caller: Caller,
  request: RoomRequest,
  staffAction: { reason?: string; requestId?: string } = {},
): Promise<{ roomId: string; alreadyClosed: boolean }> {
  const { FieldValue } = firestoreValues();
  const alreadyClosed = await runTransaction(async (tx) => {
    const current = roomFromSnapshot(await tx.get(roomRef(request.roomId)));
    if (!current) return fail("not-found", "No such room.");
    const authority = requireRoomOwner(current, caller);
    if (current.status === "closed") return true;
    const now = FieldValue.serverTimestamp();
    tx.update(roomRef(current.id), { status: "closed", closedAt: now, updatedAt: now, version: FieldValue.increment(1) });
    tx.set(roomOwnerRef(current.ownerUid), { openRoomIds: FieldValue.arrayRemove(current.id) }, { merge: true });
    if (authority === "staff") {
      recordAudit(tx, {
        action: "rooms.close",
        actorUid: caller.uid,
        targetUid: current.ownerUid,
        reason: staffAction.reason ?? null,
        requestId: staffAction.requestId ?? null,
        details: { roomId: current.id },
      });
    }
    return false;
  });
  const venue = roomVenue(request.roomId);
  await rtdb()
    .ref()
    .update({
      [VenuePaths.roomSeats(request.roomId)]: null,
      [RoomPaths.invites(request.roomId)]: null,
      [RoomPaths.micMutes(request.roomId)]: null,
      [VenuePaths.members(venue)]: null,
      [VenuePaths.presence(venue)]: null,
      [VenuePaths.typing(venue)]: null,
      [VenuePaths.entrances(venue)]: null,
      [VenuePaths.absences(venue)]: null,
      // A closed room is not watched any more: its chat (archived in Firestore) and gift feed go too.
      [VenuePaths.chat(venue)]: null,
      [VenuePaths.chatRate(venue)]: null,
      [VenuePaths.giftFeed(venue)]: null,
    });
  await syncRoomState(request.roomId);
  // The members went in bulk: their media sessions go with the media room.
  if (!alreadyClosed) await closeMediaRoom(venue);
  if (!alreadyClosed) await recordActivity(request.roomId, { type: "room.closed", actorUid: caller.uid });
  return { roomId: request.roomId, alreadyClosed };
}

/** The room with its current level (folded gift coins plus the shards not folded yet). */
export async function getRoom(_caller: Caller, request: RoomRequest): Promise<{ room: RoomView }> {
  const [room, config, unfolded] = await Promise.all([loadRoom(request.roomId), roomsConfig(), unfoldedGiftCoins(request.roomId)]);
  const giftCoins = room.giftCoins + unfolded;
  return { room: { ...roomView(room), giftCoins, level: roomLevelFor(giftCoins, config.levelThresholds) } };
}

const SORT_FIELD = { popular: "memberCount", recent: "createdAt", level: "giftCoins" } as const;

/**
 * Open rooms, most members first ("popular", refreshed by the maintenance job), newest first
 * ("recent") or highest level first ("level", by folded gift coins); optionally one country. Rooms whose
 * owner and the caller block each other are left out of the page.
 */
export async function listRooms(caller: Caller, request: ListRoomsRequest): Promise<ListRoomsResponse> {
  let query: Query = db().collection(Collections.rooms).where("status", "==", "open");
  if (request.country) query = query.where("country", "==", request.country);
  query = query.orderBy(SORT_FIELD[request.sort], "desc").limit(request.limit);
  if (request.cursor) {
    const after = await roomRef(request.cursor).get();
    if (after.exists) query = query.startAfter(after);
  }
  const page = await query.get();
  const rooms = page.docs.map((doc) => roomFromSnapshot(doc) as RoomRecord);
  const blocked = await blockedAmong(caller.uid, [...new Set(rooms.map((r) => r.ownerUid).filter((uid) => uid !== caller.uid))]);
  return {
    rooms: rooms.filter((room) => !blocked.has(room.ownerUid)).map(roomView),
    nextCursor: page.size === request.limit ? (page.docs[page.size - 1]?.id ?? null) : null,
  };
}

/** memberCount of open rooms from RTDB members (what "popular" sorts on); pages through every open room. */
export async function refreshMemberCounts(pageSize = 200): Promise<number> {
  const { FieldPath } = firestoreValues();
  let updated = 0;
  let last: string | undefined;
  for (;;) {
    let query = db().collection(Collections.rooms).where("status", "==", "open").orderBy(FieldPath.documentId()).limit(pageSize);
    if (last) query = query.startAfter(last);
    const page = await query.get();
    for (const doc of page.docs) {
      const count = (
        await rtdb()
          .ref(VenuePaths.members(roomVenue(doc.id)))
          .get()
      ).numChildren();
      if (doc.get("memberCount") !== count) {
        await doc.ref.update({ memberCount: count });
        updated++;
      }
    }
    if (page.size < pageSize) return updated;
    last = page.docs[page.size - 1]?.id;
    if (!last) return updated;
    log.info("member counts: next page", { after: last });
  }
}

/** Closes every open room of `ownerUid` as staff acting for `actorUid` (a sanctioned owner); the ids it closed. */
export async function closeRoomsOwnedBy(ownerUid: string, actorUid: string): Promise<string[]> {
  const openRoomIds = ((await roomOwnerRef(ownerUid).get()).get("openRoomIds") as string[] | undefined) ?? [];
  const staff: Caller = { uid: actorUid, roles: ["moderator"], claims: {} };
  const closed: string[] = [];
  for (const roomId of openRoomIds) {
    const { alreadyClosed } = await closeRoom(staff, { roomId });
    if (!alreadyClosed) closed.push(roomId);
  }
  return closed;
}
