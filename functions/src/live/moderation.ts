/**
 * Moderation inside a stream, by its host or by platform staff (moderators, admins): kick (optionally
 * with a stream ban for a duration: bans/{venueKey}/{uid} = untilMs, checked by joinStream), unban,
 * and the pinned message in the live state. A host cannot act on staff or on themselves.
 */
import { userRef } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { isStaff, rolesFromClaims } from "../kernel/roles.js";
import { LivePaths, VenuePaths } from "../venues/paths.js";
import type {
  KickFromStreamRequest,
  KickFromStreamResponse,
  PinStreamMessageRequest,
  PinStreamMessageResponse,
  StreamUserRequest,
} from "./schema.js";
import { liveConfig, loadLiveStream, readValue, type StoredStream, serverTimestamp, streamVenue, updateTree } from "./store.js";
import { removeStreamMember } from "./viewers.js";

function assertModerates(caller: Caller, stream: StoredStream): void {
  if (caller.uid !== stream.hostUid && !isStaff(caller.roles)) fail("permission-denied", "Only the host or a moderator can do this.");
}

async function assertTargetable(caller: Caller, stream: StoredStream, uid: string): Promise<void> {
  if (uid === stream.hostUid) fail("failed-precondition", "The host cannot be removed from their own stream.");
  if (uid === caller.uid) fail("failed-precondition", "You cannot do this to yourself.");
  if (isStaff(caller.roles)) return;
  // roles on users/{uid} mirror the claim (set only by setUserRoles).
  const target = await userRef(uid).get();
  if (isStaff(rolesFromClaims(target.data()))) fail("permission-denied", "Moderators cannot be removed by a host.");
}

export async function kickFromStream(caller: Caller, request: KickFromStreamRequest): Promise<KickFromStreamResponse> {
  const [stream, config] = await Promise.all([loadLiveStream(request.streamId), liveConfig()]);
  assertModerates(caller, stream);
  if (request.banMinutes !== undefined && request.banMinutes > config.maxBanMinutes) {
    fail("invalid-argument", `Invalid request: banMinutes: at most ${config.maxBanMinutes}`, {
      issues: [{ path: "banMinutes", message: `at most ${config.maxBanMinutes}`, code: "too_big" }],
    });
  }
  await assertTargetable(caller, stream, request.uid);
  let bannedUntil: number | null = null;
  if (request.banMinutes !== undefined) {
    bannedUntil = Date.now() + request.banMinutes * 60_000;
    // The ban goes first, so the user cannot slip back in between removal and ban.
    await updateTree({ [VenuePaths.banOf(streamVenue(stream.id), request.uid)]: bannedUntil });
  }
  const removed = await removeStreamMember(stream.id, request.uid, bannedUntil ? "banned" : "kicked");
  log.info("stream moderation", { streamId: stream.id, actorUid: caller.uid, targetUid: request.uid, banMinutes: request.banMinutes ?? 0 });
  return { removed, bannedUntil: bannedUntil ? new Date(bannedUntil).toISOString() : null };
}

export async function unbanFromStream(caller: Caller, request: StreamUserRequest): Promise<{ unbanned: boolean }> {
  const stream = await loadLiveStream(request.streamId);
  assertModerates(caller, stream);
  const path = VenuePaths.banOf(streamVenue(stream.id), request.uid);
  const existed = (await readValue(path)) !== null;
  await updateTree({ [path]: null });
  return { unbanned: existed };
}

export async function pinStreamMessage(caller: Caller, request: PinStreamMessageRequest): Promise<PinStreamMessageResponse> {
  const stream = await loadLiveStream(request.streamId);
  assertModerates(caller, stream);
  const pinned = request.text === null ? null : { text: request.text, by: caller.uid, at: serverTimestamp() };
  await updateTree({ [LivePaths.pinned(stream.id)]: pinned });
  return { pinned: pinned !== null };
}
