/**
 * A small live world: hosts and viewers (Auth users with claims, plus profiles), streams started and
 * joined through the real callables, and readers of the RTDB state and Firestore documents.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { TokenVerifier } from "livekit-server-sdk";
import { db, rtdb } from "../../src/kernel/app.js";
import type { Role } from "../../src/kernel/roles.js";
import { endStream, joinStream, startStream } from "../../src/live/callables.js";
import type { JoinStreamResponse, StartStreamResponse, StreamLiveState } from "../../src/live/schema.js";
import { clearLiveConfigCache, type StoredStream } from "../../src/live/store.js";
import { clearVipConfigCache } from "../../src/progression/vip/memberships.js";
import { callInProcess } from "./callables.js";
import { allPaths } from "./firestore.js";
import { createTestUser, type TestUser } from "./users.js";

export interface Person {
  user: TestUser;
  uid: string;
}

export async function person(options: { roles?: Role[]; profile?: Record<string, unknown> } = {}): Promise<Person> {
  const user = await createTestUser({ roles: options.roles ?? ["viewer"] });
  await db()
    .doc(`users/${user.uid}`)
    .set({ uid: user.uid, displayName: `Name ${user.uid}`, roles: options.roles ?? ["viewer"], createdAt: new Date(), ...options.profile });
  return { user, uid: user.uid };
}

export const host = (profile: Record<string, unknown> = {}) => person({ roles: ["host"], profile });
export const viewer = (profile: Record<string, unknown> = {}) => person({ profile });
export const moderator = () => person({ roles: ["moderator"] });

export async function people(n: number): Promise<Person[]> {
  return Promise.all(Array.from({ length: n }, () => viewer()));
}

export function streamRequest(overrides: Record<string, unknown> = {}) {
  return {
    requestId: randomUUID(),
    title: "Evening chat",
    category: "chat",
    visibility: "public",
    country: "BR",
    region: "latam",
    language: "pt-BR",
    ...overrides,
  };
}

export function start(who: Person, overrides: Record<string, unknown> = {}): Promise<StartStreamResponse> {
  return callInProcess(startStream, { user: who.user, data: streamRequest(overrides) });
}

export function join(who: Person, streamId: string, extra: Record<string, unknown> = {}): Promise<JoinStreamResponse> {
  return callInProcess(joinStream, { user: who.user, data: { streamId, ...extra } });
}

export function end(who: Person, streamId: string) {
  return callInProcess(endStream, { user: who.user, data: { streamId } });
}

export async function setLiveConfig(fields: Record<string, unknown>): Promise<void> {
  await db().doc("config/live").set(fields);
  clearLiveConfigCache();
}

/** Fresh config caches for every test (the data is wiped between tests, the caches are not). */
export function clearConfigCaches(): void {
  clearLiveConfigCache();
  clearVipConfigCache();
}

export async function streamDoc(streamId: string): Promise<StoredStream> {
  const snapshot = await db().doc(`streams/${streamId}`).get();
  assert.ok(snapshot.exists, `streams/${streamId} exists`);
  return snapshot.data() as StoredStream;
}

export async function rtdbValue<T = unknown>(path: string): Promise<T | null> {
  const snapshot = await rtdb().ref(path).get();
  return snapshot.exists() ? (snapshot.val() as T) : null;
}

export const liveState = (streamId: string) => rtdbValue<StreamLiveState>(`streams/${streamId}/state`);

export async function viewerCounts(streamId: string): Promise<{ current: number; peak: number }> {
  const counts = await rtdbValue<{ current: number; peak: number }>(`streams/${streamId}/state/viewers`);
  return { current: counts?.current ?? 0, peak: counts?.peak ?? 0 };
}

/** Audience markers of a stream (one per counted viewer): streams/{id}/audience/{shard}/viewers/{uid}. */
export async function audienceSize(streamId: string): Promise<number> {
  const shards = (await rtdbValue<Record<string, { viewers?: Record<string, number> }>>(`streams/${streamId}/audience`)) ?? {};
  return Object.values(shards).reduce((sum, shard) => sum + Object.keys(shard.viewers ?? {}).length, 0);
}

export async function memberOf(streamId: string, uid: string): Promise<Record<string, unknown> | null> {
  return rtdbValue(`members/stream_${streamId}/${uid}`);
}

/** Firestore document paths and the whole RTDB tree, for "nothing was written" checks. */
export async function snapshotEverything(): Promise<{ firestore: string[]; rtdb: unknown }> {
  return { firestore: await allPaths(), rtdb: (await rtdb().ref().get()).val() };
}

export interface DecodedMediaToken {
  sub: string;
  room: string;
  canPublish: boolean;
  canSubscribe: boolean;
  ttlSeconds: number;
  metadata: Record<string, unknown>;
}

/** Verifies the LiveKit JWT with the local secret and returns its grants. */
export async function decodeMediaToken(token: string): Promise<DecodedMediaToken> {
  const verifier = new TokenVerifier(process.env.LIVEKIT_API_KEY ?? "devkey", process.env.LIVEKIT_API_SECRET as string);
  const claims = (await verifier.verify(token)) as unknown as {
    sub: string;
    video: { room: string; canPublish: boolean; canSubscribe: boolean; roomJoin: boolean };
    exp: number;
    nbf?: number;
    iat?: number;
    metadata?: string;
  };
  const payload = JSON.parse(Buffer.from(token.split(".")[1] as string, "base64url").toString("utf8")) as { exp: number; nbf?: number; iat?: number };
  assert.equal(claims.video.roomJoin, true);
  return {
    sub: claims.sub,
    room: claims.video.room,
    canPublish: claims.video.canPublish,
    canSubscribe: claims.video.canSubscribe,
    ttlSeconds: payload.exp - (payload.nbf ?? payload.iat ?? payload.exp),
    metadata: claims.metadata ? (JSON.parse(claims.metadata) as Record<string, unknown>) : {},
  };
}
