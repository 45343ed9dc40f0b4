import assert from "node:assert/strict";
import "../../src/composition.js";
import { rtdb } from "../../src/kernel/app.js";
import { syncViewer } from "../../src/live/viewers.js";
import { removeFromVenue } from "../../src/venues/membership.js";
import { useCleanStack } from "../support/stack.js";

const ROOM = { type: "room", id: "r1" } as const;
const STREAM = { type: "stream", id: "s1" } as const;

const exists = async (path: string) => (await rtdb().ref(path).get()).exists();

async function seedRoomMember(uid: string, seat: number) {
  const seats = Array.from({ length: 4 }, (_, i) =>
    i === seat ? { uid, locked: false, micMuted: false, at: Date.now() } : { locked: false, micMuted: false },
  );
  await rtdb()
    .ref()
    .update({
      "rooms/r1/seats": seats,
      [`members/room_r1/${uid}`]: { role: "member", at: Date.now() },
      [`presence/room_r1/${uid}`]: { lastSeen: Date.now() },
      [`typing/room_r1/${uid}`]: true,
      [`absences/room_r1/${uid}`]: Date.now(),
    });
}

describe("venues: removeFromVenue", () => {
  useCleanStack();

  it("removes membership, presence, typing and the absence marker, and frees the seat; a repeat is a no-op", async () => {
    await seedRoomMember("alice", 2);
    assert.deepEqual(await removeFromVenue(ROOM, "alice", "kicked"), { wasMember: true, released: 1 });
    for (const path of [
      "members/room_r1/alice",
      "presence/room_r1/alice",
      "typing/room_r1/alice",
      "absences/room_r1/alice",
      "rooms/r1/seats/2/uid",
    ]) {
      assert.equal(await exists(path), false, `${path} should be gone`);
    }
    assert.deepEqual(await removeFromVenue(ROOM, "alice", "kicked"), { wasMember: false, released: 0 });
  });

  it("concurrent removals of one member: exactly one ends the membership", async () => {
    await seedRoomMember("bob", 0);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => removeFromVenue(ROOM, "bob", "stale")));
    assert.equal(outcomes.filter((o) => o.wasMember).length, 1);
    assert.equal(
      outcomes.reduce((sum, o) => sum + o.released, 0),
      1,
    );
    assert.equal(await exists("rooms/r1/seats/0/uid"), false);
  });

  it("in a stream, releases the guest slot and uncounts the viewer once", async () => {
    await rtdb()
      .ref()
      .update({
        "members/stream_s1/carol": { role: "viewer", at: Date.now() },
        "members/stream_s1/dave": { role: "viewer", at: Date.now() },
        "streams/s1/state/guests": { 1: { uid: "carol", at: Date.now() } },
      });
    await Promise.all([syncViewer("s1", "carol"), syncViewer("s1", "dave")]);
    assert.deepEqual(await removeFromVenue(STREAM, "carol", "ended"), { wasMember: true, released: 1 });
    await removeFromVenue(STREAM, "carol", "ended");
    assert.equal(await exists("streams/s1/state/guests/1"), false);
    assert.equal(await exists("members/stream_s1/carol"), false);
    const counts = (await rtdb().ref("streams/s1/state/viewers").get()).val();
    assert.deepEqual([counts.current, counts.peak], [1, 2]);
  });
  it("a removal racing a rejoin written by the same instance settles: the newer membership stands and nothing fails", async () => {
    await seedRoomMember("alice", 1);
    // Two removals queue two transactions on the member node; the rejoin's write lands while the second
    // waits, and the client aborts that one locally.
    const rejoin = rtdb().ref("members/room_r1/alice").set({ role: "member", at: Date.now() });
    const first = removeFromVenue(ROOM, "alice", "left");
    const second = removeFromVenue(ROOM, "alice", "left");
    const rejoinAfter = rtdb().ref("members/room_r1/alice").set({ role: "member", at: Date.now() });
    const outcomes = await Promise.allSettled([rejoin, first, second, rejoinAfter]);
    assert.deepEqual(
      outcomes.filter((o) => o.status === "rejected").map((o) => String((o as PromiseRejectedResult).reason)),
      [],
    );
    const removals = outcomes.slice(1, 3).map((o) => (o as PromiseFulfilledResult<{ wasMember: boolean }>).value.wasMember);
    assert.deepEqual(removals, [true, false], "one removal ended the membership; the superseded one ended nothing");
    assert.equal(await exists("members/room_r1/alice"), true, "the rejoin written last stands");
  });
});
