import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Timestamp } from "firebase-admin/firestore";
import { searchUsers } from "../../functions/src/admin/users/callables.js";
import type { SearchUsersResponse } from "../../functions/src/admin/users/schema.js";
import { answerAgencyRequest, applyToAgency, getAgencyDashboard, inviteToAgency, searchAgencies } from "../../functions/src/agencies/callables.js";
import type { DashboardResponse, SearchAgenciesResponse } from "../../functions/src/agencies/schema.js";
import { forgetCurrentCampaigns } from "../../functions/src/campaigns/active.js";
import { claimCampaignReward, listMyCampaigns } from "../../functions/src/campaigns/callables.js";
import type { ClaimCampaignRewardResponse, ListMyCampaignsResponse } from "../../functions/src/campaigns/schema.js";
import { onLedgerTransactionForCampaigns } from "../../functions/src/campaigns/triggers.js";
import { getFollowingFeed, getHashtagPosts } from "../../functions/src/feeds/callables.js";
import { syncFollowEdge, syncPostFeedPage } from "../../functions/src/feeds/fanout.js";
import type { FeedPage } from "../../functions/src/feeds/schema.js";
import { sendGift } from "../../functions/src/gifts/callables.js";
import type { SendGiftResponse } from "../../functions/src/gifts/schema.js";
import { auth, db, rtdb as inProcessRtdb } from "../../functions/src/kernel/app.js";
import { clearConfigCaches } from "../../functions/src/kernel/config-document.js";
import { endStream, joinStream, listLiveStreams, startStream } from "../../functions/src/live/callables.js";
import type { EndStreamResponse, JoinStreamResponse, ListLiveStreamsResponse, StartStreamResponse } from "../../functions/src/live/schema.js";
import { listConversations, listMessages, markConversationRead, sendMessage } from "../../functions/src/messages/callables.js";
import type { ListConversationsResponse, ListMessagesResponse, SendMessageResponse } from "../../functions/src/messages/schema.js";
import { getPost, listComments } from "../../functions/src/posts/callables.js";
import type { ListCommentsResponse, PostView } from "../../functions/src/posts/schema.js";
import { listStories, listStoryViewers, viewStory } from "../../functions/src/posts/stories/callables.js";
import type { ListStoriesResponse, ListStoryViewersResponse, ViewStoryResponse } from "../../functions/src/posts/stories/schema.js";
import { createRoom, enterRoom, getRoom, listRooms, takeSeat } from "../../functions/src/rooms/callables.js";
import type { CreateRoomResponse, EnterRoomResponse, ListRoomsResponse, RoomView, SeatResponse } from "../../functions/src/rooms/schema.js";
import { readSeats } from "../../functions/src/rooms/seats.js";
import { reportContent } from "../../functions/src/social/callables.js";
import type { ReportResponse } from "../../functions/src/social/schema.js";
import { noteMemberAdmitted } from "../../functions/src/venues/presence.js";
import { requestWithdrawal, reviewWithdrawal } from "../../functions/src/wallet/callables.js";
import type { RequestWithdrawalResponse, ReviewWithdrawalResponse } from "../../functions/src/wallet/schema.js";
import { callInProcess, expectHttpsError } from "../../functions/test/support/callables.js";
import { IN_PROCESS_PROJECT, resetStack, testStack, useCleanStack } from "../../functions/test/support/stack.js";
import { deliverDocumentCreated } from "../../functions/test/support/triggers.js";
import { adminAppFor } from "../src/admin.js";
import { type FirestoreHandle, startFirestore } from "../src/firestore.js";
import { type RtdbHandle, startRtdb } from "../src/rtdb/index.js";
import { applySeed, DEMO_STAFF, DEMO_WORK, decodeValue, encodeValue, exportSeed, readSeed, type Seed } from "../src/seed.js";
import { databaseNamespace, type StackEndpoints } from "../src/stack.js";
import { ensureFirestoreJar, ensureJava } from "../src/system.js";

const ROOT = join(__dirname, "..", "..");

