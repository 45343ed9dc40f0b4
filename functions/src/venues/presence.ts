/**
 * Presence in venues. The client writes presence/{venueKey}/{uid} = { lastSeen: server time } while it
 * is a member, rewrites it every ~30 s (heartbeat) and registers onDisconnect().remove() (fast path:
 * others see it leave at once). Neither is reliable on network loss — onDisconnect fires late or never —
 * so seats, guest slots and viewer counts are freed by the sweep here, on two signals:
 *
 * - stale presence: lastSeen older than config/presence.staleAfterSeconds (the client vanished without
 *   its onDisconnect firing); an indexed query (".indexOn": "lastSeen") returns only those entries;
 * - absence: absences/{venueKey}/{uid} = since, written by triggers when a member is admitted (no
 *   presence yet) and when a member's presence is removed (onDisconnect, or the client itself). The
 *   sweep removes members still without fresh presence after absentGraceSeconds, so a short reconnect
 *   keeps the seat and a crash right after joining does not hold one forever.
 *
 * Venues to visit come from venueIndex/{venueKey} (written when a member is admitted, dropped by the
 * sweep once the venue is empty): the sweep never reads a whole presence or members tree.
 */
import { rtdb } from "../kernel/app.js";
import { log } from "../kernel/logger.js";
import { presenceConfig } from "./config.js";
import { trimToLast } from "./feeds.js";
import { removeFromVenue } from "./membership.js";
import { parseVenueKey, type Venue, VenuePaths, venueKey } from "./paths.js";
import type { VenueMember } from "./schema.js";

/** Venues swept at once; each venue's users are handled one after the other. */
const VENUE_CONCURRENCY = 8;

export interface SweepSummary {
  venues: number;
  /** Members removed because their presence went stale. */
  staleRemoved: number;
  /** Members removed because they had no presence for longer than the grace period. */
  absentRemoved: number;
  /** Absence markers dropped because the member came back (or was re-admitted). */
  markersCleared: number;
  giftEventsTrimmed: number;
  /** Venues without members dropped from the index. */
  venuesClosed: number;
  failures: number;
}

function emptySummary(): SweepSummary {
  return { venues: 0, staleRemoved: 0, absentRemoved: 0, markersCleared: 0, giftEventsTrimmed: 0, venuesClosed: 0, failures: 0 };
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  });
  await Promise.all(lanes);
}

function childrenOf<T>(snapshot: import("firebase-admin/database").DataSnapshot): Array<[string, T]> {
  const children: Array<[string, T]> = [];
  snapshot.forEach((child) => {
    children.push([child.key as string, child.val() as T]);
  });
  return children;
}

/** Sets the absence marker unless it already holds a later time (replays and races keep the latest). */
async function markAbsentSince(venue: Venue, uid: string, since: number): Promise<void> {
  await rtdb()
    .ref(VenuePaths.absenceOf(venue, uid))
    .transaction((current) => (typeof current === "number" && current >= since ? undefined : since));
}

/**
 * Replaces (or drops, with null) the marker only if it still holds what the sweep read.
 * RTDB transactions first run on the local cache, which is empty (null) until the server answers:
 * returning null then is a no-op write the server rejects if data exists, which reruns the update
 * with the real value; aborting on null would abort without ever seeing the server's value.
 */
async function replaceMarker(venue: Venue, uid: string, seen: number, next: number | null): Promise<boolean> {
  let replaced = false;
  const result = await rtdb()
    .ref(VenuePaths.absenceOf(venue, uid))
    .transaction((current) => {
      replaced = current !== null && current === seen;
      if (current === null) return null;
      return replaced ? next : undefined;
    });
  return result.committed && replaced;
}

/** Trigger: a member was admitted (members/{venueKey}/{uid} created). */
export async function noteMemberAdmitted(key: string, uid: string, member: unknown, eventTimeMs: number): Promise<void> {
  const venue = parseVenueKey(key);
  if (!venue) {
    log.warn("member admitted to an unknown venue key", { venueKey: key, uid });
    return;
  }
  const at: unknown = (member as Partial<VenueMember> | null)?.at;
  const admittedAt = typeof at === "number" && Number.isFinite(at) ? at : eventTimeMs;
  await Promise.all([
    rtdb()
      .ref(VenuePaths.venueIndexOf(venue))
      .child("lastJoinAt")
      .transaction((current) => (typeof current === "number" && current >= eventTimeMs ? undefined : eventTimeMs)),
    markAbsentSince(venue, uid, admittedAt),
  ]);
}

