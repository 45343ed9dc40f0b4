import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { getLiveOverview, listLiveVenues, staffCloseRoom, staffEndStream } from "../../../src/admin/live/callables.js";
import type { GetLiveOverviewResponse, ListLiveVenuesResponse } from "../../../src/admin/live/schema.js";
import { onGiftForLiveMonitoring } from "../../../src/admin/live/triggers.js";
import { sendGift } from "../../../src/gifts/callables.js";
import { db } from "../../../src/kernel/app.js";
import { clearConfigCaches } from "../../../src/kernel/config-document.js";
import { callInProcess, callOverHttp, expectHttpsError } from "../../support/callables.js";
import { callOk, signUp, useStackAdmin } from "../../support/e2e.js";
import { grantCoins, seedCatalog } from "../../support/economy-world.js";
import { allPaths } from "../../support/firestore.js";
import { host, moderator, type Person, people, person, start, streamDoc } from "../../support/live-world.js";
import { queuedFor } from "../../support/notifications.js";
import { openRoom } from "../../support/rooms-world.js";
import { useCleanStack } from "../../support/stack.js";
import { deliverDocumentCreated } from "../../support/triggers.js";
import { createTestUser } from "../../support/users.js";

/** Sends `count` stars (100 coins each) through the real sendGift; returns the ledger document the trigger receives. */
async function gift(from: Person, to: Person, count: number, context: { type: "stream" | "room"; id: string }) {
  const sent = await callInProcess(sendGift, {
    user: from.user,
    data: { giftId: "star", recipientUid: to.uid, count, context, requestId: randomUUID() },
  });
  const data = (await db().doc(`ledger/${sent.transactionId}`).get()).data() as Record<string, unknown>;
  return { id: sent.transactionId, data };
}

const deliver = (posted: { id: string; data: Record<string, unknown> }, eventId: string) =>
  deliverDocumentCreated(onGiftForLiveMonitoring, `ledger/${posted.id}`, posted.data, eventId, { txId: posted.id });

