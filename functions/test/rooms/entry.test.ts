import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import { TokenVerifier } from "livekit-server-sdk";
import { LOCAL_SECRETS } from "../../../devstack/src/stack.js";
import { db, rtdb } from "../../src/kernel/app.js";
import { enterRoom, kickFromRoom, leaveRoom, setRoomAdmin, takeSeat, unbanFromRoom } from "../../src/rooms/callables.js";
import type { EnterRoomResponse } from "../../src/rooms/schema.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../../src/wallet/accounts.js";
import { readBalances } from "../../src/wallet/ledger.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { docData } from "../support/firestore.js";
import {
  assertConservation,
  clearConfigCaches,
  enter,
  grantCoins,
  ledgerTotals,
  makeUser,
  makeVip,
  occupants,
  openRoom,
  reasonOf,
  rtdbValue,
  setRoomsConfig,
} from "../support/rooms-world.js";
import { useCleanStack } from "../support/stack.js";
import type { TestUser } from "../support/users.js";

const enterWith = (user: TestUser, data: Record<string, unknown>) => callInProcess<EnterRoomResponse>(enterRoom, { user, data });
const memberOf = (roomId: string, uid: string) => rtdbValue<{ role: string; at: number; vipTier?: number }>(`members/room_${roomId}/${uid}`);

