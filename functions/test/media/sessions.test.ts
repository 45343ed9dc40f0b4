import assert from "node:assert/strict";
import { ParticipantPermission, TokenVerifier } from "livekit-server-sdk";
import { LOCAL_SECRETS } from "../../../devstack/src/stack.js";
import { deleteMyAccount } from "../../src/gdpr/callables.js";
import { resumeAccountDeletions } from "../../src/gdpr/jobs.js";
import { answerGuestInvite, endStream, inviteGuest, kickFromStream, leaveGuestSlot, leaveStream, removeGuest } from "../../src/live/callables.js";
import { sweepLiveStreamsJob } from "../../src/live/jobs.js";
import { demoteMediaPublisher, MEDIA_SESSION_TIMEOUT_MS, revokeMediaSession } from "../../src/media/sessions.js";
import { closeRoom, kickFromRoom, kickFromSeat, leaveRoom, leaveSeat, muteMic, takeSeat, unmuteMic, updateRoom } from "../../src/rooms/callables.js";
import type { UpdateRoomResponse } from "../../src/rooms/schema.js";
import { sweepVenuePresenceJob } from "../../src/venues/jobs.js";
import { removeFromVenue } from "../../src/venues/membership.js";
import { callInProcess } from "../support/callables.js";
import { clearConfigCaches as clearLiveConfigCaches, host, join, memberOf, type Person, rtdbValue, start, viewer } from "../support/live-world.js";
import { type LiveKitStandIn, type RecordedRequest, startLiveKitStandIn, unreachableUrl } from "../support/livekit-standin.js";
import { clearConfigCaches as clearRoomConfigCaches, enter, makeUser, occupants, openRoom } from "../support/rooms-world.js";
import { useCleanStack } from "../support/stack.js";
import type { TestUser } from "../support/users.js";

const API_KEY = () => process.env.LIVEKIT_API_KEY as string;

/** The request the real SDK sent: path, JSON body, and an admin JWT signed with the API secret for `room` only. */
async function assertAdminCall(request: RecordedRequest | undefined, rpc: "RemoveParticipant" | "UpdateParticipant", room: string, identity: string) {
  assert.ok(request, `a ${rpc} request reached the media server`);
  assert.equal(request.method, "POST");
  assert.equal(request.path, `/twirp/livekit.RoomService/${rpc}`);
  assert.match(String(request.headers["content-type"]), /^application\/json/);
  assert.equal(request.body.room, room);
  assert.equal(request.body.identity, identity);
  const authorization = String(request.headers.authorization);
  assert.match(authorization, /^Bearer /);
  const jwt = authorization.slice("Bearer ".length);
  const claims = await new TokenVerifier(API_KEY(), LOCAL_SECRETS.LIVEKIT_API_SECRET).verify(jwt);
  assert.deepEqual(claims.video, { roomAdmin: true, room }, "admin of this media room only, no join grant");
  assert.equal(claims.sub, undefined, "an API token, not a participant's");
  await assert.rejects(new TokenVerifier(API_KEY(), "some-other-secret").verify(jwt), "signed with the API secret");
}

function assertRevokesEarlierTokens(request: RecordedRequest, beforeMs: number, afterMs: number) {
  // int64 in protobuf JSON: a decimal string, whole seconds like a token's nbf.
  const revokeTokenTs = Number(request.body.revokeTokenTs);
  assert.ok(
    revokeTokenTs >= Math.floor(beforeMs / 1000) && revokeTokenTs <= Math.floor(afterMs / 1000),
    `revokeTokenTs ${request.body.revokeTokenTs}`,
  );
}

/** The permission the server applies, decoded as the server decodes it (proto3 JSON omits false fields). */
function assertListenerOnly(request: RecordedRequest) {
  const permission = ParticipantPermission.fromJson(request.body.permission as never);
  assert.equal(permission.canPublish, false);
  assert.equal(permission.canSubscribe, true);
  assert.equal(permission.canPublishData, false);
  assert.deepEqual(permission.canPublishSources, []);
  assert.equal(permission.hidden, false);
  assert.equal(permission.canUpdateMetadata, false);
}

const rpcs = (standIn: LiveKitStandIn) => standIn.requests.map((r) => `${r.rpc} ${String(r.body.room)} ${String(r.body.identity)}`);