describe("admin/live: monitoring and staff actions", () => {
  useCleanStack();
  beforeEach(async () => {
    clearConfigCaches();
    await seedCatalog();
  });

  it("overview and venue lists after a go-live, an open room and gifts; a replayed gift event counts once", async () => {
    const [luna, rex, staff] = await Promise.all([host(), host(), moderator()]);
    const [mia, noah] = await people(2);
    const { streamId } = await start(luna);
    const roomId = await openRoom(rex.user, { name: "Night lounge" });
    await Promise.all([grantCoins(mia.uid, 1000), grantCoins(noah.uid, 1000)]);
    const first = await gift(mia, luna, 3, { type: "stream", id: streamId });
    const second = await gift(noah, rex, 1, { type: "room", id: roomId });
    await Promise.all([deliver(first, "evt-1"), deliver(first, "evt-1"), deliver(first, "evt-2")]);
    await deliver(second, "evt-3");

    const overview = await callInProcess<GetLiveOverviewResponse>(getLiveOverview, { user: staff.user, data: {} });
    assert.equal(overview.liveStreams, 1);
    assert.equal(overview.openRooms, 1);
    assert.equal(overview.giftsPerMinute.length, 30);
    const minutes = overview.giftsPerMinute.map((m) => Date.parse(m.minute));
    assert.ok(minutes.every((ms, i) => i === 0 || ms - (minutes[i - 1] as number) === 60_000));
    assert.deepEqual(
      overview.giftsPerMinute.reduce((sum, m) => ({ coins: sum.coins + m.coins, count: sum.count + m.count }), { coins: 0, count: 0 }),
      { coins: 400, count: 2 },
    );
    assert.deepEqual(overview.topPerformers, [
      { uid: luna.uid, displayName: `Name ${luna.uid}`, coins: 300 },
      { uid: rex.uid, displayName: `Name ${rex.uid}`, coins: 100 },
    ]);

    const streams = await callInProcess<ListLiveVenuesResponse>(listLiveVenues, { user: staff.user, data: { kind: "stream" } });
    assert.deepEqual(
      streams.items.map((s) => [s.id, s.hostUid, s.title, s.giftsTodayCoins]),
      [[streamId, luna.uid, "Evening chat", 300]],
    );
    const rooms = await callInProcess<ListLiveVenuesResponse>(listLiveVenues, { user: staff.user, data: { kind: "room", limit: 1 } });
    assert.deepEqual(
      rooms.items.map((r) => [r.id, r.hostUid, r.hostName, r.title, r.giftsTodayCoins]),
      [[roomId, rex.uid, `Name ${rex.uid}`, "Night lounge", 100]],
    );
    // A full page: the cursor leads to an empty next page.
    assert.ok(rooms.nextCursor);
    const after = await callInProcess<ListLiveVenuesResponse>(listLiveVenues, {
      user: staff.user,
      data: { kind: "room", limit: 1, cursor: rooms.nextCursor },
    });
    assert.deepEqual(after, { items: [], nextCursor: null });

    // Support may read.
    const support = await person({ roles: ["support"] });
    assert.equal((await callInProcess<GetLiveOverviewResponse>(getLiveOverview, { user: support.user, data: null })).liveStreams, 1);
  });

  it("staff end a stream and close a room through the venues' own paths: audited, the host notified, a replay changes nothing", async () => {
    const [luna, rex, staff] = await Promise.all([host(), host(), moderator()]);
    const { streamId } = await start(luna);
    const roomId = await openRoom(rex.user, { name: "Night lounge" });

    const requestId = randomUUID();
    const ended = await callInProcess(staffEndStream, { user: staff.user, data: { streamId, reason: "violent content", requestId } });
    assert.deepEqual(ended, { streamId, changed: true });
    const stream = await streamDoc(streamId);
    assert.equal(stream.status, "ended");
    assert.equal(stream.endedBy, staff.uid);
    assert.deepEqual(await callInProcess(staffEndStream, { user: staff.user, data: { streamId, reason: "violent content", requestId } }), {
      streamId,
      changed: false,
    });

    const closed = await callInProcess(staffCloseRoom, { user: staff.user, data: { roomId, reason: "spam room", requestId: randomUUID() } });
    assert.deepEqual(closed, { roomId, alreadyClosed: false });
    assert.equal((await db().doc(`rooms/${roomId}`).get()).get("status"), "closed");

    const audit = (await db().collection("auditLog").get()).docs.map((doc) => doc.data());
    assert.deepEqual(audit.map((entry) => [entry.action, entry.actorUid, entry.targetUid, entry.reason]).sort(), [
      ["live.endStream", staff.uid, luna.uid, "violent content"],
      ["rooms.close", staff.uid, rex.uid, "spam room"],
    ]);
    assert.equal(audit.find((entry) => entry.action === "live.endStream")?.requestId, requestId);
    assert.deepEqual(
      (await queuedFor(luna.uid, "stream-ended-by-staff")).map((n) => n.data),
      [{ streamId, reason: "violent content" }],
    );
    assert.deepEqual(
      (await queuedFor(rex.uid, "room-closed-by-staff")).map((n) => n.data),
      [{ roomId, roomName: "Night lounge", reason: "spam room" }],
    );
  });

  it("a country-scoped moderator ends only the venues of its countries' hosts, changing nothing otherwise", async () => {
    const [luna, rex] = await Promise.all([host({ country: "IN" }), host({ country: "BR" })]);
    const { streamId } = await start(luna);
    const roomId = await openRoom(rex.user);
    const brModerator = await createTestUser({ roles: ["moderator"], claims: { staffCountries: ["BR"] } });
    const inModerator = await createTestUser({ roles: ["moderator"], claims: { staffCountries: ["IN"] } });
    const before = await allPaths();
    const reasonOf = (err: { details?: unknown }) => (err.details as { reason?: string }).reason;
    const endStream = (by: typeof brModerator) =>
      callInProcess(staffEndStream, { user: by, data: { streamId, reason: "violent content", requestId: randomUUID() } });
    const closeRoom = (by: typeof brModerator) =>
      callInProcess(staffCloseRoom, { user: by, data: { roomId, reason: "spam room", requestId: randomUUID() } });
    assert.equal(reasonOf(await expectHttpsError(endStream(brModerator), "permission-denied")), "out-of-country-scope");
    assert.equal(reasonOf(await expectHttpsError(closeRoom(inModerator), "permission-denied")), "out-of-country-scope");
    assert.deepEqual(await allPaths(), before);
    assert.equal((await streamDoc(streamId)).status, "live");

    assert.deepEqual(await endStream(inModerator), { streamId, changed: true });
    assert.deepEqual(await closeRoom(brModerator), { roomId, alreadyClosed: false });
  });

  it("refuses viewers, hosts and the wrong staff role, unknown venues and malformed payloads, changing nothing", async () => {
    const [luna, rex] = await Promise.all([host(), host()]);
    const { streamId } = await start(luna);
    const roomId = await openRoom(rex.user);
    const [watcher, support, finance, staff] = await Promise.all([
      people(1).then(([p]) => p as Person),
      person({ roles: ["support"] }),
      person({ roles: ["finance"] }),
      moderator(),
    ]);
    const before = await allPaths();
    for (const who of [watcher, luna, finance]) {
      await expectHttpsError(callInProcess(getLiveOverview, { user: who.user, data: {} }), "permission-denied");
      await expectHttpsError(callInProcess(listLiveVenues, { user: who.user, data: { kind: "stream" } }), "permission-denied");
    }
    for (const who of [watcher, rex, support, finance]) {
      await expectHttpsError(
        callInProcess(staffEndStream, { user: who.user, data: { streamId, reason: "no reason", requestId: randomUUID() } }),
        "permission-denied",
      );
      await expectHttpsError(
        callInProcess(staffCloseRoom, { user: who.user, data: { roomId, reason: "no reason", requestId: randomUUID() } }),
        "permission-denied",
      );
    }
    await expectHttpsError(
      callInProcess(staffEndStream, { user: staff.user, data: { streamId: "no-such-stream", reason: "gone", requestId: randomUUID() } }),
      "not-found",
    );
    await expectHttpsError(
      callInProcess(staffCloseRoom, { user: staff.user, data: { roomId: "no-such-room", reason: "gone", requestId: randomUUID() } }),
      "not-found",
    );
    for (const data of [
      { streamId, requestId: randomUUID() },
      { streamId, reason: "x", requestId: randomUUID() },
      { streamId, reason: "valid reason", requestId: "short" },
      null,
    ]) {
      await expectHttpsError(callInProcess(staffEndStream, { user: staff.user, data }), "invalid-argument");
    }
    await expectHttpsError(callInProcess(listLiveVenues, { user: staff.user, data: { kind: "pk" } }), "invalid-argument");
    await expectHttpsError(callInProcess(listLiveVenues, { user: staff.user, data: { kind: "room", cursor: "bogus" } }), "invalid-argument");
    await expectHttpsError(callInProcess(getLiveOverview, { user: staff.user, data: { extra: true } }), "invalid-argument");
    assert.deepEqual(await allPaths(), before);
    assert.equal((await streamDoc(streamId)).status, "live");
  });
});

