/**
 * Entering and leaving rooms.
 *
 * enterRoom checks, in order: the room is open; the account is not deleted or suspended; then, unless
 * the caller is the owner, a room admin or staff (they always enter, free): no active room ban
 * (RTDB bans/room_{id}/{uid} = untilMs), no block either way between the caller and the owner, and —
 * unless the caller is already a member (a reconnect) — the lock (password, VIP tier), the member cap
 * and the entry fee. Then members/room_{id}/{uid} = { role, at, vipTier? } is written, a VIP entrance
 * event is published (RTDB entrances/room_{id}, for members with an entrance effect), and a
 * subscribe-only media token is returned (publish tokens: getRoomMediaToken, for seated members).
 *
 * Room priority (VIP): a room admits config/rooms.maxMembers members; at that cap only VIP members
 * whose tier grants roomPriority > 0 still enter, up to vipExtraMembers more. The count is read at entry,
 * so simultaneous entrants may pass the cap by a few: it protects capacity, not money.
 *
 * Paid rooms charge once per visit. A visit is a visitId the app generates when the user opens the
 * room and reuses for every retry and reconnect. The fee is one ledger transaction keyed by
 * (room, visitId) — concurrent or retried enters of one visit charge once — that also creates
 * rooms/{id}/visits/{uid}_{visitId}. Entering again with that visitId is free while the visit lasts; it
 * ends when the member leaves or is kicked, or config/rooms.paidVisitHours after payment. After that
 * the old visitId is refused (failed-precondition, reason visit-ended): a new visit (new visitId) pays
 * again. The fee is split like a gift: the entrant's coins are burnt, diamonds are minted for the
 * owner's share (and their agency's) by config/economy, the rest to the platform.
 */

import { giftEntries, splitGiftValue } from "../gifts/send-gift.js";
import { isBanActive } from "../identity/policy.js";
import { IdentityCollections } from "../identity/schema.js";
import { db, firestoreValues, rtdb } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { type MediaToken, mintMediaToken } from "../media/tokens.js";
import { type ActiveVipPrivileges, vipConfig, vipPrivileges } from "../progression/vip/memberships.js";
import { blockRef } from "../social/store.js";
import { removeFromVenue } from "../venues/membership.js";
import { checkVenuePassword } from "../venues/password.js";
import { VenuePaths } from "../venues/paths.js";
import type { RemovalReason } from "../venues/ports.js";
import { agencyAccount, userAccount, type WalletAccount } from "../wallet/accounts.js";
import { economyConfig } from "../wallet/config.js";
import { ledgerTransactionId, postLedgerTransaction } from "../wallet/ledger.js";
import { roomsConfig } from "./config.js";
import { type EnterRoomRequest, type EnterRoomResponse, RoomCollections, RoomPaths, type RoomRequest, type RoomsConfig } from "./schema.js";
import { seatStateOf } from "./seats.js";
import {
  activeRoomBanUntil,
  loadOpenRoom,
  memberRecord,
  memberRoleOf,
  type RoomRecord,
  requireMember,
  roomFromSnapshot,
  roomLockRef,
  roomRef,
  roomVenue,
} from "./store.js";

const HOUR_MS = 3_600_000;

const visitRef = (roomId: string, uid: string, visitId: string) => roomRef(roomId).collection(RoomCollections.visits).doc(`${uid}_${visitId}`);

function serverTimestamp(): object {
  const { ServerValue } = require("firebase-admin/database") as typeof import("firebase-admin/database");
  return ServerValue.TIMESTAMP;
}

/** What enterRoom knows about the caller before the lock, the cap and the fee. */
export interface RoomEntryFacts {
  deleted: boolean;
  suspended: boolean;
  /** The owner, a room admin or staff: they always enter. */
  privileged: boolean;
  /** The end of an active room ban (ms), or null. */
  bannedUntil: number | null;
  /** A block between the caller and the owner, either way. */
  blocked: boolean;
}

