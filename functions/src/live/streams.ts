/**
 * The stream lifecycle. startStream creates streams/{id} (authoritative, Firestore) and the live state
 * in RTDB; one live stream per host is enforced by liveHosts/{hostUid}, created in the same
 * transaction as the stream (a second start serialises on it and is refused). endStream marks the
 * stream ended (host, staff or the sweep), then finalises it: the RTDB venue is cleared (members,
 * presence, typing, guests, queue, entrances, bans), analytics and the final ranking are written, and
 * `finalized` is set. Finalisation is idempotent and re-run by the sweep if a crash interrupted it.
 */

import { isBanActive } from "../identity/policy.js";
import { readBan } from "../kernel/account.js";
import { db, firestoreValues } from "../kernel/app.js";
import { recordAudit } from "../kernel/audit.js";
import { Collections, userRef } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { runIdempotent } from "../kernel/idempotency.js";
import { log } from "../kernel/logger.js";
import { isStaff } from "../kernel/roles.js";
import { runTransaction } from "../kernel/transactions.js";
import { closeMediaRoom } from "../media/sessions.js";
import { startGoLiveFanout } from "../notifications/fanout.js";
import { hashVenuePassword } from "../venues/password.js";
import { LivePaths, VenuePaths } from "../venues/paths.js";
import { computeStreamAnalytics } from "./analytics.js";
import { forfeitPkForStream } from "./pk/battles.js";
import { expireLiveKeys } from "./ranking.js";
import type {
  EndStreamRequest,
  EndStreamResponse,
  StartStreamRequest,
  StartStreamResponse,
  StreamAnalytics,
  UpdateStreamInvitesRequest,
  UpdateStreamInvitesResponse,
} from "./schema.js";
import {
  liveConfig,
  liveHostRef,
  loadStream,
  readValue,
  type StoredStream,
  storedStream,
  streamRef,
  streamSecretRef,
  streamVenue,
  summaryOf,
  updateTree,
} from "./store.js";
import { publishLiveState, streamMediaToken } from "./viewers.js";

function invalid(path: string, message: string): never {
  return fail("invalid-argument", `Invalid request: ${path}: ${message}`, { issues: [{ path, message, code: "custom" }] });
}

export async function startStream(caller: Caller, request: StartStreamRequest): Promise<StartStreamResponse> {
  const config = await liveConfig();
  // Everything that can refuse the request is checked before anything is written.
  if (!config.categories.includes(request.category)) invalid("category", `must be one of ${config.categories.join(", ")}`);
  if (request.coverPath && !request.coverPath.startsWith(`streamCovers/${caller.uid}/`)) {
    invalid("coverPath", "must be under streamCovers/{your uid}/");
  }
  const invitedUids = [...new Set(request.invitedUids ?? [])].filter((uid) => uid !== caller.uid).sort();
  if (invitedUids.length > config.maxInvited) invalid("invitedUids", `at most ${config.maxInvited} invited viewers`);
  if (isBanActive(await readBan(caller.uid), Date.now())) fail("permission-denied", "This account is suspended.");
  const passwordHash = request.password ? await hashVenuePassword(request.password) : null;

  // The password never enters the idempotency record (its fingerprint would be a fast hash of it).
  const { requestId, password: _password, ...fields } = request;
  const payload = { ...fields, invitedUids, hasPassword: passwordHash !== null };
  const { result, replayed } = await runIdempotent<{ streamId: string }>(
    { scope: "live.startStream", key: requestId, owner: caller.uid, payload },
    async (tx) => {
      const [lock, profile] = await tx.getAll(liveHostRef(caller.uid), userRef(caller.uid));
      if (!profile?.exists || profile.get("deleted") === true) fail("failed-precondition", "Your profile is not set up yet.");
      const liveId = lock?.get("streamId") as string | undefined;
      if (liveId) {
        const current = await tx.get(streamRef(liveId));
        if (current.exists && current.get("status") === "live") {
          fail("failed-precondition", "You are already live. End that stream first.", { streamId: liveId });
        }
      }
      const { FieldValue } = firestoreValues();
      const ref = db().collection(Collections.streams).doc();
      const stream: Omit<StoredStream, "startedAt"> & { startedAt: unknown; createdAt: unknown; requestId: string } = {
        id: ref.id,
        hostUid: caller.uid,
        hostName: (profile.get("displayName") as string | undefined) ?? null,
        hostAvatarPath: (profile.get("avatarPath") as string | undefined) ?? null,
        title: request.title,
        category: request.category,
        coverPath: request.coverPath ?? null,
        visibility: request.visibility,
        discoverable: request.visibility === "public" || request.visibility === "password",
        country: request.country,
        region: request.region,
        language: request.language ?? null,
        status: "live",
        startedAt: FieldValue.serverTimestamp(),
        endedAt: null,
        endedBy: null,
        endReason: null,
        guestSlots: config.guestSlots,
        guestUids: [],
        viewerCount: 0,
        pkBattleId: null,
        analytics: null,
        finalized: false,
        createdAt: FieldValue.serverTimestamp(),
        requestId,
      };
      tx.create(ref, stream);
      tx.set(liveHostRef(caller.uid), { streamId: ref.id, startedAt: FieldValue.serverTimestamp() });
      if (passwordHash || request.visibility === "private") {
        tx.create(streamSecretRef(ref.id), { passwordHash, invitedUids });
      }
      return { streamId: ref.id };
    },
  );

  const stream = await loadStream(result.streamId);
  if (stream.status !== "live") {
    // A replay of a start whose stream has since ended: report it, hand out no token.
    fail("failed-precondition", "This stream has already ended.", { streamId: stream.id });
  }
  await publishLiveState(stream);
  // Followers hear of a discoverable stream (once per stream: a replayed start finds the fan-out).
  if (stream.visibility !== "private") await startGoLiveFanout(stream);
  const profile = (await userRef(caller.uid).get()).data();
  const media = await streamMediaToken(stream, caller.uid, "host", true, profile);
  if (!replayed) log.info("stream started", { streamId: stream.id, hostUid: caller.uid, visibility: stream.visibility });
  return { streamId: stream.id, stream: summaryOf(stream), media };
}

