import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { db, rtdb } from "../../src/kernel/app.js";
import { trimRoomActivity } from "../../src/rooms/activity.js";
import {
  closeRoom,
  createRoom,
  enterRoom,
  getRoom,
  inviteToSeat,
  kickFromRoom,
  listRoomActivity,
  listRooms,
  lockSeat,
  muteMic,
  setRoomAdmin,
  setRoomAnnouncement,
  takeSeat,
  updateRoom,
} from "../../src/rooms/callables.js";
import { refreshMemberCounts } from "../../src/rooms/lifecycle.js";
import type { CreateRoomResponse, ListRoomActivityResponse, ListRoomsResponse, RoomView } from "../../src/rooms/schema.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { clearConfigCaches, enter, makeUser, occupants, openRoom, reasonOf, rtdbValue, setRoomsConfig } from "../support/rooms-world.js";
import { useCleanStack } from "../support/stack.js";
import type { TestUser } from "../support/users.js";

const create = (user: TestUser, data: Record<string, unknown>) => callInProcess<CreateRoomResponse>(createRoom, { user, data });
const list = (user: TestUser, data: Record<string, unknown> = {}) => callInProcess<ListRoomsResponse>(listRooms, { user, data });

describe("rooms: lifecycle, settings and discovery", () => {
  useCleanStack();
  let owner: TestUser;

  beforeEach(async () => {
    clearConfigCaches();
    owner = await makeUser({ profile: { country: "BR" } });
  });

  it("createRoom: the room, its realtime state and free seats; a replay returns the same room", async () => {
    const requestId = randomUUID();
    const data = { name: "  Night owls ", topic: "jazz", seatCount: 6, requestId };
    const { room } = await create(owner, data);
    assert.deepEqual(
      { ...room, id: undefined, createdAt: undefined },
      {
        id: undefined,
        ownerUid: owner.uid,
        name: "Night owls",
        topic: "jazz",
        seatCount: 6,
        lockMode: "open",
        entryFeeCoins: null,
        vipMinTier: null,
        admins: [],
        announcement: null,
        country: "BR",
        language: null,
        status: "open",
        level: 1,
        giftCoins: 0,
        memberCount: 0,
        createdAt: undefined,
      },
    );
    const state = await rtdbValue<Record<string, unknown>>(`rooms/${room.id}/state`);
    assert.deepEqual(state, {
      name: "Night owls",
      topic: "jazz",
      ownerUid: owner.uid,
      lockMode: "open",
      seatCount: 6,
      level: 1,
      status: "open",
      version: 1,
    });
    assert.deepEqual(await occupants(room.id), [null, null, null, null, null, null]);
    assert.equal((await create(owner, data)).room.id, room.id, "same requestId, same room");
    assert.equal((await db().collection("rooms").get()).size, 1);
  });

  it("one open room per owner by default (config/rooms.maxRoomsPerOwner); closing frees the slot", async () => {
    const first = await openRoom(owner);
    const refused = await expectHttpsError(create(owner, { name: "Second", requestId: randomUUID() }), "failed-precondition");
    assert.equal(reasonOf(refused), "room-limit");
    await callInProcess(closeRoom, { user: owner, data: { roomId: first } });
    await openRoom(owner);
    await setRoomsConfig({ maxRoomsPerOwner: 3 });
    await openRoom(owner);
    const openRoomIds = (await docData(`roomOwners/${owner.uid}`))?.openRoomIds as string[] | undefined;
    assert.equal(openRoomIds?.length, 2);
  });

  it("concurrent creates cannot pass the per-owner cap", async () => {
    await setRoomsConfig({ maxRoomsPerOwner: 2 });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => create(owner, { name: `Room ${i}`, requestId: randomUUID() })));
    assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 2);
    assert.equal((await db().collection("rooms").where("ownerUid", "==", owner.uid).get()).size, 2);
  });

  it("malformed input is invalid-argument and writes nothing", async () => {
    const stranger = await makeUser();
    const before = (await allPaths()).sort();
    const bad: [Parameters<typeof callInProcess>[0], unknown][] = [
      [createRoom, { name: "x", seatCount: 1, requestId: randomUUID() }],
      [createRoom, { name: "x", seatCount: 16, requestId: randomUUID() }],
      [createRoom, { name: "   ", requestId: randomUUID() }],
      [createRoom, { name: "x", lock: { mode: "paid", feeCoins: 0 }, requestId: randomUUID() }],
      [createRoom, { name: "x", lock: { mode: "password", password: "abc" }, requestId: randomUUID() }],
      [createRoom, { name: "x", lock: { mode: "secret" }, requestId: randomUUID() }],
      [createRoom, { name: "x", requestId: "short" }],
      [createRoom, { name: "x", requestId: randomUUID(), owner: "someone-else" }],
      [createRoom, { name: "x", lock: { mode: "paid", feeCoins: 100_001 }, requestId: randomUUID() }],
      [updateRoom, { roomId: "r1" }],
      [updateRoom, { roomId: "r/1", name: "x" }],
      [enterRoom, { roomId: "r1", visitId: "a b c d e f" }],
      [enterRoom, { roomId: "r1" }],
      [takeSeat, { roomId: "r1", index: 15 }],
      [takeSeat, { roomId: "r1", index: -1 }],
      [takeSeat, { roomId: "r1", index: 1.5 }],
      [lockSeat, { roomId: "r1" }],
      [inviteToSeat, { roomId: "r1", uid: "" }],
      [muteMic, { roomId: "r1", uid: "a/b" }],
      [kickFromRoom, { roomId: "r1", uid: "x", banMinutes: 0 }],
      [setRoomAnnouncement, { roomId: "r1", text: "x".repeat(501) }],
      [listRooms, { sort: "random" }],
      [listRooms, { limit: 500 }],
      [listRoomActivity, { roomId: "r1", limit: 0 }],
    ];
    for (const [fn, data] of bad) await expectHttpsError(callInProcess(fn, { user: stranger, data }), "invalid-argument");
    assert.deepEqual((await allPaths()).sort(), before);
    assert.equal((await rtdb().ref().get()).val(), null, "nothing in the Realtime Database either");
  });

  it("updateRoom: owner and room admins change settings; the state mirror follows; others are refused", async () => {
    const [admin, member] = await Promise.all([makeUser(), makeUser()]);
    const roomId = await openRoom(owner);
    await expectHttpsError(callInProcess(setRoomAdmin, { user: member, data: { roomId, uid: member.uid, admin: true } }), "permission-denied");
    await callInProcess(setRoomAdmin, { user: owner, data: { roomId, uid: admin.uid, admin: true } });
    await expectHttpsError(callInProcess(setRoomAdmin, { user: admin, data: { roomId, uid: member.uid, admin: true } }), "permission-denied");

    await expectHttpsError(callInProcess(updateRoom, { user: member, data: { roomId, name: "Mine now" } }), "permission-denied");
    const updated = await callInProcess<{ room: RoomView }>(updateRoom, {
      user: admin,
      data: { roomId, name: "Renamed", lock: { mode: "paid", feeCoins: 30 } },
    });
    assert.equal(updated.room.name, "Renamed");
    assert.equal(updated.room.lockMode, "paid");
    assert.equal(updated.room.entryFeeCoins, 30);
    const state = await rtdbValue<Record<string, unknown>>(`rooms/${roomId}/state`);
    assert.equal(state?.name, "Renamed");
    assert.equal(state?.entryFeeCoins, 30);
    assert.deepEqual(state?.admins, { [admin.uid]: true });
    assert.equal(state?.version, 3);

    await callInProcess(updateRoom, { user: owner, data: { roomId, lock: { mode: "password", password: "letmein" } } });
    assert.ok((await docData(`rooms/${roomId}/private/lock`))?.passwordHash);
    await callInProcess(updateRoom, { user: owner, data: { roomId, lock: { mode: "open" } } });
    assert.equal(await docData(`rooms/${roomId}/private/lock`), undefined, "the hash goes with the password mode");
    assert.equal((await rtdbValue<Record<string, unknown>>(`rooms/${roomId}/state`))?.entryFeeCoins, undefined);

    await callInProcess(setRoomAdmin, { user: owner, data: { roomId, uid: admin.uid, admin: false } });
    await expectHttpsError(callInProcess(updateRoom, { user: admin, data: { roomId, topic: "x" } }), "permission-denied");
  });

  it("a room admin's member record shows the role; granting and revoking update it", async () => {
    const admin = await makeUser();
    const roomId = await openRoom(owner);
    await enter(admin, roomId);
    await callInProcess(setRoomAdmin, { user: owner, data: { roomId, uid: admin.uid, admin: true } });
    assert.equal((await rtdbValue<{ role: string }>(`members/room_${roomId}/${admin.uid}`))?.role, "admin");
    await callInProcess(setRoomAdmin, { user: owner, data: { roomId, uid: admin.uid, admin: false } });
    assert.equal((await rtdbValue<{ role: string }>(`members/room_${roomId}/${admin.uid}`))?.role, "member");
  });

  it("announcements: set and cleared by the owner or admins, mirrored to the state", async () => {
    const member = await makeUser();
    const roomId = await openRoom(owner);
    await expectHttpsError(callInProcess(setRoomAnnouncement, { user: member, data: { roomId, text: "hi" } }), "permission-denied");
    const { room } = await callInProcess<{ room: RoomView }>(setRoomAnnouncement, { user: owner, data: { roomId, text: "  Welcome! Be kind.  " } });
    assert.equal(room.announcement?.text, "Welcome! Be kind.");
    assert.equal(room.announcement?.byUid, owner.uid);
    const state = await rtdbValue<{ announcement: { text: string; by: string; at: number } }>(`rooms/${roomId}/state`);
    assert.equal(state?.announcement.text, "Welcome! Be kind.");
    assert.equal(typeof state?.announcement.at, "number");
    await callInProcess(setRoomAnnouncement, { user: owner, data: { roomId, text: "" } });
    assert.equal((await rtdbValue<Record<string, unknown>>(`rooms/${roomId}/state`))?.announcement, undefined);
  });

  it("closeRoom: owner or staff only; members, seats and invitations go; the room cannot be entered", async () => {
    const [admin, member, moderator] = await Promise.all([makeUser(), makeUser(), makeUser({ roles: ["moderator"] })]);
    const roomId = await openRoom(owner);
    await callInProcess(setRoomAdmin, { user: owner, data: { roomId, uid: admin.uid, admin: true } });
    await enter(member, roomId);
    await callInProcess(takeSeat, { user: member, data: { roomId } });
    await rtdb().ref(`chat/room_${roomId}/m1`).set({ uid: member.uid, text: "hi", createdAt: Date.now() });
    await rtdb().ref(`giftEvents/room_${roomId}/g1`).set({ g: "rose", n: 1, f: member.uid, r: owner.uid, v: 10, t: Date.now() });
    await expectHttpsError(callInProcess(closeRoom, { user: admin, data: { roomId } }), "permission-denied");
    await expectHttpsError(callInProcess(closeRoom, { user: member, data: { roomId } }), "permission-denied");

    assert.deepEqual(await callInProcess(closeRoom, { user: moderator, data: { roomId } }), { roomId, alreadyClosed: false });
    assert.deepEqual(await callInProcess(closeRoom, { user: owner, data: { roomId } }), { roomId, alreadyClosed: true });
    assert.equal((await docData(`rooms/${roomId}`))?.status, "closed");
    assert.equal((await rtdbValue<{ status: string }>(`rooms/${roomId}/state`))?.status, "closed");
    assert.equal(await rtdbValue(`rooms/${roomId}/seats`), null);
    assert.equal(await rtdbValue(`members/room_${roomId}`), null);
    assert.equal(await rtdbValue(`chat/room_${roomId}`), null, "the chat goes (it is archived in Firestore)");
    assert.equal(await rtdbValue(`giftEvents/room_${roomId}`), null);
    assert.equal(reasonOf(await expectHttpsError(enter(member, roomId), "failed-precondition")), "room-closed");
    await expectHttpsError(callInProcess(takeSeat, { user: member, data: { roomId } }), "failed-precondition");
  });

  it("listRooms: popular (member counts refreshed from RTDB), recent, by country, paginated; blocked owners hidden", async () => {
    const [ownerB, ownerC, ownerD, viewer] = await Promise.all([
      makeUser({ profile: { country: "BR" } }),
      makeUser({ profile: { country: "US" } }),
      makeUser({ profile: { country: "BR" } }),
      makeUser(),
    ]);
    const roomA = await openRoom(owner);
    const roomB = await openRoom(ownerB);
    const roomC = await openRoom(ownerC);
    const roomD = await openRoom(ownerD);
    await callInProcess(closeRoom, { user: ownerD, data: { roomId: roomD } });
    const members = await Promise.all(Array.from({ length: 3 }, () => makeUser()));
    for (const m of members) await enter(m, roomB);
    await enter(members[0] as TestUser, roomC);
    assert.equal(await refreshMemberCounts(), 2);

    const popular = await list(viewer, { sort: "popular" });
    assert.deepEqual(
      popular.rooms.map((r) => [r.id, r.memberCount]),
      [
        [roomB, 3],
        [roomC, 1],
        [roomA, 0],
      ],
    );
    assert.deepEqual(
      (await list(viewer, { sort: "recent" })).rooms.map((r) => r.id),
      [roomC, roomB, roomA],
    );
    assert.deepEqual(
      (await list(viewer, { sort: "popular", country: "BR" })).rooms.map((r) => r.id),
      [roomB, roomA],
    );

    const page1 = await list(viewer, { sort: "popular", limit: 2 });
    assert.deepEqual(
      page1.rooms.map((r) => r.id),
      [roomB, roomC],
    );
    const page2 = await list(viewer, { sort: "popular", limit: 2, cursor: page1.nextCursor });
    assert.deepEqual(
      page2.rooms.map((r) => r.id),
      [roomA],
    );
    assert.equal(page2.nextCursor, null);

    await db().doc(`blocks/${ownerB.uid}__${viewer.uid}`).set({ blockerUid: ownerB.uid, blockedUid: viewer.uid });
    assert.deepEqual(
      (await list(viewer, { sort: "popular" })).rooms.map((r) => r.id),
      [roomC, roomA],
    );
  });

  it("activity history: owner, admins and staff page through it newest first; members are refused", async () => {
    const [member, moderator] = await Promise.all([makeUser(), makeUser({ roles: ["moderator"] })]);
    const roomId = await openRoom(owner, { seatCount: 4 });
    await enter(member, roomId);
    await callInProcess(takeSeat, { user: member, data: { roomId } });
    await callInProcess(lockSeat, { user: owner, data: { roomId, index: 3 } });
    await callInProcess(kickFromRoom, { user: owner, data: { roomId, uid: member.uid, banMinutes: 3, reason: "spam" } });

    await expectHttpsError(callInProcess(listRoomActivity, { user: member, data: { roomId } }), "permission-denied");
    const all = await callInProcess<ListRoomActivityResponse>(listRoomActivity, { user: moderator, data: { roomId } });
    assert.deepEqual(
      all.items.map((i) => i.type),
      ["member.kicked", "seat.released", "seat.locked", "seat.taken", "room.created"],
    );
    const kicked = all.items[0];
    assert.equal(kicked?.actorUid, owner.uid);
    assert.equal(kicked?.targetUid, member.uid);
    assert.equal(kicked?.details.reason, "spam");
    assert.equal(kicked?.details.banMinutes, 3);

    const first = await callInProcess<ListRoomActivityResponse>(listRoomActivity, { user: owner, data: { roomId, limit: 3 } });
    const rest = await callInProcess<ListRoomActivityResponse>(listRoomActivity, {
      user: owner,
      data: { roomId, limit: 3, cursor: first.nextCursor },
    });
    assert.deepEqual(
      [...first.items, ...rest.items].map((i) => i.id),
      all.items.map((i) => i.id),
    );
    assert.equal(rest.nextCursor, null);

    // Retention: entries older than the cut-off go, the rest stay.
    await db().collection(`rooms/${roomId}/activity`).add({ type: "seat.taken", actorUid: member.uid, targetUid: null, details: {}, atMs: 1_000 });
    assert.equal(await trimRoomActivity(Date.now() - 86_400_000), 1);
    assert.equal((await db().collection(`rooms/${roomId}/activity`).get()).size, all.items.length);
  });

  it("getRoom returns the room to any signed-in user", async () => {
    const viewer = await makeUser();
    const roomId = await openRoom(owner, { topic: "chill" });
    const { room } = await callInProcess<{ room: RoomView }>(getRoom, { user: viewer, data: { roomId } });
    assert.equal(room.topic, "chill");
    await expectHttpsError(callInProcess(getRoom, { user: viewer, data: { roomId: "missing" } }), "not-found");
  });
});