/** Refuses an account that may not enter the room at all (permission-denied, with the reason). */
export function checkRoomEntry(facts: RoomEntryFacts): void {
  if (facts.deleted) fail("permission-denied", "This account was deleted.", { reason: "account-deleted" });
  if (facts.suspended) fail("permission-denied", "This account is suspended.", { reason: "account-suspended" });
  if (facts.privileged) return;
  if (facts.bannedUntil)
    fail("permission-denied", "You are banned from this room.", { reason: "banned", bannedUntil: new Date(facts.bannedUntil).toISOString() });
  if (facts.blocked) fail("permission-denied", "You cannot enter this room.", { reason: "blocked" });
}

/** Refuses a newcomer the lock keeps out before any password is checked: no password given, or too low a VIP tier. */
export function checkRoomLock(room: Pick<RoomRecord, "lockMode" | "vipMinTier">, password: string | undefined, vipTier: number): void {
  if (room.lockMode === "password" && !password) fail("permission-denied", "This room needs a password.", { reason: "password-required" });
  if (room.lockMode === "vipOnly") {
    const minTier = room.vipMinTier ?? 1;
    if (vipTier < minTier) fail("permission-denied", "This room is for VIP members.", { reason: "vip-required", minTier });
  }
}

async function checkLock(room: RoomRecord, uid: string, request: EnterRoomRequest, vip: ActiveVipPrivileges, config: RoomsConfig): Promise<void> {
  checkRoomLock(room, request.password, vip.tier);
  if (room.lockMode === "password") {
    const lock = await roomLockRef(room.id).get();
    await checkVenuePassword(roomVenue(room.id), uid, request.password as string, lock.get("passwordHash"), {
      perVenue: config.roomPasswordAttemptsPer10Minutes,
      perUser: config.passwordAttemptsPer10Minutes,
      windowSeconds: 600,
    });
  }
}

/** Whether a room holding `members` admits one more: below the cap anyone, above it VIPs with room priority, up to their extra places. */
export function roomAdmits(members: number, roomPriority: number, config: Pick<RoomsConfig, "maxMembers" | "vipExtraMembers">): boolean {
  if (members < config.maxMembers) return true;
  return roomPriority > 0 && members < config.maxMembers + config.vipExtraMembers;
}

async function checkCapacity(room: RoomRecord, vip: ActiveVipPrivileges, config: RoomsConfig): Promise<void> {
  const members = (
    await rtdb()
      .ref(VenuePaths.members(roomVenue(room.id)))
      .get()
  ).numChildren();
  if (!roomAdmits(members, vip.roomPriority, config)) fail("resource-exhausted", "This room is full.", { reason: "room-full" });
}

/** A paid visit ends when the member leaves or is kicked (endedAt set), or paidVisitHours after payment. */
export function isVisitOver(visit: { paidAtMs: number; endedAt: unknown }, nowMs: number, paidVisitHours: number): boolean {
  return visit.endedAt != null || visit.paidAtMs + paidVisitHours * HOUR_MS <= nowMs;
}

interface VisitFee {
  coins: number;
  transactionId: string;
  chargedNow: boolean;
}

