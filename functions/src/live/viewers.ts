/**
 * Viewers: entry (joinStream), exit (leaveStream, kicks, the presence sweep through syncViewer),
 * viewer counts and media tokens. The host is a member but not a viewer.
 *
 * Counting. A viewer is counted by a marker, and a marker and the count it moves change in one RTDB
 * transaction, so no interleaving of joins, leaves and rejoins can leave the count off: a rejoin, a double
 * leave, or the shared removeFromVenue after the member node is gone never counts twice. Which way a
 * marker goes is read from the member node (syncViewer), so markers follow membership whatever the order
 * in which a user's joins and leaves land.
 *
 * A hot stream has thousands of viewers, and a transaction holding all their markers would ship the whole
 * audience with every join and retry against every other join. So the markers are spread over
 * AUDIENCE_SHARDS nodes by uid: streams/{id}/audience/{shard} = { tally: { count, version }, viewers: { uid: at } },
 * and a transaction covers one shard (its markers and its count, derived from them). The public count
 * streams/{id}/state/viewers = { current, peak, shards: { [shard]: { count, version } } } is the sum of the
 * shards' counts; each shard's count is published with its version and a newer version always wins, so
 * publications arriving out of order cannot roll a count back. A publication lost to a crash is redone by
 * the next change of that shard, or by the live sweep (resyncViewerCount).
 */
import { db, rtdb } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { type MediaToken, mintMediaToken } from "../media/tokens.js";
import { vipConfig, vipPrivileges } from "../progression/vip/memberships.js";
import { trimToLast } from "../venues/feeds.js";
import { removeFromVenue } from "../venues/membership.js";
import { VenuePaths } from "../venues/paths.js";
import type { RemovalReason } from "../venues/ports.js";
import { assertMayEnter } from "./access.js";
import { guestSlotOf, releaseGuestSlot } from "./guests.js";
import { addUniqueViewer } from "./ranking.js";
import type {
  EntranceEvent,
  JoinStreamRequest,
  JoinStreamResponse,
  LeaveStreamResponse,
  StreamLiveState,
  StreamMediaTokenResponse,
  StreamMemberRole,
  StreamRefRequest,
} from "./schema.js";
import {
  bounded,
  isStaff,
  LivePaths,
  liveConfig,
  loadLiveStream,
  loadStream,
  readValue,
  type StoredStream,
  serverTimestamp,
  streamVenue,
  summaryOf,
  transact,
  updateTree,
} from "./store.js";

/** Clients animate entrances as they arrive; a few recent ones cover a late subscriber. */
const ENTRANCES_KEPT = 20;

/** Marker shards per stream: each transaction holds about 1/16 of a hot stream's audience. */
const AUDIENCE_SHARDS = 16;

interface ShardTally {
  count: number;
  /** Grows with every change of the shard's markers: the order of its publications. */
  version: number;
}

interface AudienceShard {
  tally: ShardTally;
  viewers?: Record<string, number>;
}

interface ViewerCounts {
  current: number;
  peak: number;
  shards?: Record<string, ShardTally>;
}

/** The shard of a uid (FNV-1a), as a key that never reads as an array index in the RTDB. */
function shardOf(uid: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < uid.length; i++) hash = Math.imul(hash ^ uid.charCodeAt(i), 0x01000193);
  return `s${(hash >>> 0) % AUDIENCE_SHARDS}`;
}

/** Publishes a shard's tally into the public count, unless a newer one of that shard is already in. */
async function publishTally(streamId: string, shard: string, tally: ShardTally): Promise<void> {
  await transact<ViewerCounts>(LivePaths.viewers(streamId), (counts) => {
    if ((counts?.shards?.[shard]?.version ?? 0) >= tally.version) return counts;
    const shards = { ...(counts?.shards ?? {}), [shard]: tally };
    const current = Object.values(shards).reduce((sum, t) => sum + t.count, 0);
    return { current, peak: Math.max(counts?.peak ?? 0, current), shards };
  });
}

/**
 * Puts `uid`'s marker in (present) or out of its shard, with the shard's count, in one transaction, then
 * publishes the count. Returns whether the marker changed (false: already so).
 */