const secretsOf = (fn: unknown): string[] =>
  ((fn as { __endpoint?: { secretEnvironmentVariables?: { key: string }[] } }).__endpoint?.secretEnvironmentVariables ?? []).map((s) => s.key);

describe("media: enforcement on joined sessions (LiveKit RoomService)", () => {
  useCleanStack();
  let standIn: LiveKitStandIn;
  let savedUrl: string | undefined;

  before(async () => {
    savedUrl = process.env.LIVEKIT_API_URL;
    standIn = await startLiveKitStandIn();
  });
  after(async () => {
    if (savedUrl === undefined) delete process.env.LIVEKIT_API_URL;
    else process.env.LIVEKIT_API_URL = savedUrl;
    await standIn.close();
  });
  beforeEach(() => {
    clearLiveConfigCaches();
    clearRoomConfigCaches();
    standIn.reset();
    process.env.LIVEKIT_API_URL = standIn.url;
  });

  describe("the RoomService calls", () => {
    it("revokeMediaSession: RemoveParticipant on the venue's media room, admin JWT, tokens signed before now revoked", async () => {
      const before = Date.now();
      assert.equal(await revokeMediaSession({ type: "stream", id: "s1" }, "user-1"), "done");
      const after = Date.now();
      assert.equal(standIn.requests.length, 1);
      const [request] = standIn.requests;
      await assertAdminCall(request, "RemoveParticipant", "stream_s1", "user-1");
      assertRevokesEarlierTokens(request as RecordedRequest, before, after);
    });

    it("demoteMediaPublisher: UpdateParticipant to subscribe-only (no publish, no data), admin JWT", async () => {
      assert.equal(await demoteMediaPublisher({ type: "room", id: "r1" }, "user-2"), "done");
      assert.equal(standIn.requests.length, 1);
      const [request] = standIn.requests;
      await assertAdminCall(request, "UpdateParticipant", "room_r1", "user-2");
      assertListenerOnly(request as RecordedRequest);
    });

    it("a participant not in the media room counts as done (absent); a server error is logged, never thrown", async () => {
      standIn.mode = "absent";
      assert.equal(await revokeMediaSession({ type: "room", id: "r1" }, "gone"), "absent");
      assert.equal(await demoteMediaPublisher({ type: "room", id: "r1" }, "gone"), "absent");
      standIn.mode = "error";
      assert.equal(await revokeMediaSession({ type: "room", id: "r1" }, "u"), "failed");
      assert.equal(await demoteMediaPublisher({ type: "room", id: "r1" }, "u"), "failed");
      assert.equal(standIn.requests.length, 4, "one attempt each, no retries");
    });

    it("a server that never answers is given up on at the timeout; an unreachable one at once", async function () {
      this.timeout(20_000);
      standIn.mode = "hang";
      let begun = Date.now();
      assert.equal(await revokeMediaSession({ type: "stream", id: "s1" }, "u"), "failed");
      let elapsed = Date.now() - begun;
      assert.ok(elapsed >= MEDIA_SESSION_TIMEOUT_MS - 100 && elapsed < MEDIA_SESSION_TIMEOUT_MS + 1_500, `gave up after ${elapsed} ms`);
      assert.equal(standIn.requests.length, 1);

      process.env.LIVEKIT_API_URL = await unreachableUrl();
      begun = Date.now();
      assert.equal(await demoteMediaPublisher({ type: "stream", id: "s1" }, "u"), "failed");
      elapsed = Date.now() - begun;
      assert.ok(elapsed < 1_500, `refused connection settled after ${elapsed} ms`);
    });

    it("LIVEKIT_API_URL empty, or the secret not available to the function: off, nothing sent", async () => {
      process.env.LIVEKIT_API_URL = "";
      assert.equal(await revokeMediaSession({ type: "stream", id: "s1" }, "u"), "off");
      assert.equal(await demoteMediaPublisher({ type: "stream", id: "s1" }, "u"), "off");

      process.env.LIVEKIT_API_URL = standIn.url;
      const secret = process.env.LIVEKIT_API_SECRET;
      delete process.env.LIVEKIT_API_SECRET;
      try {
        assert.equal(await revokeMediaSession({ type: "stream", id: "s1" }, "u"), "off");
      } finally {
        process.env.LIVEKIT_API_SECRET = secret;
      }
      assert.equal(standIn.requests.length, 0);
    });

    it("every function that can reach these calls declares the LiveKit secret", () => {
      const functions = {
        kickFromStream,
        leaveStream,
        removeGuest,
        leaveGuestSlot,
        kickFromRoom,
        leaveRoom,
        kickFromSeat,
        leaveSeat,
        muteMic,
        updateRoom,
        sweepVenuePresenceJob,
        endStream,
        closeRoom,
        sweepLiveStreamsJob,
        deleteMyAccount,
        resumeAccountDeletions,
      };
      for (const [name, fn] of Object.entries(functions))
        assert.ok(secretsOf(fn).includes("LIVEKIT_API_SECRET"), `${name} declares LIVEKIT_API_SECRET`);
    });
  });

  describe("live streams", () => {
    async function streamWithGuest(): Promise<{ luna: Person; mia: Person; streamId: string }> {
      const luna = await host();
      const mia = await viewer();
      const { streamId } = await start(luna);
      await join(mia, streamId);
      await callInProcess(inviteGuest, { user: luna.user, data: { streamId, uid: mia.uid } });
      assert.equal((await callInProcess(answerGuestInvite, { user: mia.user, data: { streamId, accept: true } })).status, "seated");
      standIn.reset();
      return { luna, mia, streamId };
    }

    it("a guest taken off stage stays as a listener: UpdateParticipant canPublish false, after the slot is freed", async () => {
      const { luna, mia, streamId } = await streamWithGuest();
      standIn.observe = async () => rtdbValue(`streams/${streamId}/state/guests`);
      assert.equal((await callInProcess(removeGuest, { user: luna.user, data: { streamId, uid: mia.uid } })).status, "removed");
      assert.deepEqual(rpcs(standIn), [`UpdateParticipant stream_${streamId} ${mia.uid}`]);
      await assertAdminCall(standIn.requests[0], "UpdateParticipant", `stream_${streamId}`, mia.uid);
      assertListenerOnly(standIn.requests[0] as RecordedRequest);
      assert.equal(standIn.requests[0]?.observed, null, "the slot was already free when the media server was told");
      assert.ok(await memberOf(streamId, mia.uid), "still in the stream");

      // The host is never demoted through removeGuest.
      standIn.reset();
      await callInProcess(removeGuest, { user: luna.user, data: { streamId, uid: luna.uid } });
      assert.deepEqual(rpcs(standIn), []);
    });

    it("a guest leaving their slot loses publish rights too; leaving without a slot sends nothing", async () => {
      const { mia, streamId } = await streamWithGuest();
      assert.equal((await callInProcess(leaveGuestSlot, { user: mia.user, data: { streamId } })).status, "removed");
      assert.deepEqual(rpcs(standIn), [`UpdateParticipant stream_${streamId} ${mia.uid}`]);
      standIn.reset();
      assert.equal((await callInProcess(leaveGuestSlot, { user: mia.user, data: { streamId } })).status, "none");
      assert.deepEqual(rpcs(standIn), []);
    });

    it("a viewer kicked, or banned, is removed from the media room after the membership is gone", async () => {
      const luna = await host();
      const mia = await viewer();
      const { streamId } = await start(luna);
      await join(mia, streamId);
      standIn.reset();
      standIn.observe = async (request) => ({
        member: await rtdbValue(`members/stream_${streamId}/${String(request.body.identity)}`),
        ban: await rtdbValue(`bans/stream_${streamId}/${String(request.body.identity)}`),
      });

      const before = Date.now();
      assert.deepEqual(await callInProcess(kickFromStream, { user: luna.user, data: { streamId, uid: mia.uid } }), {
        removed: true,
        bannedUntil: null,
      });
      assert.deepEqual(rpcs(standIn), [`RemoveParticipant stream_${streamId} ${mia.uid}`]);
      await assertAdminCall(standIn.requests[0], "RemoveParticipant", `stream_${streamId}`, mia.uid);
      assertRevokesEarlierTokens(standIn.requests[0] as RecordedRequest, before, Date.now());
      assert.deepEqual(standIn.requests[0]?.observed, { member: null, ban: null });

      await join(mia, streamId);
      standIn.requests.length = 0;
      const banned = await callInProcess(kickFromStream, { user: luna.user, data: { streamId, uid: mia.uid, banMinutes: 10 } });
      assert.deepEqual(rpcs(standIn), [`RemoveParticipant stream_${streamId} ${mia.uid}`]);
      assert.deepEqual(standIn.requests[0]?.observed, { member: null, ban: Date.parse(banned.bannedUntil as string) });
    });

    it("leaving the stream, and the presence sweep's removal, end the media session too", async () => {
      const luna = await host();
      const [mia, noa] = [await viewer(), await viewer()];
      const { streamId } = await start(luna);
      await join(mia, streamId);
      await join(noa, streamId);
      standIn.reset();
      assert.deepEqual(await callInProcess(leaveStream, { user: mia.user, data: { streamId } }), { left: true });
      await removeFromVenue({ type: "stream", id: streamId }, noa.uid, "stale");
      assert.deepEqual(rpcs(standIn), [`RemoveParticipant stream_${streamId} ${mia.uid}`, `RemoveParticipant stream_${streamId} ${noa.uid}`]);
    });

    it("media server hanging: the kick still succeeds, bounded by the timeout; unreachable or participant not found: the callables succeed", async function () {
      this.timeout(30_000);
      const luna = await host();
      const mia = await viewer();
      const { streamId } = await start(luna);
      await join(mia, streamId);

      standIn.reset();
      standIn.mode = "hang";
      const begun = Date.now();
      const kicked = await callInProcess(kickFromStream, { user: luna.user, data: { streamId, uid: mia.uid, banMinutes: 5 } });
      const elapsed = Date.now() - begun;
      assert.equal(kicked.removed, true);
      assert.equal(standIn.requests.length, 1, "the media server was asked");
      assert.ok(elapsed < MEDIA_SESSION_TIMEOUT_MS + 4_000, `the kick took ${elapsed} ms`);
      assert.equal(await memberOf(streamId, mia.uid), null);

      const guestStream = await streamWithGuest();
      process.env.LIVEKIT_API_URL = await unreachableUrl();
      const removed = await callInProcess(removeGuest, {
        user: guestStream.luna.user,
        data: { streamId: guestStream.streamId, uid: guestStream.mia.uid },
      });
      assert.equal(removed.status, "removed");

      process.env.LIVEKIT_API_URL = standIn.url;
      standIn.reset();
      standIn.mode = "absent";
      assert.deepEqual(await callInProcess(leaveStream, { user: guestStream.mia.user, data: { streamId: guestStream.streamId } }), { left: true });
      assert.equal(standIn.requests.length, 1);
    });
  });

  describe("ending a venue", () => {
    it("endStream and closeRoom delete the media room once (its members went in bulk); a repeat sends nothing", async () => {
      const luna = await host();
      const { streamId } = await start(luna);
      standIn.reset();
      await callInProcess(endStream, { user: luna.user, data: { streamId } });
      await callInProcess(endStream, { user: luna.user, data: { streamId } });
      assert.deepEqual(
        standIn.requests.map((r) => `${r.rpc} ${String(r.body.room)}`),
        [`DeleteRoom stream_${streamId}`],
      );

      const owner = await makeUser();
      const roomId = await openRoom(owner);
      standIn.reset();
      await callInProcess(closeRoom, { user: owner, data: { roomId } });
      await callInProcess(closeRoom, { user: owner, data: { roomId } });
      assert.deepEqual(
        standIn.requests.map((r) => `${r.rpc} ${String(r.body.room)}`),
        [`DeleteRoom room_${roomId}`],
      );
    });
  });

  describe("voice rooms", () => {
    async function roomWithSpeaker(seatCount = 4): Promise<{ owner: TestUser; speaker: TestUser; roomId: string }> {
      const owner = await makeUser();
      const speaker = await makeUser();
      const roomId = await openRoom(owner, { seatCount });
      await enter(speaker, roomId);
      await callInProcess(takeSeat, { user: speaker, data: { roomId } });
      standIn.reset();
      return { owner, speaker, roomId };
    }

    it("a speaker kicked from the seat stays as a listener: UpdateParticipant canPublish false, after the seat is free", async () => {
      const { owner, speaker, roomId } = await roomWithSpeaker();
      standIn.observe = async () => occupants(roomId);
      await callInProcess(kickFromSeat, { user: owner, data: { roomId, uid: speaker.uid } });
      assert.deepEqual(rpcs(standIn), [`UpdateParticipant room_${roomId} ${speaker.uid}`]);
      await assertAdminCall(standIn.requests[0], "UpdateParticipant", `room_${roomId}`, speaker.uid);
      assertListenerOnly(standIn.requests[0] as RecordedRequest);
      assert.deepEqual(standIn.requests[0]?.observed, [null, null, null, null], "unseated before the media server was told");
    });

    it("an admin mic mute demotes; the unmute and self mutes send nothing (publish comes back with a fresh token)", async () => {
      const { owner, speaker, roomId } = await roomWithSpeaker();
      await callInProcess(muteMic, { user: speaker, data: { roomId } });
      assert.deepEqual(rpcs(standIn), [], "a self mute keeps the right to unmute");
      await callInProcess(muteMic, { user: owner, data: { roomId, uid: speaker.uid } });
      assert.deepEqual(rpcs(standIn), [`UpdateParticipant room_${roomId} ${speaker.uid}`]);
      assertListenerOnly(standIn.requests[0] as RecordedRequest);
      standIn.reset();
      await callInProcess(unmuteMic, { user: owner, data: { roomId, uid: speaker.uid } });
      assert.deepEqual(rpcs(standIn), []);
    });

    it("leaving the seat, or losing it to a smaller room, demotes", async () => {
      const { owner, speaker, roomId } = await roomWithSpeaker(3);
      await callInProcess(leaveSeat, { user: speaker, data: { roomId } });
      assert.deepEqual(rpcs(standIn), [`UpdateParticipant room_${roomId} ${speaker.uid}`]);

      for (const user of [await makeUser(), await makeUser()]) {
        await enter(user, roomId);
        await callInProcess(takeSeat, { user, data: { roomId } });
      }
      await callInProcess(takeSeat, { user: speaker, data: { roomId, index: 2 } });
      standIn.reset();
      const shrunk = await callInProcess<UpdateRoomResponse>(updateRoom, { user: owner, data: { roomId, seatCount: 2 } });
      assert.deepEqual(shrunk.unseated, [speaker.uid]);
      assert.deepEqual(rpcs(standIn), [`UpdateParticipant room_${roomId} ${speaker.uid}`]);
    });

    it("kickFromRoom removes from the media room after the membership is gone and the ban is written", async () => {
      const { owner, speaker, roomId } = await roomWithSpeaker();
      standIn.observe = async () => ({
        member: await rtdbValue(`members/room_${roomId}/${speaker.uid}`),
        banned: typeof (await rtdbValue(`bans/room_${roomId}/${speaker.uid}`)) === "number",
        seated: (await occupants(roomId)).includes(speaker.uid),
      });
      await callInProcess(kickFromRoom, { user: owner, data: { roomId, uid: speaker.uid } });
      assert.deepEqual(rpcs(standIn), [`RemoveParticipant room_${roomId} ${speaker.uid}`]);
      await assertAdminCall(standIn.requests[0], "RemoveParticipant", `room_${roomId}`, speaker.uid);
      assert.deepEqual(standIn.requests[0]?.observed, { member: null, banned: true, seated: false });
    });

    it("leaving the room removes from the media room; with LIVEKIT_API_URL empty nothing is sent and the kick works", async () => {
      const { owner, speaker, roomId } = await roomWithSpeaker();
      const listener = await makeUser();
      await enter(listener, roomId);
      standIn.reset();
      await callInProcess(leaveRoom, { user: listener, data: { roomId } });
      assert.deepEqual(rpcs(standIn), [`RemoveParticipant room_${roomId} ${listener.uid}`]);

      standIn.reset();
      process.env.LIVEKIT_API_URL = "";
      const kicked = await callInProcess(kickFromRoom, { user: owner, data: { roomId, uid: speaker.uid } });
      assert.equal(kicked.uid, speaker.uid);
      assert.equal(await rtdbValue(`members/room_${roomId}/${speaker.uid}`), null);
      assert.deepEqual(standIn.requests, []);
    });
  });
});
