import assert from "node:assert/strict";
import { deleteChatMessage, muteInVenue, unmuteInVenue } from "../../src/chat/callables.js";
import { rtdb } from "../../src/kernel/app.js";
import { endStream, kickFromStream, listLiveStreams, removeGuest, updateStreamInvites } from "../../src/live/callables.js";
import { challengePk } from "../../src/live/pk/callables.js";
import { inviteToSeat, kickFromRoom, listRoomActivity, listRooms, muteMic, setRoomAdmin } from "../../src/rooms/callables.js";
import type { ListRoomsResponse } from "../../src/rooms/schema.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths } from "../support/firestore.js";
import { makeUser, openRoom } from "../support/rooms-world.js";
import { useCleanStack } from "../support/stack.js";

const venue = { type: "stream", id: "s1" };

/** Characters a uid may not carry into RTDB keys and document ids (the kernel's key-safe uid). */
const badUids = ["", "a.b", "a$b", "a#b", "a[b]", "a/b", "a b", "a@b", "ünï", "x".repeat(129)];

describe("venues: the callables' request contract (live, rooms, chat)", () => {
  useCleanStack();

  it("listRooms takes null or no payload as the defaults, as the JS SDK sends it", async () => {
    const owner = await makeUser();
    const roomId = await openRoom(owner);
    for (const data of [null, undefined]) {
      const page = await callInProcess<ListRoomsResponse>(listRooms, { user: owner, data });
      assert.deepEqual(
        page.rooms.map((r) => r.id),
        [roomId],
      );
    }
    const page = await callInProcess<ListRoomsResponse>(listRooms, { user: owner, data: { cursor: null } });
    assert.equal(page.rooms.length, 1, "a null cursor is the first page, like listLiveStreams");
  });

  it("refuses empty cursors and reasons and every uid that is not key-safe, with invalid-argument, writing nothing", async () => {
    const caller = await makeUser({ roles: ["host"] });
    const before = (await allPaths()).sort();
    const streamId = "s1";
    const roomId = "r1";
    const bad: [string, Parameters<typeof callInProcess>[0], unknown][] = [
      ["listRooms cursor", listRooms, { cursor: "" }],
      ["listRoomActivity cursor", listRoomActivity, { roomId, cursor: "" }],
      ["listLiveStreams cursor", listLiveStreams, { by: "live", cursor: "" }],
      ["kickFromRoom reason", kickFromRoom, { roomId, uid: "someone", reason: "" }],
      ["kickFromRoom blank reason", kickFromRoom, { roomId, uid: "someone", reason: "   " }],
      ["endStream reason", endStream, { streamId, reason: "" }],
      ["muteInVenue reason", muteInVenue, { venue, uid: "someone", durationSeconds: 60, reason: "" }],
      ["deleteChatMessage messageId", deleteChatMessage, { venue, messageId: "" }],
      ["challengePk requestId", challengePk, { streamId, opponentStreamId: "s2", requestId: "" }],
    ];
    for (const uid of badUids) {
      bad.push(
        ["muteInVenue uid", muteInVenue, { venue, uid, durationSeconds: 60 }],
        ["unmuteInVenue uid", unmuteInVenue, { venue, uid }],
        ["kickFromRoom uid", kickFromRoom, { roomId, uid }],
        ["setRoomAdmin uid", setRoomAdmin, { roomId, uid, admin: true }],
        ["inviteToSeat uid", inviteToSeat, { roomId, uid }],
        ["muteMic uid", muteMic, { roomId, uid }],
        ["kickFromStream uid", kickFromStream, { streamId, uid }],
        ["removeGuest uid", removeGuest, { streamId, uid }],
        ["updateStreamInvites uid", updateStreamInvites, { streamId, add: [uid] }],
      );
    }
    for (const [label, fn, data] of bad) {
      await expectHttpsError(callInProcess(fn, { user: caller, data }), "invalid-argument").catch((err: Error) => {
        throw new Error(`${label} ${JSON.stringify(data)}: ${err.message}`);
      });
    }
    assert.deepEqual((await allPaths()).sort(), before);
    assert.equal((await rtdb().ref().get()).val(), null, "nothing in the Realtime Database either");
  });

  it("still accepts a well-formed reason and uid", async () => {
    const owner = await makeUser();
    const guest = await makeUser();
    const roomId = await openRoom(owner);
    const kicked = await callInProcess<{ bannedUntil: string }>(kickFromRoom, {
      user: owner,
      data: { roomId, uid: guest.uid, banMinutes: 1, reason: "spam" },
    });
    assert.ok(kicked.bannedUntil);
  });
});