async function setMarker(streamId: string, uid: string, present: boolean): Promise<boolean> {
  const shard = shardOf(uid);
  let changed = false;
  const committed = await transact<AudienceShard>(LivePaths.audienceShard(streamId, shard), (current) => {
    changed = (current?.viewers?.[uid] !== undefined) !== present;
    if (!changed) return current;
    const viewers = { ...(current?.viewers ?? {}) };
    if (present) viewers[uid] = Date.now();
    else delete viewers[uid];
    return { tally: { count: Object.keys(viewers).length, version: (current?.tally.version ?? 0) + 1 }, viewers };
  });
  if (changed && committed) await publishTally(streamId, shard, committed.tally);
  return changed;
}

/** Marker changes one sync may make before leaving the rest to the next join, leave or sweep (a flapping client). */
const MAX_SYNC_ROUNDS = 5;

/**
 * Brings `uid`'s marker in line with their member node: counted while a member other than the host,
 * uncounted otherwise. Joins write the member node and leaves remove it before calling this, and either may
 * run concurrently with the other, so whoever changes the marker reads the member node again and repeats
 * until the two agree: the last marker change is always made by a call that then saw it right.
 * Idempotent; returns whether this call counted the viewer (a new arrival).
 */
export async function syncViewer(streamId: string, uid: string): Promise<boolean> {
  let arrived = false;
  for (let round = 0; round < MAX_SYNC_ROUNDS; round++) {
    const member = await readValue<{ role?: string }>(VenuePaths.member(streamVenue(streamId), uid));
    const counted = member !== null && member.role !== "host";
    if (!(await setMarker(streamId, uid, counted))) break;
    arrived = counted;
  }
  return arrived;
}

/** Publishes every shard's tally again (the live sweep: heals a publication lost between the two steps). */
export async function resyncViewerCount(streamId: string): Promise<void> {
  const shards = Array.from({ length: AUDIENCE_SHARDS }, (_, i) => `s${i}`);
  await Promise.all(
    shards.map(async (shard) => {
      const tally = await readValue<ShardTally>(`${LivePaths.audienceShard(streamId, shard)}/tally`);
      if (tally) await publishTally(streamId, shard, tally);
    }),
  );
}

/**
 * What a stream frees when someone leaves it, after their member node is gone (the stream's venue adapter,
 * called by removeFromVenue): their guest slot and pending ask, and their viewer count. Returns 1 when a
 * guest slot was released. Idempotent: the marker follows the member node, so a retry uncounts once.
 */
export async function releaseStreamOccupant(streamId: string, uid: string, reason: RemovalReason): Promise<number> {
  const released = (await releaseGuestSlot(streamId, uid, reason)) ? 1 : 0;
  await syncViewer(streamId, uid);
  return released;
}

/**
 * Takes `uid` out of the stream through the shared venue clean-up: member, presence and typing nodes,
 * guest slot and pending ask, viewer count (releaseStreamOccupant). Returns whether the user was a member.
 */
export async function removeStreamMember(streamId: string, uid: string, reason: RemovalReason): Promise<boolean> {
  const { wasMember } = await removeFromVenue(streamVenue(streamId), uid, reason);
  return wasMember;
}

/** The host's member node (chat and presence rules require membership). */
export async function admitHost(stream: StoredStream): Promise<void> {
  await updateTree({ [VenuePaths.member(streamVenue(stream.id), stream.hostUid)]: { role: "host", at: serverTimestamp() } });
}

/** The RTDB live state of a live stream, created if missing (a crash after the Firestore commit heals on retry). */
export async function publishLiveState(stream: StoredStream): Promise<void> {
  const initial: StreamLiveState = {
    hostUid: stream.hostUid,
    title: stream.title,
    category: stream.category,
    visibility: stream.visibility,
    status: "live",
    startedAt: stream.startedAt.toMillis(),
    viewers: { current: 0, peak: 0 },
    guestSlots: stream.guestSlots,
  };
  // Children written meanwhile (a viewer count) are kept; a state with a status is left alone.
  await transact<StreamLiveState>(`streams/${stream.id}/state`, (current) => (current?.status ? current : { ...initial, ...(current ?? {}) }));
  await admitHost(stream);
}

async function profileOf(uid: string): Promise<Record<string, unknown> | undefined> {
  return (await db().collection(Collections.users).doc(uid).get()).data();
}

function displayNameOf(profile: Record<string, unknown> | undefined): string | undefined {
  return typeof profile?.displayName === "string" ? profile.displayName : undefined;
}

