import assert from "node:assert/strict";
import { deleteChatMessage, muteInVenue, unmuteInVenue } from "../../src/chat/callables.js";
import { db, rtdb } from "../../src/kernel/app.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser, type TestUser } from "../support/users.js";

const STREAM = { type: "stream", id: "s1" } as const;
const ROOM = { type: "room", id: "r1" } as const;

async function muteOf(venueKey: string, uid: string): Promise<unknown> {
  return (await rtdb().ref(`mutes/${venueKey}/${uid}`).get()).val();
}

async function actions(venueKey: string): Promise<Record<string, unknown>[]> {
  const snapshot = await db().collection(`chatArchive/${venueKey}/actions`).get();
  return snapshot.docs.map((doc) => doc.data());
}

describe("chat: muteInVenue, unmuteInVenue, deleteChatMessage", () => {
  useCleanStack();
  let host: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let moderator: TestUser;
  let owner: TestUser;
  let roomAdmin: TestUser;
  let otherRoomAdmin: TestUser;

  beforeEach(async () => {
    [host, alice, bob, moderator, owner, roomAdmin, otherRoomAdmin] = await Promise.all([
      createTestUser({ roles: ["host"] }),
      createTestUser(),
      createTestUser(),
      createTestUser({ roles: ["moderator"] }),
      createTestUser(),
      createTestUser(),
      createTestUser(),
    ]);
    await Promise.all([
      db().doc("streams/s1").set({ id: "s1", hostUid: host.uid, status: "live", title: "Live" }),
      db()
        .doc("rooms/r1")
        .set({ ownerUid: owner.uid, admins: [roomAdmin.uid, otherRoomAdmin.uid], name: "Room", status: "open" }),
      db()
        .doc(`users/${moderator.uid}`)
        .set({ roles: ["moderator"] }),
    ]);
  });

  const mute = (user: TestUser, data: Record<string, unknown>) => callInProcess(muteInVenue, { user, data });
  const unmute = (user: TestUser, data: Record<string, unknown>) => callInProcess(unmuteInVenue, { user, data });

  it("the host mutes a viewer for a duration, unmutes them, and both are recorded", async () => {
    const before = Date.now();
    const { mutedUntil } = await mute(host, { venue: STREAM, uid: alice.uid, durationSeconds: 600, reason: "spam" });
    assert.ok(mutedUntil >= before + 600_000 && mutedUntil <= Date.now() + 600_000);
    assert.equal(await muteOf("stream_s1", alice.uid), mutedUntil);

    assert.deepEqual(await unmute(host, { venue: STREAM, uid: alice.uid }), { wasMuted: true });
    assert.equal(await muteOf("stream_s1", alice.uid), null);
    assert.deepEqual(await unmute(host, { venue: STREAM, uid: alice.uid }), { wasMuted: false });

    const recorded = (await actions("stream_s1")).map(({ action, targetUid, byUid, authority, reason }) => ({
      action,
      targetUid,
      byUid,
      authority,
      reason,
    }));
    assert.deepEqual(
      recorded.sort((a, b) => String(a.action).localeCompare(String(b.action))),
      [
        { action: "mute", targetUid: alice.uid, byUid: host.uid, authority: "host", reason: "spam" },
        { action: "unmute", targetUid: alice.uid, byUid: host.uid, authority: "host", reason: undefined },
      ],
    );
  });

  it("viewers cannot mute or unmute anyone, and nothing changes", async () => {
    await rtdb()
      .ref(`mutes/stream_s1/${bob.uid}`)
      .set(Date.now() + 60_000);
    const before = await allPaths();
    await expectHttpsError(mute(alice, { venue: STREAM, uid: bob.uid, durationSeconds: 60 }), "permission-denied");
    await expectHttpsError(unmute(alice, { venue: STREAM, uid: bob.uid }), "permission-denied");
    assert.ok(((await muteOf("stream_s1", bob.uid)) as number) > Date.now());
    assert.deepEqual(await allPaths(), before);
  });

  it("a host cannot mute a moderator; a moderator mutes anyone, the host included", async () => {
    await expectHttpsError(mute(host, { venue: STREAM, uid: moderator.uid, durationSeconds: 60 }), "permission-denied");
    assert.equal(await muteOf("stream_s1", moderator.uid), null);
    await mute(moderator, { venue: STREAM, uid: host.uid, durationSeconds: 60 });
    await mute(moderator, { venue: ROOM, uid: owner.uid, durationSeconds: 60 });
    assert.ok(((await muteOf("stream_s1", host.uid)) as number) > Date.now());
    assert.ok(((await muteOf("room_r1", owner.uid)) as number) > Date.now());
  });

  it("in a room the owner and room admins mute members; admins cannot mute the owner or each other", async () => {
    await mute(owner, { venue: ROOM, uid: alice.uid, durationSeconds: 60 });
    await mute(roomAdmin, { venue: ROOM, uid: bob.uid, durationSeconds: 60 });
    await mute(owner, { venue: ROOM, uid: roomAdmin.uid, durationSeconds: 60 });
    await expectHttpsError(mute(roomAdmin, { venue: ROOM, uid: owner.uid, durationSeconds: 60 }), "permission-denied");
    await expectHttpsError(mute(roomAdmin, { venue: ROOM, uid: otherRoomAdmin.uid, durationSeconds: 60 }), "permission-denied");
    // The stream's host has no say in the room.
    await expectHttpsError(mute(host, { venue: ROOM, uid: alice.uid, durationSeconds: 60 }), "permission-denied");
    const mutes = (await rtdb().ref("mutes/room_r1").get()).val();
    assert.deepEqual(Object.keys(mutes).sort(), [alice.uid, bob.uid, roomAdmin.uid].sort());
  });

  it("refuses muting yourself and unknown venues", async () => {
    await expectHttpsError(mute(host, { venue: STREAM, uid: host.uid, durationSeconds: 60 }), "failed-precondition");
    await expectHttpsError(mute(moderator, { venue: { type: "stream", id: "nope" }, uid: alice.uid, durationSeconds: 60 }), "not-found");
    await expectHttpsError(mute(moderator, { venue: { type: "room", id: "nope" }, uid: alice.uid, durationSeconds: 60 }), "not-found");
    assert.equal((await rtdb().ref("mutes").get()).exists(), false);
  });

  it("malformed requests are invalid-argument and write nothing", async () => {
    const before = await allPaths();
    const bad: Record<string, unknown>[] = [
      { venue: { type: "club", id: "s1" }, uid: alice.uid, durationSeconds: 60 },
      { venue: STREAM, uid: "a/b", durationSeconds: 60 },
      { venue: STREAM, uid: alice.uid, durationSeconds: 5 },
      { venue: STREAM, uid: alice.uid, durationSeconds: 31 * 86_400 },
      { venue: STREAM, uid: alice.uid, durationSeconds: 60, until: Date.now() + 1e9 },
      { venue: { ...STREAM, id: "s1/../x" }, uid: alice.uid, durationSeconds: 60 },
    ];
    for (const data of bad) await expectHttpsError(mute(host, data), "invalid-argument");
    await expectHttpsError(unmute(host, { venue: STREAM }), "invalid-argument");
    await expectHttpsError(callInProcess(deleteChatMessage, { user: host, data: { venue: STREAM, messageId: "../x" } }), "invalid-argument");
    await expectHttpsError(callInProcess(deleteChatMessage, { user: host, data: { venue: STREAM } }), "invalid-argument");
    assert.deepEqual(await allPaths(), before);
    assert.equal((await rtdb().ref("mutes").get()).exists(), false);
  });

  describe("deleteChatMessage", () => {
    async function post(uid: string, text: string): Promise<string> {
      const ref = rtdb().ref("chat/stream_s1").push();
      await ref.set({ uid, text, createdAt: Date.now() });
      return ref.key as string;
    }
    const remove = (user: TestUser, messageId: string) => callInProcess(deleteChatMessage, { user, data: { venue: STREAM, messageId } });
    const live = async (messageId: string) => (await rtdb().ref(`chat/stream_s1/${messageId}`).get()).exists();

    it("the author deletes their own message; the deletion is kept in the archive", async () => {
      const messageId = await post(alice.uid, "oops, wrong chat");
      assert.deepEqual(await remove(alice, messageId), { deleted: true });
      assert.equal(await live(messageId), false);
      const archived = await docData(`chatArchive/stream_s1/messages/${messageId}`);
      assert.equal(archived?.uid, alice.uid);
      const deletion = archived?.deleted as { byUid: string; authority: string } | undefined;
      assert.equal(deletion?.byUid, alice.uid);
      assert.equal(deletion?.authority, "author");
      // A retry finds it gone.
      assert.deepEqual(await remove(alice, messageId), { deleted: false });
    });

    it("the host and moderators delete anyone's message; other viewers cannot", async () => {
      const first = await post(alice.uid, "first");
      const second = await post(alice.uid, "second");
      await expectHttpsError(remove(bob, first), "permission-denied");
      assert.equal(await live(first), true);
      assert.deepEqual(await remove(host, first), { deleted: true });
      assert.deepEqual(await remove(moderator, second), { deleted: true });
      assert.equal(await live(first), false);
      assert.equal(await live(second), false);
      const recorded = (await actions("stream_s1")).map((a) => [a.action, a.byUid, a.targetUid]);
      assert.equal(recorded.length, 2);
      assert.ok(recorded.every(([action, , target]) => action === "deleteMessage" && target === alice.uid));
    });

    it("a host cannot delete a moderator's message; an unknown message is not-found", async () => {
      const messageId = await post(moderator.uid, "staff note");
      await expectHttpsError(remove(host, messageId), "permission-denied");
      assert.equal(await live(messageId), true);
      await expectHttpsError(remove(host, "-NoSuchMessage"), "not-found");
    });
  });
});