export interface EndActor {
  /** null: the platform itself (the sweep). */
  uid: string | null;
  staff: boolean;
  /** The staff request that ends it, recorded in the audit entry. */
  requestId?: string;
}

/** Marks the stream ended (idempotent); true when this call ended it. */
async function closeStream(streamId: string, actor: EndActor, reason: string): Promise<boolean> {
  const { FieldValue } = firestoreValues();
  return runTransaction(async (tx) => {
    const stream = storedStream(await tx.get(streamRef(streamId)));
    if (actor.uid !== null && !actor.staff && actor.uid !== stream.hostUid) {
      fail("permission-denied", "Only the host or a moderator can end this stream.");
    }
    if (stream.status !== "live") return false;
    const lock = await tx.get(liveHostRef(stream.hostUid));
    const now = FieldValue.serverTimestamp();
    tx.update(streamRef(streamId), { status: "ended", endedAt: now, endedBy: actor.uid, endReason: reason, updatedAt: now });
    if (lock.get("streamId") === streamId) tx.delete(lock.ref);
    if (actor.uid !== null && actor.uid !== stream.hostUid) {
      recordAudit(tx, {
        action: "live.endStream",
        actorUid: actor.uid,
        targetUid: stream.hostUid,
        reason,
        requestId: actor.requestId ?? null,
        details: { streamId },
      });
    }
    return true;
  });
}

/** Clears the venue in RTDB. The status flips first, so a join racing the end sees it and backs out. */
async function clearVenue(streamId: string, endedAtMs: number): Promise<void> {
  const venue = streamVenue(streamId);
  await updateTree({
    [LivePaths.status(streamId)]: "ended",
    [LivePaths.endedAt(streamId)]: endedAtMs,
    [LivePaths.hostAbsentSince(streamId)]: null,
  });
  await updateTree({
    [LivePaths.guests(streamId)]: null,
    [LivePaths.guestQueue(streamId)]: null,
    [LivePaths.entrances(streamId)]: null,
    [LivePaths.audience(streamId)]: null,
    [LivePaths.viewersCurrent(streamId)]: 0,
    [LivePaths.viewersShards(streamId)]: null,
    [VenuePaths.members(venue)]: null,
    [VenuePaths.presence(venue)]: null,
    [VenuePaths.typing(venue)]: null,
    [VenuePaths.bans(venue)]: null,
  });
}

