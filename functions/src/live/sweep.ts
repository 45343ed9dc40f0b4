/**
 * The live-streams sweep (sweepLiveStreamsJob, every minute):
 *  - ends streams whose host vanished: the host's presence/{venueKey}/{hostUid}.lastSeen is older than
 *    config/live hostAbsentMinutes, or the presence node is gone (onDisconnect fired) and stays gone
 *    that long (state.hostAbsentSince records when the sweep first saw it missing, so a short network
 *    drop of a long-running stream does not end it);
 *  - republishes each audience shard's viewer count (viewers.ts resyncViewerCount), then refreshes
 *    streams/{id}.viewerCount (approximate, for discovery) from the live state;
 *  - finalises ended streams whose finalisation was interrupted;
 *  - after config/live endedStateRetentionHours, removes an ended stream's RTDB data (state, chat, gift
 *    feed, entrances, mutes, bans): the chat archive and analytics in Firestore keep its history, and the
 *    RTDB (priced by stored gigabytes) never accumulates dead venues.
 * Every step is idempotent: overlapping or retried runs are harmless.
 */
import type { Query } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { log } from "../kernel/logger.js";
import { VenuePaths, venueKey } from "../venues/paths.js";
import { LivePaths, liveConfig, readValue, type StoredStream, streamRef, streamVenue, updateTree } from "./store.js";
import { endStreamAs, finalizeStream } from "./streams.js";
import { resyncViewerCount } from "./viewers.js";

const PAGE = 200;

export interface SweepSummary {
  scanned: number;
  ended: number;
  refreshed: number;
  finalized: number;
  cleared: number;
}

async function forEachDoc(base: Query, visit: (stream: StoredStream) => Promise<void>): Promise<void> {
  const { FieldPath } = firestoreValues();
  let after: string | null = null;
  for (;;) {
    let query = base.orderBy(FieldPath.documentId()).limit(PAGE);
    if (after) query = query.startAfter(after);
    const page = await query.get();
    for (const doc of page.docs) {
      try {
        await visit(doc.data() as StoredStream);
      } catch (err) {
        log.error("live sweep: stream skipped", { streamId: doc.id, error: String(err) });
      }
    }
    if (page.size < PAGE) return;
    after = page.docs[page.size - 1]?.id ?? null;
  }
}

/** Whether the host counts as gone at nowMs (and records when their presence was first missing). */
async function hostGone(stream: StoredStream, nowMs: number, absentMs: number): Promise<boolean> {
  const [presence, absentSince] = await Promise.all([
    readValue<{ lastSeen?: number }>(VenuePaths.presenceOf(streamVenue(stream.id), stream.hostUid)),
    readValue<number>(LivePaths.hostAbsentSince(stream.id)),
  ]);
  if (presence) {
    if (absentSince !== null) await updateTree({ [LivePaths.hostAbsentSince(stream.id)]: null });
    const lastSeen = typeof presence.lastSeen === "number" ? presence.lastSeen : 0;
    return nowMs - Math.max(lastSeen, stream.startedAt.toMillis()) > absentMs;
  }
  if (absentSince === null) {
    await updateTree({ [LivePaths.hostAbsentSince(stream.id)]: nowMs });
    return false;
  }
  return nowMs - absentSince > absentMs;
}

export async function sweepLiveStreams(nowMs = Date.now()): Promise<SweepSummary> {
  const config = await liveConfig();
  const absentMs = config.hostAbsentMinutes * 60_000;
  const summary: SweepSummary = { scanned: 0, ended: 0, refreshed: 0, finalized: 0, cleared: 0 };
  const streams = db().collection(Collections.streams);

  await forEachDoc(streams.where("status", "==", "live"), async (stream) => {
    summary.scanned++;
    if (await hostGone(stream, nowMs, absentMs)) {
      const outcome = await endStreamAs({ uid: null, staff: true }, { streamId: stream.id, reason: "host-absent" });
      if (outcome.changed) summary.ended++;
      return;
    }
    await resyncViewerCount(stream.id);
    const current = (await readValue<number>(`${LivePaths.viewers(stream.id)}/current`)) ?? 0;
    if (current !== stream.viewerCount) {
      await streamRef(stream.id).update({ viewerCount: current });
      summary.refreshed++;
    }
  });

  await forEachDoc(streams.where("status", "==", "ended").where("finalized", "==", false), async (stream) => {
    await finalizeStream(stream.id);
    summary.finalized++;
  });

  const { Timestamp } = firestoreValues();
  const cutoff = Timestamp.fromMillis(nowMs - config.endedStateRetentionHours * 3_600_000);
  const expired = await streams.where("liveStateCleared", "==", false).where("endedAt", "<", cutoff).limit(PAGE).get();
  for (const doc of expired.docs) {
    const venue = streamVenue(doc.id);
    const key = venueKey(venue);
    await updateTree({
      [LivePaths.stream(doc.id)]: null,
      [VenuePaths.chat(venue)]: null,
      [`chatRate/${key}`]: null,
      [VenuePaths.giftFeed(venue)]: null,
      [`mutes/${key}`]: null,
      [`bans/${key}`]: null,
    });
    await doc.ref.update({ liveStateCleared: true });
    summary.cleared++;
  }
  return summary;
}
