import assert from "node:assert/strict";
import { db, rtdb } from "../../src/kernel/app.js";
import { syncViewer } from "../../src/live/viewers.js";
import { clearPresenceConfigCache } from "../../src/venues/config.js";
import { removeFromVenue } from "../../src/venues/membership.js";
import { sweepVenuePresence } from "../../src/venues/presence.js";
import { onVenueMemberAdmitted, onVenuePresenceRemoved } from "../../src/venues/triggers.js";
import { useCleanStack } from "../support/stack.js";
import { deliverDatabaseEvent } from "../support/triggers.js";

const ROOM_KEY = "room_r1";
const STREAM_KEY = "stream_s1";
const MINUTE = 60_000;

const value = async (path: string) => (await rtdb().ref(path).get()).val();
const exists = async (path: string) => (await rtdb().ref(path).get()).exists();

/** What joinStream / enterRoom do (members node), then the trigger that event fires. */
async function admit(venueKey: string, uid: string, at = Date.now()) {
  const member = { role: "member", at };
  await rtdb().ref(`members/${venueKey}/${uid}`).set(member);
  await deliverDatabaseEvent(onVenueMemberAdmitted, "created", `members/${venueKey}/${uid}`, member, `admit-${venueKey}-${uid}-${at}`, {
    venueKey,
    uid,
  });
}

/** The client's heartbeat (server time in production; any time here, to simulate age). */
const heartbeat = (venueKey: string, uid: string, lastSeen: number) => rtdb().ref(`presence/${venueKey}/${uid}`).set({ lastSeen });

/** onDisconnect fired (or the app removed its presence): the entry goes, and the delete event fires. */
async function losePresence(venueKey: string, uid: string, eventId: string) {
  const before = await value(`presence/${venueKey}/${uid}`);
  await rtdb().ref(`presence/${venueKey}/${uid}`).remove();
  await deliverDatabaseEvent(onVenuePresenceRemoved, "deleted", `presence/${venueKey}/${uid}`, before, eventId, { venueKey, uid });
}

/** The room seat layout (rooms/seats.ts): seats[index] = { uid?, locked, micMuted, at? }. */
function seatRoom(...holders: Array<string | null>) {
  return rtdb()
    .ref("rooms/r1/seats")
    .set(holders.map((uid) => (uid ? { uid, locked: false, micMuted: false, at: Date.now() } : { locked: false, micMuted: false })));
}

async function seatHolders(): Promise<Array<string | null>> {
  const seats = ((await value("rooms/r1/seats")) ?? []) as Array<{ uid?: string }>;
  return seats.map((seat) => seat.uid ?? null);
}