async function payForVisit(room: RoomRecord, uid: string, visitId: string, config: RoomsConfig): Promise<VisitFee> {
  const ref = visitRef(room.id, uid, visitId);
  const visit = await ref.get();
  if (visit.exists) {
    if (isVisitOver({ paidAtMs: visit.get("paidAtMs") as number, endedAt: visit.get("endedAt") }, Date.now(), config.paidVisitHours)) {
      fail("failed-precondition", "This visit has ended; enter with a new visitId.", { reason: "visit-ended" });
    }
    return { coins: visit.get("feeCoins") as number, transactionId: visit.get("transactionId") as string, chargedNow: false };
  }
  const economy = await economyConfig();
  const key = `${room.id}:${visitId}`;
  const transactionId = ledgerTransactionId("room.entry", uid, key);
  const { FieldValue } = firestoreValues();
  const outcome = await postLedgerTransaction<{ coins: number; transactionId: string; balance: number }>(
    // The fee is read inside the transaction: a retry after a fee change replays the first price.
    { type: "room.entry", owner: uid, key, payload: { roomId: room.id }, actor: uid },
    async ({ tx, wallet, get }) => {
      const [roomSnap, ownerSnap] = await tx.getAll(roomRef(room.id), db().collection(Collections.users).doc(room.ownerUid));
      const current = roomSnap ? roomFromSnapshot(roomSnap) : null;
      if (current?.status !== "open") return fail("failed-precondition", "This room is closed.", { reason: "room-closed" });
      if (current.lockMode !== "paid" || !current.entryFeeCoins) return fail("aborted", "The room's entry settings changed; please retry.");
      const fee = current.entryFeeCoins;
      const agencyId = ownerSnap?.get("agencyId");
      let agency: WalletAccount | null = null;
      if (typeof agencyId === "string" && agencyId && (await get(db().collection(Collections.agencies).doc(agencyId))).exists) {
        agency = agencyAccount(agencyId);
      }
      const payer = await wallet(userAccount(uid));
      const split = splitGiftValue(fee, economy, agency !== null);
      return {
        // An insufficient balance is refused by the ledger (failed-precondition); nothing is written then.
        entries: giftEntries(uid, current.ownerUid, agency, split),
        result: { coins: fee, transactionId, balance: payer.coins - fee },
        // No meta.context: this is not a gift, so gift effects (rankings, PK, room level) ignore it.
        meta: { roomId: room.id, visitId, recipientUid: current.ownerUid, agencyId: agency ? agencyId : null, ...split },
        writes: (writeTx) =>
          writeTx.create(ref, {
            uid,
            roomId: room.id,
            visitId,
            transactionId,
            feeCoins: fee,
            paidAt: FieldValue.serverTimestamp(),
            paidAtMs: Date.now(),
            endedAt: null,
          }),
      };
    },
  );
  return { coins: outcome.result.coins, transactionId: outcome.transactionId, chargedNow: !outcome.replayed };
}