/** Trigger: a presence entry was removed (onDisconnect, the client, or removeFromVenue). */
export async function notePresenceRemoved(key: string, uid: string, eventTimeMs: number): Promise<void> {
  const venue = parseVenueKey(key);
  if (!venue) return;
  const [member, presence] = await Promise.all([
    rtdb().ref(VenuePaths.member(venue, uid)).get(),
    rtdb().ref(VenuePaths.presenceOf(venue, uid)).get(),
  ]);
  // Removed by removeFromVenue (no longer a member), or already back: nothing to watch.
  if (!member.exists() || presence.exists()) return;
  await markAbsentSince(venue, uid, eventTimeMs);
}

async function sweepVenue(venue: Venue, now: number, summary: SweepSummary): Promise<void> {
  const config = await presenceConfig();
  const staleCutoff = now - config.staleAfterSeconds * 1000;
  const graceCutoff = now - config.absentGraceSeconds * 1000;
  const [stale, absent] = await Promise.all([
    rtdb().ref(VenuePaths.presence(venue)).orderByChild("lastSeen").endAt(staleCutoff).get(),
    rtdb().ref(VenuePaths.absences(venue)).orderByValue().endAt(graceCutoff).get(),
  ]);

  const handled = new Set<string>();
  for (const [uid] of childrenOf(stale)) {
    handled.add(uid);
    try {
      await removeFromVenue(venue, uid, "stale");
      summary.staleRemoved++;
    } catch (err) {
      summary.failures++;
      log.error("presence sweep could not remove a stale member", { venue: venueKey(venue), uid, error: String(err) });
    }
  }

  for (const [uid, since] of childrenOf<unknown>(absent)) {
    if (handled.has(uid)) continue;
    try {
      const [presence, member] = await Promise.all([
        rtdb().ref(VenuePaths.presenceOf(venue, uid)).get(),
        rtdb().ref(VenuePaths.member(venue, uid)).get(),
      ]);
      const lastSeen = presence.child("lastSeen").val();
      const admittedAt = member.child("at").val();
      if (typeof lastSeen === "number" && lastSeen > staleCutoff) {
        if (await replaceMarker(venue, uid, since as number, null)) summary.markersCleared++;
      } else if (member.exists() && typeof admittedAt === "number" && typeof since === "number" && admittedAt > since) {
        // Re-admitted after the marker was written: the grace period starts at the new admission.
        if (await replaceMarker(venue, uid, since, admittedAt)) summary.markersCleared++;
      } else {
        // Also when no longer a member: a removal interrupted after the membership went may still hold a seat.
        const { wasMember, released } = await removeFromVenue(venue, uid, "stale");
        if (wasMember || released > 0) summary.absentRemoved++;
        else summary.markersCleared++;
      }
    } catch (err) {
      summary.failures++;
      log.error("presence sweep could not settle an absent member", { venue: venueKey(venue), uid, error: String(err) });
    }
  }

  const { giftEventsKept } = config;
  summary.giftEventsTrimmed += await trimToLast(VenuePaths.giftFeed(venue), giftEventsKept);

  const anyMember = await rtdb().ref(VenuePaths.members(venue)).limitToFirst(1).get();
  if (!anyMember.exists()) {
    // Only an entry older than the grace period: a join whose trigger has just written it stays.
    let closing = false;
    const closed = await rtdb()
      .ref(VenuePaths.venueIndexOf(venue))
      .transaction((current: { lastJoinAt?: unknown } | null) => {
        const lastJoinAt = current?.lastJoinAt;
        closing = current !== null && !(typeof lastJoinAt === "number" && lastJoinAt > graceCutoff);
        // null for an empty cache too (see replaceMarker).
        return current === null || closing ? null : undefined;
      });
    if (closed.committed && closing) summary.venuesClosed++;
  }
}

/**
 * One pass over every indexed venue. Idempotent: each step re-reads what it acts on, removals are
 * idempotent, and markers change only if they still hold what was read, so overlapping runs agree.
 */
export async function sweepVenuePresence(now = Date.now()): Promise<SweepSummary> {
  const summary = emptySummary();
  const index = await rtdb().ref(VenuePaths.venueIndex()).get();
  const keys = childrenOf(index).map(([key]) => key);
  await forEachLimited(keys, VENUE_CONCURRENCY, async (key) => {
    const venue = parseVenueKey(key);
    if (!venue) {
      await rtdb().ref(VenuePaths.venueIndex()).child(key).remove();
      return;
    }
    summary.venues++;
    try {
      await sweepVenue(venue, now, summary);
    } catch (err) {
      summary.failures++;
      log.error("presence sweep failed for a venue", { venue: key, error: String(err) });
    }
  });
  return summary;
}
