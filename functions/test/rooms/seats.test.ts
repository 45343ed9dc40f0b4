import assert from "node:assert/strict";
import { deleteApp, initializeApp } from "firebase-admin/app";
import { getDatabase } from "firebase-admin/database";
import { HttpsError } from "firebase-functions/v2/https";
import { TokenVerifier } from "livekit-server-sdk";
import { LOCAL_SECRETS } from "../../../devstack/src/stack.js";
import { rtdb } from "../../src/kernel/app.js";
import { clearConfigCaches } from "../../src/kernel/config-document.js";
import {
  getRoomMediaToken,
  inviteToSeat,
  kickFromSeat,
  leaveRoom,
  leaveSeat,
  lockSeat,
  moveSeat,
  muteMic,
  respondToSeatInvite,
  setRoomAdmin,
  takeSeat,
  unlockSeat,
  unmuteMic,
  updateRoom,
} from "../../src/rooms/callables.js";
import type { SeatResponse, UpdateRoomResponse } from "../../src/rooms/schema.js";
import { applySeatPlan, planTake, releaseSeatsOf } from "../../src/rooms/seats.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { queuedFor } from "../support/notifications.js";
import { enter, makeUser, makeUsers, occupants, openRoom, reasonOf, rtdbValue, seatsOf } from "../support/rooms-world.js";
import { useCleanStack } from "../support/stack.js";
import type { TestUser } from "../support/users.js";

const take = (user: TestUser, roomId: string, index?: number) =>
  callInProcess<SeatResponse>(takeSeat, { user, data: index === undefined ? { roomId } : { roomId, index } });

async function grants(token: string) {
  const claims = await new TokenVerifier(process.env.LIVEKIT_API_KEY ?? "devkey", LOCAL_SECRETS.LIVEKIT_API_SECRET).verify(token);
  return claims.video;
}