export async function enterRoom(caller: Caller, request: EnterRoomRequest): Promise<EnterRoomResponse> {
  const uid = caller.uid;
  const [config, vipSettings, room] = await Promise.all([roomsConfig(), vipConfig(), loadOpenRoom(request.roomId)]);
  const venue = roomVenue(room.id);
  const nowMs = Date.now();
  const [[profile, accountBan, blockedByOwner, blockingOwner], member, bannedUntil] = await Promise.all([
    db().getAll(
      db().collection(Collections.users).doc(uid),
      db().collection(IdentityCollections.bans).doc(uid),
      blockRef(room.ownerUid, uid),
      blockRef(uid, room.ownerUid),
    ),
    memberRecord(room.id, uid),
    activeRoomBanUntil(room.id, uid, nowMs),
  ]);
  const expiresAtMs = (accountBan?.get("expiresAt") as { toMillis?: () => number } | null | undefined)?.toMillis?.();
  const role = memberRoleOf(room, caller);
  const privileged = role !== "member";
  checkRoomEntry({
    deleted: profile?.get("deleted") === true,
    suspended: accountBan?.exists === true && isBanActive({ expiresAtMs }, nowMs),
    privileged,
    bannedUntil,
    blocked: blockedByOwner?.exists === true || blockingOwner?.exists === true,
  });
  const vip = vipPrivileges(profile?.data(), nowMs, vipSettings);
  const alreadyMember = member !== null;
  let entryFee: VisitFee | null = null;
  if (!privileged && !alreadyMember) {
    await checkLock(room, uid, request, vip, config);
    await checkCapacity(room, vip, config);
    if (room.lockMode === "paid") entryFee = await payForVisit(room, uid, request.visitId, config);
  }

  const memberRef = rtdb().ref(VenuePaths.member(venue, uid));
  await memberRef.set({ role, at: serverTimestamp(), ...(vip.tier ? { vipTier: vip.tier } : {}) });
  // A kick landing between the checks and the write above must win.
  if (!privileged) {
    const until = await activeRoomBanUntil(room.id, uid);
    if (until) {
      await memberRef.remove();
      fail("permission-denied", "You are banned from this room.", { reason: "banned", bannedUntil: new Date(until).toISOString() });
    }
  }
  if (!alreadyMember && vip.entranceEffect) {
    try {
      const feed = rtdb().ref(RoomPaths.entrances(room.id));
      await feed.push({ u: uid, v: vip.tier, e: vip.entranceEffect, t: serverTimestamp() });
      // The feed only animates arrivals: events older than entranceFeedSeconds go (bounded per entrance).
      const stale = await feed
        .orderByChild("t")
        .endAt(Date.now() - config.entranceFeedSeconds * 1000)
        .limitToFirst(50)
        .get();
      if (stale.exists()) await feed.update(Object.fromEntries(Object.keys(stale.val() as object).map((key) => [key, null])));
    } catch (err) {
      log.error("entrance effect not published", { roomId: room.id, uid, error: String(err) });
    }
  }
  const media = await mintMediaToken({ venue, uid, canPublish: false, metadata: { role, vipTier: vip.tier } });
  return {
    roomId: room.id,
    role,
    alreadyMember,
    entryFee,
    vipTier: vip.tier,
    entranceEffect: alreadyMember ? null : vip.entranceEffect,
    media,
  };
}

/** Ends the user's open paid visits of the room (leave, kick): re-entering then pays again. */
async function endVisits(roomId: string, uid: string): Promise<void> {
  const open = await roomRef(roomId).collection(RoomCollections.visits).where("uid", "==", uid).where("endedAt", "==", null).get();
  if (open.empty) return;
  const { FieldValue } = firestoreValues();
  const batch = db().batch();
  for (const visit of open.docs) batch.update(visit.ref, { endedAt: FieldValue.serverTimestamp() });
  await batch.commit();
}

/**
 * Takes `uid` out of the room through the venues' one removal path (membership first, then seats via
 * releaseSeatsOf, presence and typing), then ends their paid visit; the number of seats freed.
 */
export async function removeRoomMember(roomId: string, uid: string, reason: RemovalReason): Promise<number> {
  const { released } = await removeFromVenue(roomVenue(roomId), uid, reason);
  await endVisits(roomId, uid);
  return released;
}

export async function leaveRoom(caller: Caller, request: RoomRequest): Promise<{ roomId: string; seatsFreed: number }> {
  // Leaving needs no open room: a member of a room closed meanwhile can always clean up.
  const seatsFreed = await removeRoomMember(request.roomId, caller.uid, "left");
  return { roomId: request.roomId, seatsFreed };
}

/** A fresh media token: publish rights while the caller holds a seat and no admin muted them. */
export async function getRoomMediaToken(caller: Caller, request: RoomRequest): Promise<MediaToken & { seatIndex: number | null }> {
  await loadOpenRoom(request.roomId);
  await requireMember(request.roomId, caller.uid);
  const [seat, member] = await Promise.all([seatStateOf(request.roomId, caller.uid), memberRecord(request.roomId, caller.uid)]);
  const canPublish = seat.index !== null && !seat.adminMuted;
  const record = (member ?? {}) as { role?: string; vipTier?: number };
  const media = await mintMediaToken({
    venue: roomVenue(request.roomId),
    uid: caller.uid,
    canPublish,
    metadata: { role: record.role ?? "member", vipTier: record.vipTier ?? 0, seat: seat.index },
  });
  return { ...media, seatIndex: seat.index };
}