/** Analytics and the final ranking, once; returns the stored analytics. */
export async function finalizeStream(streamId: string): Promise<StreamAnalytics | null> {
  const stream = await loadStream(streamId);
  if (stream.status !== "ended" || !stream.endedAt) return null;
  if (stream.finalized) return stream.analytics;
  const endedAtMs = stream.endedAt.toMillis();
  // A PK battle the stream was in is decided or cancelled (idempotent; a failure leaves the stream
  // unfinalised, so the end's retry or the sweep runs this again).
  await forfeitPkForStream(streamId);
  const peak = (await readValue<number>(LivePaths.viewersPeak(streamId))) ?? 0;
  await clearVenue(streamId, endedAtMs);
  const config = await liveConfig();
  const { analytics, bySender } = await computeStreamAnalytics(stream, endedAtMs, peak);

  const ranking = [...bySender.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, config.rankingPersistLimit);
  const { FieldValue } = firestoreValues();
  const stored = await runTransaction(async (tx) => {
    const fresh = storedStream(await tx.get(streamRef(streamId)));
    if (fresh.finalized) return fresh.analytics;
    ranking.forEach(([uid, coins], i) => {
      tx.set(streamRef(streamId).collection(Collections.streamRanking).doc(uid), { uid, coins, rank: i + 1 });
    });
    tx.update(streamRef(streamId), {
      analytics,
      finalized: true,
      finalizedAt: FieldValue.serverTimestamp(),
      // The sweep removes the stream's RTDB data after the retention period, then sets this.
      liveStateCleared: false,
      viewerCount: 0,
    });
    return analytics;
  });
  await expireLiveKeys(streamId);
  log.info("stream finalised", { streamId, ...analytics, gifts: analytics.gifts.coins });
  return stored;
}

export async function endStreamAs(actor: EndActor, request: EndStreamRequest): Promise<EndStreamResponse> {
  const changed = await closeStream(request.streamId, actor, request.reason ?? (actor.uid === null ? "system" : "ended"));
  const analytics = await finalizeStream(request.streamId);
  // The members went in bulk: their media sessions go with the media room.
  if (changed) await closeMediaRoom(streamVenue(request.streamId));
  if (changed) log.info("stream ended", { streamId: request.streamId, by: actor.uid, reason: request.reason });
  return { streamId: request.streamId, status: "ended", changed, analytics };
}

export function endStream(caller: Caller, request: EndStreamRequest): Promise<EndStreamResponse> {
  return endStreamAs({ uid: caller.uid, staff: isStaff(caller.roles) }, request);
}

/** The host adds or removes invited viewers of a private stream (removal does not eject a viewer already inside). */
export async function updateStreamInvites(caller: Caller, request: UpdateStreamInvitesRequest): Promise<UpdateStreamInvitesResponse> {
  const config = await liveConfig();
  return runTransaction(async (tx) => {
    const stream = storedStream(await tx.get(streamRef(request.streamId)));
    if (stream.hostUid !== caller.uid) fail("permission-denied", "Only the host invites viewers.");
    if (stream.status !== "live") fail("failed-precondition", "This stream has ended.");
    if (stream.visibility !== "private") fail("failed-precondition", "Only private streams have an invitation list.");
    const secrets = await tx.get(streamSecretRef(request.streamId));
    const invited = new Set<string>((secrets.get("invitedUids") as string[] | undefined) ?? []);
    for (const uid of request.add) if (uid !== caller.uid) invited.add(uid);
    for (const uid of request.remove) invited.delete(uid);
    if (invited.size > config.maxInvited) fail("failed-precondition", `At most ${config.maxInvited} invited viewers.`);
    tx.set(streamSecretRef(request.streamId), { invitedUids: [...invited].sort() }, { merge: true });
    return { invited: invited.size };
  });
}

/** Ends the live stream of `hostUid` as staff acting for `actorUid` (a sanctioned host); the ids it ended. */
export async function endStreamsHostedBy(hostUid: string, actorUid: string): Promise<string[]> {
  const streamId = (await liveHostRef(hostUid).get()).get("streamId") as string | undefined;
  if (!streamId) return [];
  const { changed } = await endStreamAs({ uid: actorUid, staff: true }, { streamId, reason: "host sanctioned" });
  return changed ? [streamId] : [];
}