describe("rooms: seats", () => {
  useCleanStack();
  beforeEach(() => clearConfigCaches());

  it("30 users racing for 10 seats: exactly 10 seated, nobody twice", async function () {
    this.timeout(120_000);
    const owner = await makeUser();
    const roomId = await openRoom(owner, { seatCount: 10 });
    const racers = await makeUsers(30);
    for (let i = 0; i < racers.length; i += 10) await Promise.all(racers.slice(i, i + 10).map((u) => enter(u, roomId)));

    // Every racer asks twice at once (a double tap), so 60 seat transactions contend for the node.
    const attempts = racers.flatMap((user) => [take(user, roomId), take(user, roomId)]);
    const outcomes = await Promise.allSettled(attempts);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    for (const r of refused) {
      assert.ok(r.reason instanceof HttpsError, String(r.reason));
      assert.equal(r.reason.code, "resource-exhausted", r.reason.message);
    }

    const seated = (await occupants(roomId)).filter((uid): uid is string => uid !== null);
    assert.equal(seated.length, 10);
    assert.equal(new Set(seated).size, 10, "nobody holds two seats");
    // The winners' answers agree with the seats: each got the index it now holds.
    const winners = new Map<string, number>();
    outcomes.forEach((o, i) => {
      if (o.status === "fulfilled") winners.set((racers[Math.floor(i / 2)] as TestUser).uid, o.value.index as number);
    });
    assert.deepEqual([...winners.keys()].sort(), [...seated].sort());
    const seats = await occupants(roomId);
    for (const [uid, index] of winners) assert.equal(seats[index], uid);
  });

  it("the seat transaction holds across separate database connections (as across function instances)", async function () {
    this.timeout(60_000);
    const owner = await makeUser();
    const roomId = await openRoom(owner, { seatCount: 10 });
    const databaseURL = (JSON.parse(process.env.FIREBASE_CONFIG as string) as { databaseURL: string }).databaseURL;
    const apps = Array.from({ length: 6 }, (_, i) =>
      initializeApp({ projectId: process.env.GCLOUD_PROJECT, databaseURL }, `seat-racer-${i}-${Date.now()}`),
    );
    try {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) =>
          applySeatPlan(roomId, (seats) => planTake(seats, `racer-${i}`, { adminMuted: false, nowMs: Date.now() }), {
            database: getDatabase(apps[i % apps.length]),
          }),
        ),
      );
      const won = outcomes.filter((o) => o.status === "fulfilled").map((o) => (o as PromiseFulfilledResult<{ index: number } | null>).value?.index);
      assert.equal(won.length, 10);
      assert.equal(new Set(won).size, 10);
      for (const o of outcomes) if (o.status === "rejected") assert.equal((o.reason as HttpsError).code, "resource-exhausted");
      const seated = (await occupants(roomId)).filter((uid) => uid !== null);
      assert.equal(new Set(seated).size, 10);
    } finally {
      await Promise.all(apps.map((app) => deleteApp(app)));
    }
  });

  it("locking: only the owner and room admins lock; locked seats are skipped and refused", async () => {
    const [owner, admin, member] = await Promise.all([makeUser(), makeUser(), makeUser()]);
    const roomId = await openRoom(owner, { seatCount: 3 });
    await callInProcess(setRoomAdmin, { user: owner, data: { roomId, uid: admin.uid, admin: true } });
    await Promise.all([enter(admin, roomId), enter(member, roomId)]);

    await expectHttpsError(callInProcess(lockSeat, { user: member, data: { roomId, index: 0 } }), "permission-denied");
    await callInProcess(lockSeat, { user: owner, data: { roomId, index: 0 } });
    await callInProcess(lockSeat, { user: admin, data: { roomId, index: 1 } });
    assert.deepEqual(
      (await seatsOf(roomId)).map((s) => s.locked),
      [true, true, false],
    );

    const refused = await expectHttpsError(take(member, roomId, 0), "failed-precondition");
    assert.equal(reasonOf(refused), "seat-locked");
    assert.deepEqual(await take(member, roomId), { roomId, index: 2 }, "the first free unlocked seat");
    await expectHttpsError(take(admin, roomId), "resource-exhausted");

    await expectHttpsError(callInProcess(unlockSeat, { user: member, data: { roomId, index: 1 } }), "permission-denied");
    await callInProcess(unlockSeat, { user: admin, data: { roomId, index: 1 } });
    assert.deepEqual(await take(admin, roomId), { roomId, index: 1 });
  });

  it("invitations: admins invite, the invitee accepts (even onto a locked seat) or declines", async () => {
    const [owner, member, other] = await Promise.all([makeUser(), makeUser(), makeUser()]);
    const roomId = await openRoom(owner, { seatCount: 4 });
    await Promise.all([enter(member, roomId), enter(other, roomId)]);
    await callInProcess(lockSeat, { user: owner, data: { roomId, index: 3 } });

    await expectHttpsError(callInProcess(inviteToSeat, { user: other, data: { roomId, uid: member.uid, index: 3 } }), "permission-denied");
    await expectHttpsError(callInProcess(respondToSeatInvite, { user: member, data: { roomId, accept: true } }), "failed-precondition");

    await callInProcess(inviteToSeat, { user: owner, data: { roomId, uid: member.uid, index: 3 } });
    const invite = await rtdbValue<{ index: number; by: string }>(`rooms/${roomId}/invites/${member.uid}`);
    assert.equal(invite?.index, 3);
    assert.equal(invite?.by, owner.uid);
    const accepted = await callInProcess<SeatResponse>(respondToSeatInvite, { user: member, data: { roomId, accept: true } });
    assert.equal(accepted.index, 3);
    assert.equal((await seatsOf(roomId))[3]?.uid, member.uid);
    assert.equal(await rtdbValue(`rooms/${roomId}/invites/${member.uid}`), null, "the invitation is used up");

    await callInProcess(inviteToSeat, { user: owner, data: { roomId, uid: other.uid } });
    await callInProcess(respondToSeatInvite, { user: other, data: { roomId, accept: false } });
    assert.equal((await occupants(roomId)).includes(other.uid), false);
    assert.equal(await rtdbValue(`rooms/${roomId}/invites/${other.uid}`), null);

    // An expired invitation is refused and dropped.
    await rtdb()
      .ref(`rooms/${roomId}/invites/${other.uid}`)
      .set({ by: owner.uid, at: 1, expiresAt: Date.now() - 1 });
    await expectHttpsError(callInProcess(respondToSeatInvite, { user: other, data: { roomId, accept: true } }), "failed-precondition");
    assert.equal(await rtdbValue(`rooms/${roomId}/invites/${other.uid}`), null);
  });

  it("an invitation notifies the invitee once (a repeat while it stands adds nothing); another invitation does", async () => {
    const [owner, member] = await Promise.all([makeUser(), makeUser()]);
    const roomId = await openRoom(owner, { seatCount: 4 });
    await enter(member, roomId);
    const first = await callInProcess<{ expiresAt: string }>(inviteToSeat, { user: owner, data: { roomId, uid: member.uid, index: 2 } });
    const repeat = await callInProcess<{ expiresAt: string }>(inviteToSeat, { user: owner, data: { roomId, uid: member.uid, index: 2 } });
    assert.equal(repeat.expiresAt, first.expiresAt, "the standing invitation is kept");
    const notes = await queuedFor(member.uid, "seat-invite");
    assert.equal(notes.length, 1);
    assert.equal(notes[0]?.actorUid, owner.uid);
    assert.deepEqual(notes[0]?.data, {
      roomId,
      roomName: "Lounge",
      inviterUid: owner.uid,
      inviterName: owner.uid,
      seatIndex: 2,
      expiresAt: first.expiresAt,
    });

    // Another seat is another invitation (it replaces the first).
    await callInProcess(inviteToSeat, { user: owner, data: { roomId, uid: member.uid } });
    const [, second] = await queuedFor(member.uid, "seat-invite");
    assert.equal(second?.data.seatIndex, undefined);
    assert.equal((await rtdbValue<{ index?: number }>(`rooms/${roomId}/invites/${member.uid}`))?.index, undefined);
  });

  it("kick from seat: admins kick members, never the owner, and not each other (the owner may)", async () => {
    const [owner, admin1, admin2, member] = await Promise.all([makeUser(), makeUser(), makeUser(), makeUser()]);
    const roomId = await openRoom(owner, { seatCount: 5 });
    for (const admin of [admin1, admin2]) await callInProcess(setRoomAdmin, { user: owner, data: { roomId, uid: admin.uid, admin: true } });
    for (const user of [owner, admin1, admin2, member]) {
      await enter(user, roomId);
      await take(user, roomId);
    }
    await expectHttpsError(callInProcess(kickFromSeat, { user: member, data: { roomId, uid: admin1.uid } }), "permission-denied");
    await expectHttpsError(callInProcess(kickFromSeat, { user: admin1, data: { roomId, uid: owner.uid } }), "permission-denied");
    await expectHttpsError(callInProcess(kickFromSeat, { user: admin1, data: { roomId, uid: admin2.uid } }), "permission-denied");

    await callInProcess(kickFromSeat, { user: admin1, data: { roomId, uid: member.uid } });
    await callInProcess(kickFromSeat, { user: owner, data: { roomId, uid: admin2.uid } });
    assert.deepEqual(await occupants(roomId), [owner.uid, admin1.uid, null, null, null]);
    // Kicked from the seat, not from the room: the member may sit down again.
    assert.ok(await rtdbValue(`members/room_${roomId}/${member.uid}`));
    assert.equal((await take(member, roomId)).index, 2);
  });

  it("moving: to a free unlocked seat in one step; taken or locked seats are refused", async () => {
    const [owner, a, b] = await Promise.all([makeUser(), makeUser(), makeUser()]);
    const roomId = await openRoom(owner, { seatCount: 4 });
    await Promise.all([enter(a, roomId), enter(b, roomId)]);
    await take(a, roomId, 0);
    await take(b, roomId, 1);
    await callInProcess(lockSeat, { user: owner, data: { roomId, index: 2 } });
    await callInProcess(muteMic, { user: a, data: { roomId } });

    assert.equal(
      reasonOf(await expectHttpsError(callInProcess(moveSeat, { user: a, data: { roomId, index: 1 } }), "failed-precondition")),
      "seat-taken",
    );
    assert.equal(
      reasonOf(await expectHttpsError(callInProcess(moveSeat, { user: a, data: { roomId, index: 2 } }), "failed-precondition")),
      "seat-locked",
    );
    assert.deepEqual(await callInProcess(moveSeat, { user: a, data: { roomId, index: 3 } }), { roomId, index: 3 });
    const seats = await seatsOf(roomId);
    assert.deepEqual(
      seats.map((s) => s.uid ?? null),
      [null, b.uid, null, a.uid],
    );
    assert.equal(seats[3]?.micMuted, true, "the mic state moves with the user");
    assert.equal(seats[0]?.micMuted, false);
    // Taking a second seat is refused: moving is the only way to change seats.
    assert.equal(reasonOf(await expectHttpsError(take(a, roomId, 0), "failed-precondition")), "already-seated");
  });

  it("mics: self mute/unmute; an admin's mute holds across seats until an admin lifts it; publish rights follow", async () => {
    const [owner, admin, member, other] = await Promise.all([makeUser(), makeUser(), makeUser(), makeUser()]);
    const roomId = await openRoom(owner, { seatCount: 4 });
    await callInProcess(setRoomAdmin, { user: owner, data: { roomId, uid: admin.uid, admin: true } });
    for (const user of [admin, member, other]) await enter(user, roomId);
    const token = async (user: TestUser) => callInProcess<{ token: string; canPublish: boolean }>(getRoomMediaToken, { user, data: { roomId } });

    assert.equal((await token(member)).canPublish, false, "no seat, no publishing");
    await take(member, roomId, 1);
    const seatedToken = await token(member);
    assert.equal(seatedToken.canPublish, true);
    assert.equal((await grants(seatedToken.token))?.canPublish, true);

    await callInProcess(muteMic, { user: member, data: { roomId } });
    assert.equal((await seatsOf(roomId))[1]?.mutedBy, "self");
    await callInProcess(unmuteMic, { user: member, data: { roomId } });
    assert.equal((await seatsOf(roomId))[1]?.micMuted, false);

    await expectHttpsError(callInProcess(muteMic, { user: other, data: { roomId, uid: member.uid } }), "permission-denied");
    await callInProcess(muteMic, { user: admin, data: { roomId, uid: member.uid } });
    assert.deepEqual((await seatsOf(roomId))[1], {
      uid: member.uid,
      locked: false,
      micMuted: true,
      mutedBy: "admin",
      at: (await seatsOf(roomId))[1]?.at,
    });
    const refused = await expectHttpsError(callInProcess(unmuteMic, { user: member, data: { roomId } }), "permission-denied");
    assert.equal(reasonOf(refused), "muted-by-admin");
    assert.equal((await token(member)).canPublish, false, "muted by an admin: no publish rights");

    await callInProcess(leaveSeat, { user: member, data: { roomId } });
    await take(member, roomId, 2);
    assert.equal((await seatsOf(roomId))[2]?.mutedBy, "admin", "leaving and retaking a seat keeps the admin's mute");
    await expectHttpsError(callInProcess(unmuteMic, { user: member, data: { roomId } }), "permission-denied");

    await callInProcess(unmuteMic, { user: owner, data: { roomId, uid: member.uid } });
    assert.equal((await seatsOf(roomId))[2]?.micMuted, false);
    await callInProcess(muteMic, { user: member, data: { roomId } });
    await callInProcess(unmuteMic, { user: member, data: { roomId } });
    assert.equal((await token(member)).canPublish, true);
  });

  it("taking a seat needs membership; leaving the room or releaseSeatsOf frees the seat", async () => {
    const [owner, member, stranger] = await Promise.all([makeUser(), makeUser(), makeUser()]);
    const roomId = await openRoom(owner, { seatCount: 3 });
    assert.equal(reasonOf(await expectHttpsError(take(stranger, roomId), "failed-precondition")), "not-a-member");

    await enter(member, roomId);
    await take(member, roomId, 2);
    assert.equal(await releaseSeatsOf(roomId, member.uid, "stale"), 1);
    assert.equal(await releaseSeatsOf(roomId, member.uid, "stale"), 0, "a second release frees nothing");
    assert.equal(await releaseSeatsOf("no-such-room", member.uid, "stale"), 0);

    await take(member, roomId, 0);
    await callInProcess(leaveRoom, { user: member, data: { roomId } });
    assert.deepEqual(await occupants(roomId), [null, null, null]);
    assert.equal(await rtdbValue(`members/room_${roomId}/${member.uid}`), null);
    await expectHttpsError(take(member, roomId), "failed-precondition");
  });

  it("shrinking a room moves occupants of removed seats down, and unseats them only when no seat is left", async () => {
    const [owner, ...users] = await Promise.all([makeUser(), ...Array.from({ length: 5 }, () => makeUser())]);
    const roomId = await openRoom(owner, { seatCount: 6 });
    for (const [i, user] of users.entries()) {
      await enter(user, roomId);
      await take(user, roomId, [0, 1, 3, 4, 5][i]);
    }
    const [u0, u1, u3, u4, u5] = users as [TestUser, TestUser, TestUser, TestUser, TestUser];
    await expectHttpsError(callInProcess(updateRoom, { user: u0, data: { roomId, seatCount: 3 } }), "permission-denied");

    const shrunk = await callInProcess<UpdateRoomResponse>(updateRoom, { user: owner, data: { roomId, seatCount: 3 } });
    assert.deepEqual(shrunk.moved, [{ uid: u3.uid, from: 3, to: 2 }]);
    assert.deepEqual(shrunk.unseated, [u4.uid, u5.uid]);
    assert.deepEqual(await occupants(roomId), [u0.uid, u1.uid, u3.uid]);
    assert.equal(shrunk.room.seatCount, 3);
    assert.equal((await rtdbValue<{ seatCount: number }>(`rooms/${roomId}/state`))?.seatCount, 3);

    const grown = await callInProcess<UpdateRoomResponse>(updateRoom, { user: owner, data: { roomId, seatCount: 5 } });
    assert.deepEqual(grown.moved, []);
    assert.deepEqual(await occupants(roomId), [u0.uid, u1.uid, u3.uid, null, null]);
  });
});