describe("admin/live: the monitoring callables over HTTP", function () {
  this.timeout(120_000);
  useCleanStack();
  const admin = useStackAdmin();

  it("answers moderators and support, refuses viewers and finance staff, and refuses malformed or unknown targets", async () => {
    const [watcher, finance, support, staff] = await Promise.all([
      signUp(admin, "viewer"),
      signUp(admin, "finance", { roles: ["finance"] }),
      signUp(admin, "support", { roles: ["support"] }),
      signUp(admin, "moderator", { roles: ["moderator"] }),
    ]);
    for (const who of [staff, support]) {
      const overview = await callOk<GetLiveOverviewResponse>("getLiveOverview", {}, who);
      assert.deepEqual([overview.liveStreams, overview.openRooms, overview.giftsPerMinute.length, overview.topPerformers], [0, 0, 30, []]);
      assert.deepEqual(await callOk("listLiveVenues", { kind: "stream" }, who), { items: [], nextCursor: null });
    }
    for (const who of [watcher, finance]) {
      for (const [name, data] of [
        ["getLiveOverview", {}],
        ["listLiveVenues", { kind: "room" }],
        ["staffEndStream", { streamId: "some-stream", reason: "spam stream", requestId: "request-0001" }],
        ["staffCloseRoom", { roomId: "some-room", reason: "spam room", requestId: "request-0002" }],
      ] as const) {
        assert.equal((await callOverHttp(name, data, who.idToken)).error?.status, "PERMISSION_DENIED", `${name}`);
      }
    }
    assert.equal(
      (await callOverHttp("staffEndStream", { streamId: "some-stream", reason: "spam stream", requestId: "request-0003" }, support.idToken)).error
        ?.status,
      "PERMISSION_DENIED",
    );
    assert.equal(
      (await callOverHttp("staffEndStream", { streamId: "no-such-stream", reason: "spam stream", requestId: "request-0004" }, staff.idToken)).error
        ?.status,
      "NOT_FOUND",
    );
    assert.equal(
      (await callOverHttp("staffCloseRoom", { roomId: "no-such-room", reason: "spam room", requestId: "request-0005" }, staff.idToken)).error?.status,
      "NOT_FOUND",
    );
    assert.equal(
      (await callOverHttp("staffCloseRoom", { roomId: "no-such-room", reason: "", requestId: "request-0006" }, staff.idToken)).error?.status,
      "INVALID_ARGUMENT",
    );
    assert.equal((await callOverHttp("listLiveVenues", { kind: "pk" }, staff.idToken)).error?.status, "INVALID_ARGUMENT");
    assert.equal((await admin.firestore.collection("auditLog").get()).size, 0);
  });
});