describe("venues: presence sweep", () => {
  useCleanStack();
  beforeEach(() => clearPresenceConfigCache());

  it("frees the seat of a member whose client vanished (stale presence), and a second pass changes nothing", async () => {
    const now = Date.now();
    await admit(ROOM_KEY, "alice", now - 10 * MINUTE);
    await admit(ROOM_KEY, "bob", now - 10 * MINUTE);
    await seatRoom("alice", null, "bob");
    await heartbeat(ROOM_KEY, "alice", now - 5 * MINUTE); // onDisconnect never fired
    await heartbeat(ROOM_KEY, "bob", now - 10_000);
    await rtdb().ref(`typing/${ROOM_KEY}/alice`).set(true);

    const summary = await sweepVenuePresence(now);
    assert.equal(summary.staleRemoved, 1);
    assert.equal(summary.failures, 0);
    assert.deepEqual(await seatHolders(), [null, null, "bob"]);
    assert.equal(await exists(`members/${ROOM_KEY}/alice`), false);
    assert.equal(await exists(`presence/${ROOM_KEY}/alice`), false);
    assert.equal(await exists(`typing/${ROOM_KEY}/alice`), false);
    assert.equal(await exists(`members/${ROOM_KEY}/bob`), true);
    // bob's admission marker is settled: his presence is fresh.
    assert.equal(await exists(`absences/${ROOM_KEY}/bob`), false);

    const again = await sweepVenuePresence(now);
    assert.deepEqual(again, { venues: 1, staleRemoved: 0, absentRemoved: 0, markersCleared: 0, giftEventsTrimmed: 0, venuesClosed: 0, failures: 0 });
    assert.deepEqual(await seatHolders(), [null, null, "bob"]);
  });

  it("removes a member who never wrote presence once the grace period is over, not before", async () => {
    const now = Date.now();
    await admit(ROOM_KEY, "carol", now);
    await seatRoom(null, "carol");
    assert.equal(await value(`absences/${ROOM_KEY}/carol`), now);

    await sweepVenuePresence(now + 30_000);
    assert.deepEqual(await seatHolders(), [null, "carol"]);
    const summary = await sweepVenuePresence(now + 61_000);
    assert.equal(summary.absentRemoved, 1);
    assert.deepEqual(await seatHolders(), [null, null]);
    assert.equal(await exists(`members/${ROOM_KEY}/carol`), false);
    assert.equal(await exists(`absences/${ROOM_KEY}/carol`), false);
  });

  it("after onDisconnect removed presence: a quick reconnect keeps the seat, a lasting absence frees it", async () => {
    const joined = Date.now();
    await admit(ROOM_KEY, "dave", joined);
    await seatRoom("dave");
    await heartbeat(ROOM_KEY, "dave", joined);

    await losePresence(ROOM_KEY, "dave", "presence-lost-1");
    const since = (await value(`absences/${ROOM_KEY}/dave`)) as number;
    assert.ok(since >= joined);
    // The app reconnects within the grace period and writes presence again.
    await heartbeat(ROOM_KEY, "dave", since + 20_000);
    const settled = await sweepVenuePresence(since + 61_000);
    assert.equal(settled.markersCleared, 1);
    assert.deepEqual(await seatHolders(), ["dave"]);
    assert.equal(await exists(`absences/${ROOM_KEY}/dave`), false);

    // This time it does not come back.
    await losePresence(ROOM_KEY, "dave", "presence-lost-2");
    const lostAt = (await value(`absences/${ROOM_KEY}/dave`)) as number;
    await sweepVenuePresence(lostAt + 30_000);
    assert.deepEqual(await seatHolders(), ["dave"]);
    await sweepVenuePresence(lostAt + 61_000);
    assert.deepEqual(await seatHolders(), [null]);
    assert.equal(await exists(`members/${ROOM_KEY}/dave`), false);
  });

  it("presence removed by removeFromVenue (a leave, a kick) starts no grace period", async () => {
    await admit(ROOM_KEY, "erin");
    await heartbeat(ROOM_KEY, "erin", Date.now());
    const before = await value(`presence/${ROOM_KEY}/erin`);
    await removeFromVenue({ type: "room", id: "r1" }, "erin", "left");
    await deliverDatabaseEvent(onVenuePresenceRemoved, "deleted", `presence/${ROOM_KEY}/erin`, before, "presence-removed-on-leave", {
      venueKey: ROOM_KEY,
      uid: "erin",
    });
    assert.equal(await exists(`absences/${ROOM_KEY}/erin`), false);
  });

  it("a stream member's guest slot and viewer count are released", async () => {
    const now = Date.now();
    await admit(STREAM_KEY, "alice", now - 10 * MINUTE);
    // live/ layout: a guest slot, and alice counted as a viewer (after a peak of 3).
    await rtdb()
      .ref("streams/s1/state/guests")
      .set({ 0: { uid: "alice", at: now - 9 * MINUTE } });
    await Promise.all(["bob", "carol"].map((uid) => admit(STREAM_KEY, uid, now - MINUTE)));
    await Promise.all(["alice", "bob", "carol"].map((uid) => syncViewer("s1", uid)));
    await Promise.all(["bob", "carol"].map((uid) => removeFromVenue({ type: "stream", id: "s1" }, uid, "left")));
    await heartbeat(STREAM_KEY, "alice", now - 3 * MINUTE);

    await sweepVenuePresence(now);
    assert.equal(await exists("streams/s1/state/guests/0"), false);
    const counts = await value("streams/s1/state/viewers");
    assert.deepEqual([counts.current, counts.peak], [0, 3]);
    assert.equal(await exists(`members/${STREAM_KEY}/alice`), false);
  });

  it("trims each venue's gift feed to the configured length", async () => {
    await db().doc("config/presence").set({ giftEventsKept: 5 });
    await admit(STREAM_KEY, "alice");
    await heartbeat(STREAM_KEY, "alice", Date.now());
    const keys: string[] = [];
    for (let i = 0; i < 8; i++) {
      const ref = rtdb().ref(`giftEvents/${STREAM_KEY}`).push();
      await ref.set({ g: "rose", n: 1, f: "bob", to: "host", t: Date.now() });
      keys.push(ref.key as string);
    }
    const summary = await sweepVenuePresence();
    assert.equal(summary.giftEventsTrimmed, 3);
    assert.deepEqual(Object.keys((await value(`giftEvents/${STREAM_KEY}`)) ?? {}).sort(), keys.slice(3));
  });

  it("drops a venue without members from its work list, but not one someone has just joined", async () => {
    const now = Date.now();
    await rtdb()
      .ref("venueIndex")
      .set({ [ROOM_KEY]: { lastJoinAt: now - 10 * MINUTE }, [STREAM_KEY]: { lastJoinAt: now } });
    const summary = await sweepVenuePresence(now);
    assert.equal(summary.venues, 2);
    assert.equal(summary.venuesClosed, 1);
    assert.deepEqual(Object.keys((await value("venueIndex")) ?? {}), [STREAM_KEY]);
  });

  it("an admission event delivered twice indexes the venue once and keeps the latest grace start", async () => {
    const at = Date.now();
    const member = { role: "member", at };
    await rtdb().ref(`members/${ROOM_KEY}/frank`).set(member);
    for (let i = 0; i < 2; i++) {
      await deliverDatabaseEvent(onVenueMemberAdmitted, "created", `members/${ROOM_KEY}/frank`, member, "admit-frank", {
        venueKey: ROOM_KEY,
        uid: "frank",
      });
    }
    assert.equal(await value(`absences/${ROOM_KEY}/frank`), at);
    assert.ok(((await value(`venueIndex/${ROOM_KEY}/lastJoinAt`)) as number) >= at);
  });
});