export async function streamMediaToken(
  stream: StoredStream,
  uid: string,
  role: StreamMemberRole,
  canPublish: boolean,
  profile: Record<string, unknown> | undefined,
  vipTier = 0,
): Promise<MediaToken> {
  return mintMediaToken({
    venue: streamVenue(stream.id),
    uid,
    canPublish,
    displayName: displayNameOf(profile),
    metadata: { role, ...(vipTier ? { vipTier } : {}) },
  });
}

export async function joinStream(caller: Caller, request: JoinStreamRequest): Promise<JoinStreamResponse> {
  const [stream, config] = await Promise.all([loadLiveStream(request.streamId), liveConfig()]);
  const role: StreamMemberRole = caller.uid === stream.hostUid ? "host" : isStaff(caller.roles) ? "moderator" : "viewer";
  await assertMayEnter(caller, stream, request.password, config);
  const [profile, vip] = await Promise.all([profileOf(caller.uid), vipConfig()]);

  if (role === "host") {
    await admitHost(stream);
    const media = await streamMediaToken(stream, caller.uid, role, true, profile);
    return { stream: summaryOf(stream), role, isGuest: false, media, entrance: null };
  }

  const privileges = vipPrivileges(profile, Date.now(), vip);
  const venue = streamVenue(stream.id);
  await updateTree({
    [VenuePaths.member(venue, caller.uid)]: { role, at: serverTimestamp(), ...(privileges.tier ? { vipTier: privileges.tier } : {}) },
  });
  const counted = await syncViewer(stream.id, caller.uid);
  await addUniqueViewer(stream.id, caller.uid);

  let status = await readValue<string>(LivePaths.status(stream.id));
  if (status === null) {
    // The start crashed between its Firestore commit and the live state: publish it now.
    await publishLiveState(stream);
    status = await readValue<string>(LivePaths.status(stream.id));
  }
  // The end may have swept the members between the checks and the write above: undo and refuse.
  if (status !== "live") {
    await removeStreamMember(stream.id, caller.uid, "ended");
    fail("failed-precondition", "This stream has ended.", { streamId: stream.id });
  }

  let entrance: JoinStreamResponse["entrance"] = null;
  if (counted && privileges.entranceEffect) {
    entrance = { effect: privileges.entranceEffect, tier: privileges.tier };
    const event: EntranceEvent = { u: caller.uid, n: displayNameOf(profile) ?? null, e: entrance.effect, v: entrance.tier, t: serverTimestamp() };
    try {
      await bounded(Promise.resolve(rtdb().ref(LivePaths.entrances(stream.id)).push(event)), "entrance");
      await bounded(trimToLast(LivePaths.entrances(stream.id), ENTRANCES_KEPT), "entrance trim");
    } catch (err) {
      log.warn("entrance effect not announced", { streamId: stream.id, uid: caller.uid, error: String(err) });
    }
  }

  const isGuest = (await guestSlotOf(stream.id, caller.uid)) !== null;
  const media = await streamMediaToken(stream, caller.uid, role, isGuest, profile, privileges.tier);
  return { stream: summaryOf(stream), role, isGuest, media, entrance };
}

export async function leaveStream(caller: Caller, { streamId }: StreamRefRequest): Promise<LeaveStreamResponse> {
  const stream = await loadStream(streamId);
  if (caller.uid === stream.hostUid) fail("failed-precondition", "The host ends the stream instead of leaving it.");
  // The end already cleared everyone out.
  if (stream.status !== "live") return { left: false };
  return { left: await removeStreamMember(streamId, caller.uid, "left") };
}

/**
 * A fresh media token: publish rights for the host and seated guests only; subscribe for any other
 * admitted member; nothing for anyone who has not passed joinStream's checks.
 */
export async function getStreamMediaToken(caller: Caller, { streamId }: StreamRefRequest): Promise<StreamMediaTokenResponse> {
  const stream = await loadLiveStream(streamId);
  const profile = await profileOf(caller.uid);
  if (caller.uid === stream.hostUid) {
    return { media: await streamMediaToken(stream, caller.uid, "host", true, profile), role: "host", isGuest: false };
  }
  const member = await readValue<{ role?: StreamMemberRole; vipTier?: number }>(VenuePaths.member(streamVenue(streamId), caller.uid));
  if (!member) fail("permission-denied", "Join the stream first.");
  const role: StreamMemberRole = member.role === "moderator" ? "moderator" : "viewer";
  const isGuest = (await guestSlotOf(streamId, caller.uid)) !== null;
  const media = await streamMediaToken(stream, caller.uid, role, isGuest, profile, member.vipTier ?? 0);
  return { media, role, isGuest };
}