describe("devstack: the demo world (emulator-data) loads and exports without loss", function () {
  this.timeout(60_000);
  let firestore: FirestoreHandle;
  let rtdb: RtdbHandle;
  let endpoints: StackEndpoints;

  before(async () => {
    firestore = await startFirestore({ java: ensureJava(() => {}).bin, jar: ensureFirestoreJar(() => {}) });
    rtdb = await startRtdb({ namespace: "demo-seed-default-rtdb" });
    endpoints = {
      projectId: "demo-seed",
      pid: process.pid,
      firestore: firestore.emulatorHost,
      database: rtdb.emulatorHost,
      databaseNamespace: rtdb.namespace,
      databaseKind: rtdb.kind,
      redisRestUrl: "",
      redisRestToken: "",
      auth: null,
      functions: null,
      tasks: null,
      triggerRelay: null,
      fcm: "",
      smtp: "",
      mailControl: "",
      storage: null,
      storageSignerCredentials: null,
      console: null,
    };
  });
  after(async () => {
    await firestore?.stop();
    await rtdb?.stop();
  });

  it("encodes Timestamps as {$timestamp} and back", () => {
    const when = Timestamp.fromDate(new Date("2026-01-02T03:04:05.678Z"));
    const encoded = encodeValue({ at: when, list: [when], nested: { n: 1, s: "x", none: null } });
    assert.deepEqual(encoded, {
      at: { $timestamp: "2026-01-02T03:04:05.678Z" },
      list: [{ $timestamp: "2026-01-02T03:04:05.678Z" }],
      nested: { n: 1, s: "x", none: null },
    });
    const decoded = decodeValue(encoded) as { at: Timestamp };
    assert.ok(decoded.at instanceof Timestamp);
    assert.equal(decoded.at.toMillis(), when.toMillis());
    const relative = decodeValue({ live: { $hoursFromLoad: 23 }, seen: [{ $hoursFromLoad: -0.5 }] }, when.toMillis()) as {
      live: Timestamp;
      seen: Timestamp[];
    };
    assert.equal(relative.live.toMillis(), when.toMillis() + 23 * 3_600_000);
    assert.equal(relative.seen[0]?.toMillis(), when.toMillis() - 1_800_000);
  });

  it("round-trips every Firestore document and the RTDB tree of emulator-data", async () => {
    const seed = readSeed(join(ROOT, "emulator-data"));
    const admin = adminAppFor(endpoints);
    try {
      const loadedAtMs = Date.now();
      await applySeed(admin.app, endpoints, seed, loadedAtMs);
      const out = mkdtempSync(join(tmpdir(), "seed-export-"));
      const counts = await exportSeed(admin.app, endpoints, out);
      assert.equal(counts.documents, Object.keys(seed.documents).length);
      const exported = JSON.parse(readFileSync(join(out, "firestore.json"), "utf8"));
      // Times relative to the load come back as the instants they were loaded as.
      assert.deepEqual(exported, encodeValue(decodeValue(seed.documents, loadedAtMs)));
      assert.deepEqual(JSON.parse(readFileSync(join(out, "database.json"), "utf8")), seed.database);
    } finally {
      await admin.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// The demo world's real-time layer: a voice room and a live stream, checked against the real code
// ---------------------------------------------------------------------------------------------------

/** What emulator-data holds for the real-time layer (README: emulator-data/README.md). */
const DEMO = {
  roomId: "demo-room-lounge",
  roomOwner: "demo-host-luna",
  streamId: "demo-stream-kai",
  streamHost: "demo-host-kai",
  /** The request the room was created with, and the stream started with (their stored shape follows). */
  roomRequest: {
    name: "Luna's Lounge",
    topic: "Acoustic covers and late-night chat. Take a seat and say hi!",
    seatCount: 8,
    lock: { mode: "open" },
    country: "US",
    language: "en",
  },
  streamRequest: {
    requestId: "demo-world-stream-kai",
    title: "Kai live: lo-fi beats to chat to",
    category: "music",
    visibility: "public",
    country: "US",
    region: "north-america",
    language: "en",
  },
} as const;

/** Firestore collections and RTDB nodes that hold the real-time layer's records (and nothing else of the demo world). */
const REALTIME_COLLECTIONS = ["rooms", "roomOwners", "streams", "liveHosts"];
const REALTIME_NODES = ["rooms", "streams", "members", "venueIndex", "absences"];

interface WorldPart {
  documents: Record<string, Record<string, unknown>>;
  database: Record<string, unknown>;
}

function realtimePart(documents: Seed["documents"], database: unknown): WorldPart {
  const tree = (database ?? {}) as Record<string, unknown>;
  return {
    documents: Object.fromEntries(Object.entries(documents).filter(([path]) => REALTIME_COLLECTIONS.includes(path.split("/")[0] as string))),
    database: Object.fromEntries(REALTIME_NODES.filter((node) => tree[node] !== undefined).map((node) => [node, tree[node]])),
  };
}

function withoutRealtime(seed: Seed): Seed {
  const realtime = realtimePart(seed.documents, seed.database);
  const database = Object.fromEntries(
    Object.entries((seed.database ?? {}) as Record<string, unknown>).filter(([node]) => !REALTIME_NODES.includes(node)),
  );
  return {
    users: seed.users,
    documents: Object.fromEntries(Object.entries(seed.documents).filter(([path]) => !(path in realtime.documents))),
    database: Object.keys(database).length ? database : null,
  };
}

/**
 * A part of the world with generated ids renamed (`ids`), times as "<time>" (Firestore timestamps and
 * epoch milliseconds: their values differ by run, their agreement is checked separately) and room
 * activity keyed by type (its ids are automatic).
 */
function comparable(part: WorldPart, ids: Record<string, string> = {}): unknown {
  let text = JSON.stringify(part);
  for (const [from, to] of Object.entries(ids)) text = text.replaceAll(from, to);
  const times = (value: unknown): unknown => {
    if (typeof value === "number") return value >= 1e12 ? "<time>" : value;
    if (Array.isArray(value)) return value.map(times);
    if (value && typeof value === "object") {
      if ("$timestamp" in value) return "<time>";
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, times(v)]));
    }
    return value;
  };
  const renamed = JSON.parse(text) as WorldPart;
  const documents = Object.entries(renamed.documents).map(([path, data]) => {
    const activity = /^(rooms\/[^/]+\/activity)\/[^/]+$/.exec(path);
    return [activity ? `${activity[1]}/<${String(data.type)}>` : path, data] as const;
  });
  return times({ documents: Object.fromEntries(documents.sort(([a], [b]) => a.localeCompare(b))), database: renamed.database });
}

/** The stack's in-process project: no emulator-hosted trigger fires on its writes. */
const inProcessEndpoints = (): StackEndpoints => ({
  ...testStack(),
  projectId: IN_PROCESS_PROJECT,
  databaseNamespace: databaseNamespace(IN_PROCESS_PROJECT),
});

/** A demo account as callables see it (its custom claims from auth.json). */
function demoAccount(seed: Seed, uid: string) {
  const user = seed.users.find((u) => u.uid === uid);
  assert.ok(user, `${uid} is a demo account`);
  // Signed in now (auth_time: callables compare it with the account's revocations).
  const authTime = Math.floor(Date.now() / 1000);
  const token = { uid, sub: uid, email: user.email, auth_time: authTime, firebase: { sign_in_provider: "password" }, ...(user.customClaims ?? {}) };
  return { callAuth: { uid, token } };
}

async function loadInProcess(world: Seed): Promise<void> {
  const admin = adminAppFor(inProcessEndpoints());
  try {
    await applySeed(admin.app, inProcessEndpoints(), world);
  } finally {
    await admin.close();
  }
}

describe("devstack: the demo world's voice room and live stream are what the code writes, and work with the real services", function () {
  this.timeout(60_000);
  useCleanStack();
  const seed = readSeed(join(ROOT, "emulator-data"));
  // The stack's in-process project: no emulator-hosted trigger fires on its writes, so what is found is
  // exactly what the seed and the called services wrote.
  const unit = inProcessEndpoints;
  const demo = (uid: string) => demoAccount(seed, uid);
  const load = loadInProcess;

  /** The real-time records now in the in-process project, in the export's format. */
  async function exportedRealtime(): Promise<WorldPart> {
    const admin = adminAppFor(unit());
    try {
      const out = mkdtempSync(join(tmpdir(), "seed-realtime-"));
      await exportSeed(admin.app, { ...unit(), auth: null }, out);
      const read = (name: string) => JSON.parse(readFileSync(join(out, name), "utf8"));
      return realtimePart(read("firestore.json"), read("database.json"));
    } finally {
      await admin.close();
    }
  }

  before(() => {
    // Media-token params (functions/.env does not list them; deploys have defaults): as the rooms and live tests set them.
    process.env.LIVEKIT_API_KEY ??= "devkey";
    process.env.LIVEKIT_URL ??= "wss://media.example.invalid";
    process.env.MEDIA_TOKEN_TTL_SECONDS ??= "300";
  });
  beforeEach(() => {
    clearConfigCaches();
  });
  // The RTDB tree is shared by every namespace of the stack: leave it empty for the suites that follow.
  after(() => resetStack());

  it("holds what createRoom, enterRoom, takeSeat (seat 0), startStream and the admission trigger write — ids and times aside", async () => {
    await load(withoutRealtime(seed));
    const luna = demo(DEMO.roomOwner);
    const kai = demo(DEMO.streamHost);
    const { room } = await callInProcess<CreateRoomResponse>(createRoom, { user: luna, data: { ...DEMO.roomRequest, requestId: randomUUID() } });
    await callInProcess(enterRoom, { user: luna, data: { roomId: room.id, visitId: randomUUID() } });
    await callInProcess(takeSeat, { user: luna, data: { roomId: room.id, index: 0 } });
    const { streamId } = await callInProcess<StartStreamResponse>(startStream, { user: kai, data: DEMO.streamRequest });
    // onVenueMemberAdmitted (venueIndex, absences) does not fire for in-process writes: run its body per member.
    const members = (await inProcessRtdb().ref("members").get()).val() as Record<string, Record<string, unknown>>;
    for (const [key, byUid] of Object.entries(members)) {
      for (const [uid, member] of Object.entries(byUid)) await noteMemberAdmitted(key, uid, member, Date.now());
    }

    const generated = await exportedRealtime();
    // DEMO_WORLD_PRINT=1 shows what the code wrote, to refresh emulator-data after a change of the schemas.
    if (process.env.DEMO_WORLD_PRINT) console.log(JSON.stringify({ roomId: room.id, streamId, ...generated }, null, 2));
    assert.deepEqual(
      comparable(generated, { [room.id]: DEMO.roomId, [streamId]: DEMO.streamId }),
      comparable(realtimePart(seed.documents, seed.database)),
    );
  });

  it("keeps its times consistent: one start time per stream, seats taken after entering, markers at admission", () => {
    const { documents, database } = realtimePart(seed.documents, seed.database);
    const ms = (value: unknown) => Date.parse((value as { $timestamp: string }).$timestamp);
    const tree = database as {
      rooms: Record<string, { seats: { uid?: string; at?: number }[] }>;
      streams: Record<string, { state: { startedAt: number } }>;
      members: Record<string, Record<string, { at: number }>>;
      venueIndex: Record<string, { lastJoinAt: number }>;
      absences: Record<string, Record<string, number>>;
    };
    const stream = documents[`streams/${DEMO.streamId}`] as Record<string, unknown>;
    const startedAt = ms(stream.startedAt);
    assert.equal(ms(stream.createdAt), startedAt);
    assert.equal(ms(documents[`liveHosts/${DEMO.streamHost}`]?.startedAt), startedAt);
    assert.equal(tree.streams[DEMO.streamId]?.state.startedAt, startedAt);
    const room = documents[`rooms/${DEMO.roomId}`] as Record<string, unknown>;
    const seat = tree.rooms[DEMO.roomId]?.seats[0];
    const entered = tree.members[`room_${DEMO.roomId}`]?.[DEMO.roomOwner]?.at as number;
    assert.equal(seat?.uid, DEMO.roomOwner);
    assert.ok(ms(room.createdAt) <= entered && entered <= (seat?.at as number), "created, entered, then seated");
    for (const [key, byUid] of Object.entries(tree.members)) {
      for (const [uid, member] of Object.entries(byUid)) {
        assert.equal(tree.absences[key]?.[uid], member.at, `absences/${key}/${uid}: since admission`);
        assert.ok((tree.venueIndex[key]?.lastJoinAt as number) >= member.at, `venueIndex/${key}: after the last admission`);
      }
    }
    for (const [path, entry] of Object.entries(documents).filter(([path]) => path.includes("/activity/"))) {
      assert.match(path.split("/").pop() as string, /^[A-Za-z0-9]+$/, "activity ids are cursor-safe (listRoomActivity)");
      assert.equal(ms(entry.at), entry.atMs);
    }
  });

  it("works: getRoom and listRooms show the room with its host on seat 0, listLiveStreams the stream; a viewer enters and sits; the host ends the stream", async () => {
    await load(seed);
    const luna = demo(DEMO.roomOwner);
    const kai = demo(DEMO.streamHost);
    const mia = demo("demo-viewer-mia");
    const noah = demo("demo-viewer-noah");

    const { room } = await callInProcess<{ room: RoomView }>(getRoom, { user: mia, data: { roomId: DEMO.roomId } });
    assert.deepEqual(
      [room.name, room.ownerUid, room.status, room.lockMode, room.seatCount, room.country],
      ["Luna's Lounge", DEMO.roomOwner, "open", "open", 8, "US"],
    );
    assert.deepEqual(
      (await readSeats(DEMO.roomId)).map((s) => s.uid ?? null),
      [DEMO.roomOwner, null, null, null, null, null, null, null],
    );
    for (const data of [{}, { sort: "recent" }, { country: "US" }]) {
      const listed = await callInProcess<ListRoomsResponse>(listRooms, { user: mia, data });
      assert.ok(
        listed.rooms.some((r) => r.id === DEMO.roomId),
        `listRooms ${JSON.stringify(data)} finds the room`,
      );
    }
    for (const data of [{ by: "live" }, { by: "category", category: "music" }, { by: "country", country: "US" }]) {
      const listed = await callInProcess<ListLiveStreamsResponse>(listLiveStreams, { user: mia, data });
      const found = listed.items.find((s) => s.id === DEMO.streamId);
      assert.ok(found, `listLiveStreams ${JSON.stringify(data)} finds the stream`);
      assert.deepEqual([found.category, found.visibility, found.status, found.hostName], ["music", "public", "live", "Kai"]);
      assert.equal(found.hostUid, DEMO.streamHost);
    }

    const entered = await callInProcess<EnterRoomResponse>(enterRoom, { user: mia, data: { roomId: DEMO.roomId, visitId: randomUUID() } });
    assert.deepEqual([entered.role, entered.alreadyMember, entered.entryFee], ["member", false, null]);
    const seated = await callInProcess<SeatResponse>(takeSeat, { user: mia, data: { roomId: DEMO.roomId } });
    assert.equal(seated.index, 1, "the first free seat");
    assert.deepEqual(
      (await readSeats(DEMO.roomId)).slice(0, 3).map((s) => s.uid ?? null),
      [DEMO.roomOwner, "demo-viewer-mia", null],
    );
    const hostBack = await callInProcess<EnterRoomResponse>(enterRoom, { user: luna, data: { roomId: DEMO.roomId, visitId: randomUUID() } });
    assert.deepEqual([hostBack.role, hostBack.alreadyMember], ["owner", true], "the host is inside already");

    const joined = await callInProcess<JoinStreamResponse>(joinStream, { user: noah, data: { streamId: DEMO.streamId } });
    assert.equal(joined.role, "viewer");
    const viewers = (await inProcessRtdb().ref(`streams/${DEMO.streamId}/state/viewers`).get()).val();
    assert.deepEqual([viewers?.current, viewers?.peak], [1, 1]);

    // The side records hold: one open room per owner (roomOwners), one live stream per host (liveHosts).
    await expectHttpsError(callInProcess(createRoom, { user: luna, data: { name: "Second room", requestId: randomUUID() } }), "failed-precondition");
    await expectHttpsError(
      callInProcess(startStream, { user: kai, data: { ...DEMO.streamRequest, requestId: randomUUID() } }),
      "failed-precondition",
    );

    const ended = await callInProcess<EndStreamResponse>(endStream, { user: kai, data: { streamId: DEMO.streamId } });
    assert.deepEqual([ended.status, ended.changed, ended.analytics?.peakViewers], ["ended", true, 1]);
    assert.equal((await inProcessRtdb().ref(`streams/${DEMO.streamId}/state/status`).get()).val(), "ended");
    assert.equal((await inProcessRtdb().ref(`members/stream_${DEMO.streamId}`).get()).exists(), false, "the venue is cleared");
    const afterEnd = await callInProcess<ListLiveStreamsResponse>(listLiveStreams, { user: mia, data: { by: "live" } });
    assert.ok(!afterEnd.items.some((s) => s.id === DEMO.streamId), "no longer listed");
  });
});

// ---------------------------------------------------------------------------------------------------
// The demo world's social layer: follows, posts with likes and comments, feeds, a story, a conversation
// ---------------------------------------------------------------------------------------------------

describe("devstack: the demo world's social layer works with the real services", function () {
  this.timeout(60_000);
  useCleanStack();
  const seed = readSeed(join(ROOT, "emulator-data"));
  const [luna, kai, mia, noah] = ["demo-host-luna", "demo-host-kai", "demo-viewer-mia", "demo-viewer-noah"].map((uid) => demoAccount(seed, uid));
  const COVER = "demo-post-luna-cover";
  const TAPE = "demo-post-kai-tape";
  const SETLIST = "demo-post-luna-setlist";
  const CONVERSATION = "demo-host-luna__demo-viewer-mia";
  const ids = (page: { items: { postId: string }[] }) => page.items.map((item) => item.postId);

  beforeEach(() => clearConfigCaches());
  after(() => resetStack());

  it("feeds, posts with their counts and comments, hashtag pages; the feed entries are what the fan-out writes", async () => {
    await loadInProcess(seed);
    assert.deepEqual(ids(await callInProcess<FeedPage>(getFollowingFeed, { user: mia, data: {} })), [SETLIST, TAPE, COVER]);
    assert.deepEqual(ids(await callInProcess<FeedPage>(getFollowingFeed, { user: noah, data: {} })), [SETLIST, COVER]);
    assert.deepEqual(ids(await callInProcess<FeedPage>(getFollowingFeed, { user: kai, data: {} })), []);

    const cover = await callInProcess<PostView>(getPost, { user: noah, data: { postId: COVER } });
    assert.deepEqual(
      [cover.authorUid, cover.hashtags, cover.counts, cover.likedByMe],
      [luna.callAuth.uid, ["acoustic", "livemusic"], { likes: 2, comments: 2, reposts: 0 }, true],
    );
    const comments = await callInProcess<ListCommentsResponse>(listComments, { user: noah, data: { postId: COVER } });
    assert.deepEqual(
      comments.items.map((c) => [c.commentId, c.authorUid, c.counts]),
      [["demo-comment-mia", mia.callAuth.uid, { likes: 1, replies: 1 }]],
    );
    const replies = await callInProcess<ListCommentsResponse>(listComments, { user: noah, data: { postId: COVER, parentId: "demo-comment-mia" } });
    assert.deepEqual(
      replies.items.map((c) => [c.commentId, c.authorUid]),
      [["demo-comment-luna-reply", luna.callAuth.uid]],
    );
    assert.deepEqual(ids(await callInProcess<FeedPage>(getHashtagPosts, { user: kai, data: { tag: "acoustic" } })), [SETLIST, COVER]);
    // Kai's tape is for his followers: Noah does not follow him.
    await expectHttpsError(callInProcess(getPost, { user: noah, data: { postId: TAPE } }), "not-found");
    assert.equal((await callInProcess<PostView>(getPost, { user: mia, data: { postId: TAPE } })).counts.likes, 1);

    // The entries are exactly what the fan-out and the follow backfill write from the posts and edges.
    const entries = async () => Object.fromEntries((await db().collectionGroup("feed").get()).docs.map((doc) => [doc.ref.path, doc.data()]));
    const seeded = await entries();
    for (const postId of [COVER, TAPE, SETLIST]) assert.equal((await syncPostFeedPage({ postId, run: "0", page: 0, startAfter: null })).next, null);
    await syncFollowEdge(luna.callAuth.uid, mia.callAuth.uid);
    assert.deepEqual(await entries(), seeded);
    assert.equal(Object.keys(seeded).length, 5);
  });

  it("Luna's story is live whenever the world is loaded; Luna's inbox holds Mia's unread message", async () => {
    await loadInProcess(seed);
    const stories = await callInProcess<ListStoriesResponse>(listStories, { user: noah, data: { uid: luna.callAuth.uid } });
    assert.deepEqual(
      stories.items.map((s) => s.storyId),
      ["demo-story-luna"],
    );
    const hoursLeft = (Date.parse(stories.items[0]?.expiresAt as string) - Date.now()) / 3_600_000;
    assert.ok(hoursLeft > 22.9 && hoursLeft <= 23, `expires in ${hoursLeft} h`);
    assert.equal((await callInProcess<ViewStoryResponse>(viewStory, { user: noah, data: { storyId: "demo-story-luna" } })).recorded, true);
    const viewers = await callInProcess<ListStoryViewersResponse>(listStoryViewers, { user: luna, data: { storyId: "demo-story-luna" } });
    assert.deepEqual([viewers.viewCount, viewers.items.map((v) => v.uid)], [2, [noah.callAuth.uid, mia.callAuth.uid]]);

    const inbox = await callInProcess<ListConversationsResponse>(listConversations, { user: luna, data: {} });
    assert.deepEqual(
      inbox.items.map((c) => [c.conversationId, c.otherUid, c.unread, c.preview.text]),
      [[CONVERSATION, mia.callAuth.uid, 1, "I'll be there!"]],
    );
    assert.equal(inbox.unreadTotal, 1);
    const thread = await callInProcess<ListMessagesResponse>(listMessages, { user: mia, data: { conversationId: CONVERSATION } });
    assert.deepEqual(
      thread.items.map((m) => m.messageId),
      ["demo-dm-3", "demo-dm-2", "demo-dm-1"],
    );
    assert.ok(
      Date.parse(thread.lastReadAt[luna.callAuth.uid] as string) < Date.parse(thread.items[0]?.createdAt as string),
      "Luna has not read the last one",
    );
    assert.deepEqual(await callInProcess(markConversationRead, { user: luna, data: { conversationId: CONVERSATION } }), { cleared: 1 });
    assert.equal((await callInProcess<ListConversationsResponse>(listConversations, { user: luna, data: {} })).unreadTotal, 0);
    const reply = await callInProcess<SendMessageResponse>(sendMessage, {
      user: luna,
      data: { toUid: mia.callAuth.uid, text: "See you!", requestId: randomUUID() },
    });
    assert.deepEqual([reply.conversationId, reply.state], [CONVERSATION, "open"]);
    assert.equal((await callInProcess<ListConversationsResponse>(listConversations, { user: mia, data: {} })).unreadTotal, 1);
  });
});

describe("devstack: the demo world's agency works with the real services", function () {
  this.timeout(60_000);
  useCleanStack();
  const seed = readSeed(join(ROOT, "emulator-data"));
  const [ava, rio, kai, luna, mia, noah] = [
    "demo-agency-ava",
    "demo-reseller-rio",
    "demo-host-kai",
    "demo-host-luna",
    "demo-viewer-mia",
    "demo-viewer-noah",
  ].map((uid) => demoAccount(seed, uid));
  const AGENCY = "demo-agency-stellar";
  const membersOf = (dashboard: DashboardResponse) => dashboard.members.map((m) => [m.uid, m.role]).sort();

  beforeEach(() => clearConfigCaches());
  after(() => resetStack());

  it("Stellar Talent is found by search; its owner and manager see its four members on the dashboard; the manager recruits Noah; a host is refused the dashboard", async () => {
    await loadInProcess(seed);
    const found = await callInProcess<SearchAgenciesResponse>(searchAgencies, { user: mia, data: { namePrefix: "stel" } });
    assert.deepEqual(
      found.agencies.map((a) => [a.id, a.name, a.status]),
      [[AGENCY, "Stellar Talent", "active"]],
    );
    const members = [
      ["demo-agency-ava", "owner"],
      ["demo-host-kai", "host"],
      ["demo-host-luna", "host"],
      ["demo-reseller-rio", "manager"],
    ];
    assert.deepEqual(membersOf(await callInProcess<DashboardResponse>(getAgencyDashboard, { user: ava, data: { agencyId: AGENCY } })), members);
    await callInProcess(inviteToAgency, { user: rio, data: { agencyId: AGENCY, uid: "demo-viewer-noah" } });
    await callInProcess(answerAgencyRequest, { user: noah, data: { agencyId: AGENCY, uid: "demo-viewer-noah", accept: true } });
    assert.deepEqual(
      membersOf(await callInProcess<DashboardResponse>(getAgencyDashboard, { user: rio, data: { agencyId: AGENCY } })),
      [...members, ["demo-viewer-noah", "host"]].sort(),
    );
    await expectHttpsError(callInProcess(getAgencyDashboard, { user: kai, data: { agencyId: AGENCY } }), "permission-denied");
    // Luna is a member: another agency may not recruit her, nor she apply again.
    await expectHttpsError(callInProcess(applyToAgency, { user: luna, data: { agencyId: AGENCY } }), "failed-precondition");
  });
});

describe("devstack: the demo world's seasonal campaign works with the real services", function () {
  this.timeout(60_000);
  useCleanStack();
  const seed = readSeed(join(ROOT, "emulator-data"));
  const CAMPAIGN = "demo-rose-season";

  beforeEach(() => {
    clearConfigCaches();
    forgetCurrentCampaigns();
  });
  after(() => resetStack());

  it("Rose season runs whenever the world is loaded; Mia's roses count towards it and its first tier pays once", async () => {
    await loadInProcess(seed);
    // Signed in after the load: the world's sign-out markers are older than these sessions.
    const [mia, luna] = ["demo-viewer-mia", "demo-host-luna"].map((uid) => demoAccount(seed, uid));
    const listed = await callInProcess<ListMyCampaignsResponse>(listMyCampaigns, { user: mia, data: null });
    assert.deepEqual(
      listed.campaigns.map((c) => [c.id, c.running, c.progress, c.goal, c.tiers.map((t) => [t.threshold, t.reached, t.claimed])]),
      [
        [
          CAMPAIGN,
          true,
          0,
          { metric: "gifts-sent", giftId: "rose" },
          [
            [10, false, false],
            [50, false, false],
            [200, false, false],
          ],
        ],
      ],
    );
    const daysLeft = (Date.parse(listed.campaigns[0]?.endsAt as string) - Date.now()) / 86_400_000;
    assert.ok(daysLeft > 12 && daysLeft <= 13, `ends 13 days after the load (${daysLeft})`);

    const sent = await callInProcess<SendGiftResponse>(sendGift, {
      user: mia,
      data: {
        giftId: "rose",
        recipientUid: luna.callAuth.uid,
        count: 10,
        context: { type: "room", id: "demo-room-lounge" },
        requestId: randomUUID(),
      },
    });
    const ledger = (await db().doc(`ledger/${sent.transactionId}`).get()).data() as Record<string, unknown>;
    await deliverDocumentCreated(onLedgerTransactionForCampaigns, `ledger/${sent.transactionId}`, ledger, `evt-${sent.transactionId}`, {
      txId: sent.transactionId,
    });
    const [view] = (await callInProcess<ListMyCampaignsResponse>(listMyCampaigns, { user: mia, data: null })).campaigns;
    assert.equal(view?.progress, 10);
    const claim = await callInProcess<ClaimCampaignRewardResponse>(claimCampaignReward, { user: mia, data: { campaignId: CAMPAIGN, tier: 0 } });
    assert.deepEqual([claim.coins, claim.alreadyClaimed], [100, false]);
    const again = await callInProcess<ClaimCampaignRewardResponse>(claimCampaignReward, { user: mia, data: { campaignId: CAMPAIGN, tier: 0 } });
    assert.equal(again.alreadyClaimed, true);
  });
});

describe("devstack: the demo world's operations staff and the console's work", function () {
  // Loading the whole world twice, then three money and report calls: slow on a loaded machine.
  this.timeout(120_000);
  useCleanStack();
  const seed = readSeed(join(ROOT, "emulator-data"));

  beforeEach(() => clearConfigCaches());
  after(() => resetStack());

  it("loads the five staff accounts with their roles, in Auth and on their profiles", async () => {
    await loadInProcess(seed);
    assert.deepEqual(DEMO_STAFF.map((staff) => staff.role).sort(), ["admin", "admin", "finance", "moderator", "support"]);
    for (const staff of DEMO_STAFF) {
      const user = await auth().getUser(staff.uid);
      assert.equal(user.email, staff.email);
      assert.deepEqual(user.customClaims?.roles, [staff.role], staff.email);
      assert.deepEqual((await db().doc(`users/${staff.uid}`).get()).get("roles"), [staff.role], staff.email);
    }
  });

  it("lets support find demo accounts by display-name prefix in the console's search", async () => {
    await loadInProcess(seed);
    const found = await callInProcess<SearchUsersResponse>(searchUsers, {
      user: demoAccount(seed, "demo-support"),
      data: { query: "Lu", field: "displayName" },
    });
    assert.deepEqual(
      found.users.map((user) => user.uid),
      ["demo-host-luna"],
    );
  });

  it("gives Luna a withdrawal to ask for and Mia a report to file, which the second admin and the queue can work", async () => {
    await loadInProcess(seed);
    const luna = demoAccount(seed, DEMO_WORK.withdrawal.uid);
    const withdrawal = await callInProcess<RequestWithdrawalResponse>(requestWithdrawal, { user: luna, data: DEMO_WORK.withdrawal.request });
    assert.equal(withdrawal.status, "pending");
    const report = await callInProcess<ReportResponse>(reportContent, {
      user: demoAccount(seed, DEMO_WORK.report.uid),
      data: DEMO_WORK.report.request,
    });
    assert.equal(report.status, "open");
    const paid = await callInProcess<ReviewWithdrawalResponse>(reviewWithdrawal, {
      user: demoAccount(seed, "demo-admin-2"),
      data: { withdrawalId: withdrawal.withdrawalId, decision: "approve", reason: "Demo payout checked", requestId: "demo-review" },
    });
    assert.equal(paid.status, "paid");
  });
});
