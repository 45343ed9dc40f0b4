/**
 * Where live streams live: Firestore references, config/live, and small RTDB helpers (bounded in time,
 * transactions that report what they saw); the RTDB paths are built by venues/paths.ts (LivePaths).
 */
import type { DocumentReference, DocumentSnapshot } from "firebase-admin/firestore";
import { db, rtdb } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { configDocument } from "../kernel/config-document.js";
import { fail } from "../kernel/errors.js";
import { boundedRtdb } from "../kernel/timeout.js";
import type { Venue } from "../venues/paths.js";
import { type LiveConfig, LiveConfigSchema, type StreamAnalytics, type StreamSummary, type StreamVisibility } from "./schema.js";

const live = configDocument("live", LiveConfigSchema);
/** config/live, zod-validated with defaults, cached 30 s per instance. */
export const liveConfig = (): Promise<LiveConfig> => live.get();

export const streamRef = (streamId: string): DocumentReference => db().collection(Collections.streams).doc(streamId);
export const streamSecretRef = (streamId: string): DocumentReference => db().collection(Collections.streamSecrets).doc(streamId);
export const liveHostRef = (hostUid: string): DocumentReference => db().collection(Collections.liveHosts).doc(hostUid);

export const streamVenue = (streamId: string): Venue => ({ type: "stream", id: streamId });

/** streams/{id} as stored. Timestamps are Firestore Timestamps. */
export interface StoredStream {
  id: string;
  hostUid: string;
  hostName: string | null;
  hostAvatarPath: string | null;
  title: string;
  category: string;
  coverPath: string | null;
  visibility: StreamVisibility;
  /** visibility public or password: listed in discovery. */
  discoverable: boolean;
  country: string;
  region: string;
  language: string | null;
  status: "live" | "ended";
  startedAt: { toMillis(): number };
  endedAt: { toMillis(): number } | null;
  endedBy: string | null;
  endReason: string | null;
  guestSlots: number;
  /** Everyone who sat on a guest slot (for analytics and history). */
  guestUids: string[];
  viewerCount: number;
  pkBattleId: string | null;
  analytics: StreamAnalytics | null;
  finalized: boolean;
}

export function storedStream(snapshot: DocumentSnapshot): StoredStream {
  if (!snapshot.exists) fail("not-found", "No such stream.");
  return snapshot.data() as StoredStream;
}

export async function loadStream(streamId: string): Promise<StoredStream> {
  return storedStream(await streamRef(streamId).get());
}

export async function loadLiveStream(streamId: string): Promise<StoredStream> {
  const stream = await loadStream(streamId);
  if (stream.status !== "live") fail("failed-precondition", "This stream has ended.", { streamId });
  return stream;
}

export function summaryOf(stream: StoredStream): StreamSummary {
  return {
    id: stream.id,
    hostUid: stream.hostUid,
    hostName: stream.hostName,
    hostAvatarPath: stream.hostAvatarPath,
    title: stream.title,
    category: stream.category,
    coverPath: stream.coverPath,
    visibility: stream.visibility,
    locked: stream.visibility === "password",
    country: stream.country,
    region: stream.region,
    language: stream.language,
    status: stream.status,
    startedAt: stream.startedAt ? new Date(stream.startedAt.toMillis()).toISOString() : null,
    viewerCount: stream.viewerCount,
    guestSlots: stream.guestSlots,
  };
}

// ---------------------------------------------------------------------------------------------------
// RTDB helpers
// ---------------------------------------------------------------------------------------------------

/** The RTDB client queues operations forever while disconnected: a callable must not hang on it. */
export const bounded = boundedRtdb;

export async function readValue<T>(path: string): Promise<T | null> {
  const snapshot = await bounded(rtdb().ref(path).get(), `read ${path}`);
  return snapshot.exists() ? (snapshot.val() as T) : null;
}

export function updateTree(values: Record<string, unknown>): Promise<void> {
  return bounded(rtdb().ref().update(values), "update");
}

export function serverTimestamp(): object {
  const { ServerValue } = require("firebase-admin/database") as typeof import("firebase-admin/database");
  return ServerValue.TIMESTAMP;
}

/**
 * An RTDB transaction. `update` may run several times (first on the locally cached value, which may
 * be a stale null); it must return the value to store, or the current value unchanged. It never
 * aborts, so a null from the cache is always confirmed against the server. Returns the committed value.
 */
export async function transact<T>(path: string, update: (current: T | null) => T | null): Promise<T | null> {
  const result = await bounded(
    rtdb()
      .ref(path)
      .transaction((current: T | null) => update(current ?? null), undefined, false),
    `transaction ${path}`,
  );
  if (!result.committed) throw new Error(`RTDB transaction on ${path} did not commit`);
  return result.snapshot.exists() ? (result.snapshot.val() as T) : null;
}