describe("rooms: entry", () => {
  useCleanStack();
  let owner: TestUser;
  let guest: TestUser;

  beforeEach(async () => {
    clearConfigCaches();
    [owner, guest] = await Promise.all([makeUser(), makeUser()]);
  });

  it("an open room admits members with a subscribe-only media token", async () => {
    const roomId = await openRoom(owner);
    const entered = await enter(guest, roomId);
    assert.equal(entered.role, "member");
    assert.equal(entered.alreadyMember, false);
    assert.equal(entered.entryFee, null);
    assert.equal(entered.media.room, `room_${roomId}`);
    assert.equal(entered.media.canPublish, false);
    const claims = await new TokenVerifier(process.env.LIVEKIT_API_KEY as string, LOCAL_SECRETS.LIVEKIT_API_SECRET).verify(entered.media.token);
    assert.equal(claims.sub, guest.uid);
    assert.equal(claims.video?.room, `room_${roomId}`);
    assert.equal(claims.video?.roomJoin, true);
    assert.equal(claims.video?.canSubscribe, true);
    assert.equal(claims.video?.canPublish, false);

    const member = await memberOf(roomId, guest.uid);
    assert.equal(member?.role, "member");
    assert.equal(typeof member?.at, "number");
    assert.equal((await enter(owner, roomId)).role, "owner");
    // Entering again (a reconnect) is admitted as already inside.
    assert.equal((await enter(guest, roomId)).alreadyMember, true);
  });

  it("password rooms: the password is required and checked against a server-only scrypt hash", async () => {
    const roomId = await openRoom(owner, { lock: { mode: "password", password: "open sesame" } });
    const room = await docData(`rooms/${roomId}`);
    assert.equal(room?.lockMode, "password");
    assert.ok(!JSON.stringify(room).includes("sesame"), "the room document holds no password");
    assert.match(String((await docData(`rooms/${roomId}/private/lock`))?.passwordHash), /^scrypt\$16384\$8\$1\$/);

    const missing = await expectHttpsError(enter(guest, roomId), "permission-denied");
    assert.equal(reasonOf(missing), "password-required");
    const wrong = await expectHttpsError(enter(guest, roomId, { password: "open sesame!" }), "permission-denied");
    assert.equal(reasonOf(wrong), "wrong-password");
    assert.equal(await memberOf(roomId, guest.uid), null);
    assert.equal((await enter(guest, roomId, { password: "open sesame" })).role, "member");

    // Staff moderate any room: they pass the lock.
    const moderator = await makeUser({ roles: ["moderator"] });
    assert.equal((await enter(moderator, roomId)).role, "moderator");
  });

  it("password guessing is rate-limited per user and room", async () => {
    await setRoomsConfig({ passwordAttemptsPer10Minutes: 2 });
    const roomId = await openRoom(owner, { lock: { mode: "password", password: "right-one" } });
    await expectHttpsError(enter(guest, roomId, { password: "guess-1" }), "permission-denied");
    await expectHttpsError(enter(guest, roomId, { password: "guess-2" }), "permission-denied");
    await expectHttpsError(enter(guest, roomId, { password: "right-one" }), "resource-exhausted");
  });

  it("VIP-only rooms admit active VIP members of the minimum tier", async () => {
    const roomId = await openRoom(owner, { lock: { mode: "vipOnly" } });
    assert.equal(reasonOf(await expectHttpsError(enter(guest, roomId), "permission-denied")), "vip-required");
    await makeVip(guest.uid, 1);
    const entered = await enter(guest, roomId);
    assert.equal(entered.vipTier, 1);
    assert.equal((await memberOf(roomId, guest.uid))?.vipTier, 1);

    const other = await makeUser();
    const goldRoom = await openRoom(other, { lock: { mode: "vipOnly", minTier: 2 } });
    await expectHttpsError(enter(guest, goldRoom), "permission-denied");
    // An expired membership is no membership.
    await db()
      .doc(`users/${guest.uid}`)
      .update({ vip: { tier: 3, expiresAt: Timestamp.fromMillis(Date.now() - 1000) } });
    await expectHttpsError(enter(guest, goldRoom), "permission-denied");
  });

  it("paid rooms: 5 concurrent enters of one visit charge once, a retry is free, a new visit pays again", async function () {
    this.timeout(60_000);
    const roomId = await openRoom(owner, { lock: { mode: "paid", feeCoins: 100 } });
    await grantCoins(guest.uid, 250);
    const visitId = randomUUID();
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => enterWith(guest, { roomId, visitId })));

    const entries = await ledgerTotals("room.entry");
    assert.equal(entries.count, 1, "one ledger transaction for the visit");
    assert.equal(outcomes.filter((o) => o.entryFee?.chargedNow).length, 1);
    for (const o of outcomes) {
      assert.equal(o.entryFee?.coins, 100);
      assert.equal(o.entryFee?.transactionId, outcomes[0]?.entryFee?.transactionId);
    }
    assert.equal((await readBalances(userAccount(guest.uid))).coins, 150);
    // Split like a gift: coins burnt, diamonds minted for the owner (50% by default) and the platform.
    assert.equal(entries.of(SYSTEM_ACCOUNTS.burn, "coins"), 100);
    assert.equal(entries.of(userAccount(owner.uid), "diamonds"), 50);
    assert.equal(entries.of(SYSTEM_ACCOUNTS.platform, "diamonds"), 50);
    const ledger = await docData(`ledger/${outcomes[0]?.entryFee?.transactionId}`);
    assert.equal(ledger?.type, "room.entry");
    assert.equal((ledger?.meta as Record<string, unknown> | undefined)?.context, undefined, "not a gift: gift effects ignore it");
    assert.ok(ledger?.meta);

    // Entering while inside (a retry after a lost answer) is no new visit: nothing to pay.
    const again = await enterWith(guest, { roomId, visitId });
    assert.equal(again.alreadyMember, true);
    assert.equal(again.entryFee, null);
    // Membership lost (the presence sweep removed a vanished client): the same visit re-enters free.
    await rtdb().ref(`members/room_${roomId}/${guest.uid}`).remove();
    assert.equal((await enterWith(guest, { roomId, visitId })).entryFee?.chargedNow, false, "reconnecting within the visit is free");

    // Leaving ends the visit: its id is refused, a new visit pays.
    await callInProcess(leaveRoom, { user: guest, data: { roomId } });
    assert.equal(reasonOf(await expectHttpsError(enterWith(guest, { roomId, visitId }), "failed-precondition")), "visit-ended");
    const second = await enter(guest, roomId);
    assert.equal(second.entryFee?.chargedNow, true);
    assert.equal((await readBalances(userAccount(guest.uid))).coins, 50);
    assert.equal((await ledgerTotals("room.entry")).count, 2);

    // Not enough coins for a third visit: refused, nothing charged, not admitted.
    await callInProcess(leaveRoom, { user: guest, data: { roomId } });
    await expectHttpsError(enter(guest, roomId), "failed-precondition");
    assert.equal(await memberOf(roomId, guest.uid), null);
    assert.equal((await ledgerTotals("room.entry")).count, 2);
    // The owner enters free.
    assert.equal((await enter(owner, roomId)).entryFee, null);
    await assertConservation([userAccount(guest.uid), userAccount(owner.uid)]);
  });

  it("kicked users are banned for the given minutes; an ended ban admits them again", async () => {
    const roomId = await openRoom(owner, { seatCount: 3 });
    const [admin, other] = await Promise.all([makeUser(), makeUser()]);
    await callInProcess(setRoomAdmin, { user: owner, data: { roomId, uid: admin.uid, admin: true } });
    await Promise.all([enter(guest, roomId), enter(other, roomId), enter(admin, roomId)]);
    await callInProcess(takeSeat, { user: guest, data: { roomId } });

    await expectHttpsError(callInProcess(kickFromRoom, { user: other, data: { roomId, uid: guest.uid } }), "permission-denied");
    await expectHttpsError(callInProcess(kickFromRoom, { user: admin, data: { roomId, uid: owner.uid } }), "permission-denied");
    const kicked = await callInProcess<{ bannedUntil: string }>(kickFromRoom, { user: admin, data: { roomId, uid: guest.uid, banMinutes: 5 } });
    const until = Date.parse(kicked.bannedUntil);
    assert.ok(Math.abs(until - (Date.now() + 5 * 60_000)) < 10_000);
    assert.equal(await rtdbValue(`bans/room_${roomId}/${guest.uid}`), until);
    assert.equal(await memberOf(roomId, guest.uid), null, "removed from the room");
    assert.deepEqual(await occupants(roomId), [null, null, null], "and from the seat");

    const refused = await expectHttpsError(enter(guest, roomId), "permission-denied");
    assert.equal(reasonOf(refused), "banned");
    assert.equal(await memberOf(roomId, guest.uid), null);

    // The ban's end time passes (written as already past): admitted again.
    await rtdb()
      .ref(`bans/room_${roomId}/${guest.uid}`)
      .set(Date.now() - 1);
    assert.equal((await enter(guest, roomId)).role, "member");

    // A short real ban, lifted early by an admin.
    await callInProcess(kickFromRoom, { user: owner, data: { roomId, uid: other.uid, banMinutes: 1 } });
    await expectHttpsError(enter(other, roomId), "permission-denied");
    const lifted = await callInProcess<{ wasBanned: boolean }>(unbanFromRoom, { user: admin, data: { roomId, uid: other.uid } });
    assert.equal(lifted.wasBanned, true);
    assert.equal((await enter(other, roomId)).role, "member");
  });

  it("blocks either way between the entrant and the owner refuse entry", async () => {
    const roomId = await openRoom(owner);
    const blocker = await makeUser();
    await db().doc(`blocks/${owner.uid}__${guest.uid}`).set({ blockerUid: owner.uid, blockedUid: guest.uid });
    await db().doc(`blocks/${blocker.uid}__${owner.uid}`).set({ blockerUid: blocker.uid, blockedUid: owner.uid });
    assert.equal(reasonOf(await expectHttpsError(enter(guest, roomId), "permission-denied")), "blocked");
    assert.equal(reasonOf(await expectHttpsError(enter(blocker, roomId), "permission-denied")), "blocked");
    assert.equal(await memberOf(roomId, guest.uid), null);
  });

  it("deleted and suspended accounts are refused", async () => {
    const roomId = await openRoom(owner);
    const [deleted, suspended, pardoned] = await Promise.all([makeUser({ profile: { deleted: true } }), makeUser(), makeUser()]);
    await db()
      .doc(`bans/${suspended.uid}`)
      .set({ reason: "spam", expiresAt: Timestamp.fromMillis(Date.now() + 60_000) });
    await db()
      .doc(`bans/${pardoned.uid}`)
      .set({ reason: "spam", expiresAt: Timestamp.fromMillis(Date.now() - 60_000) });
    assert.equal(reasonOf(await expectHttpsError(enter(deleted, roomId), "permission-denied")), "account-deleted");
    assert.equal(reasonOf(await expectHttpsError(enter(suspended, roomId), "permission-denied")), "account-suspended");
    assert.equal((await enter(pardoned, roomId)).role, "member");
  });

  it("room priority: at the member cap only VIP members with room priority enter, up to the VIP extra", async () => {
    await setRoomsConfig({ maxMembers: 2, vipExtraMembers: 1 });
    const roomId = await openRoom(owner);
    const [late, vip1, vip2] = await Promise.all([makeUser(), makeUser(), makeUser()]);
    await Promise.all([makeVip(vip1.uid, 1), makeVip(vip2.uid, 2)]);
    await enter(owner, roomId);
    await enter(guest, roomId);
    assert.equal(reasonOf(await expectHttpsError(enter(late, roomId), "resource-exhausted")), "room-full");
    assert.equal((await enter(vip1, roomId)).vipTier, 1);
    await expectHttpsError(enter(vip2, roomId), "resource-exhausted");
    // The owner (like room admins and staff) is never kept out by the cap.
    assert.equal((await enter(owner, roomId)).alreadyMember, true);
    await callInProcess(leaveRoom, { user: owner, data: { roomId } });
    await callInProcess(leaveRoom, { user: guest, data: { roomId } });
    await enter(late, roomId);
    assert.equal((await enter(vip2, roomId)).vipTier, 2, "below cap + extra again");
  });

  it("VIP entrants publish an entrance effect event once per entry", async () => {
    const roomId = await openRoom(owner);
    await makeVip(guest.uid, 2);
    // An arrival animated long ago is trimmed when the next one is published.
    await rtdb()
      .ref(`entrances/room_${roomId}/old`)
      .set({ u: "someone", v: 1, e: "sparkle", t: Date.now() - 3_600_000 });
    const entered = await enter(guest, roomId);
    assert.equal(entered.entranceEffect, "golden-wings");
    await enter(guest, roomId);
    await enter(owner, roomId);
    const feed = Object.values((await rtdbValue<Record<string, Record<string, unknown>>>(`entrances/room_${roomId}`)) ?? {});
    assert.equal(feed.length, 1, "re-entering while inside and non-VIP entries publish nothing");
    assert.deepEqual({ ...feed[0], t: undefined }, { u: guest.uid, v: 2, e: "golden-wings", t: undefined });
    assert.equal(typeof feed[0]?.t, "number");
  });

  it("a closed or unknown room cannot be entered", async () => {
    await expectHttpsError(enter(guest, "no-such-room"), "not-found");
  });
});
