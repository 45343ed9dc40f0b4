/**
 * A small PK world: hosts with profiles, live streams written directly per the data contract
 * (streams/{id} { hostUid, status "live", pkBattleId null } and RTDB streams/{id}/state), config/pk, and
 * helpers to call the PK callables and to read battles and mirrors.
 */
import { randomUUID } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import { db, rtdb } from "../../../src/kernel/app.js";
import { cancelPk, challengePk, respondPk } from "../../../src/live/pk/callables.js";
import { clearPkConfigCache, type PkConfig } from "../../../src/live/pk/config.js";
import type { ChallengePkResponse, PkBattle, PkMirror, RespondPkResponse } from "../../../src/live/pk/schema.js";
import { battleRef, readBattle } from "../../../src/live/pk/store.js";
import { callInProcess } from "../../support/callables.js";
import { createProfile, grantCoins, seedCatalog } from "../../support/economy-world.js";
import { createTestUser, type TestUser } from "../../support/users.js";

export interface Host {
  user: TestUser;
  uid: string;
  streamId: string;
}

export async function setPkConfig(fields: Partial<PkConfig>): Promise<void> {
  await db().doc("config/pk").set(fields);
  clearPkConfigCache();
}

/** A live stream as live/streams.ts stores it (only the fields PK battles rely on, plus a few). */
export async function createLiveStream(hostUid: string, streamId = `s-${randomUUID().slice(0, 8)}`): Promise<string> {
  const now = Date.now();
  await db()
    .doc(`streams/${streamId}`)
    .set({
      id: streamId,
      hostUid,
      title: `Stream of ${hostUid}`,
      category: "chat",
      coverPath: null,
      visibility: "public",
      country: "US",
      region: "us",
      status: "live",
      startedAt: Timestamp.fromMillis(now),
      endedAt: null,
      guestSlots: 2,
      viewerCount: 0,
      pkBattleId: null,
    });
  await rtdb()
    .ref(`streams/${streamId}/state`)
    .set({ hostUid, status: "live", startedAt: now, viewers: { current: 0, peak: 0 }, guestSlots: 2 });
  return streamId;
}

/** The gift catalog, and `count` users with a profile and `coins` each, ready to send gifts. */
export async function fundedSenders(count: number, coins: number): Promise<TestUser[]> {
  const senders = await Promise.all(Array.from({ length: count }, () => createTestUser()));
  await seedCatalog();
  await Promise.all(senders.map((s) => createProfile(s.uid)));
  await Promise.all(senders.map((s) => grantCoins(s.uid, coins)));
  return senders;
}

export async function createHost(): Promise<Host> {
  const user = await createTestUser({ roles: ["host"] });
  await createProfile(user.uid);
  const streamId = await createLiveStream(user.uid);
  return { user, uid: user.uid, streamId };
}

export async function endStreamDoc(streamId: string): Promise<void> {
  await db().doc(`streams/${streamId}`).update({ status: "ended", endedAt: Timestamp.now() });
}

export function challenge(from: Host, to: Host, requestId: string = randomUUID()): Promise<ChallengePkResponse> {
  return callInProcess(challengePk, { user: from.user, data: { streamId: from.streamId, opponentStreamId: to.streamId, requestId } });
}

export function respond(host: Host, battleId: string, accept: boolean, requestId: string = randomUUID()): Promise<RespondPkResponse> {
  return callInProcess(respondPk, { user: host.user, data: { battleId, accept, requestId } });
}

export function cancel(host: Host, battleId: string, requestId: string = randomUUID()) {
  return callInProcess(cancelPk, { user: host.user, data: { battleId, requestId } });
}

export async function battle(battleId: string) {
  const found = readBattle(await battleRef(battleId).get());
  if (!found) throw new Error(`battle ${battleId} does not exist`);
  return found;
}

export async function pkBattleIdOf(streamId: string): Promise<unknown> {
  return (await db().doc(`streams/${streamId}`).get()).get("pkBattleId");
}

export async function mirrorOf(streamId: string): Promise<PkMirror | null> {
  return (await rtdb().ref(`streams/${streamId}/state/pk`).get()).val() as PkMirror | null;
}

/** Moves a battle's times (tests control the window instead of waiting for it). */
export async function setBattleTimes(
  battleId: string,
  times: { startedAt?: number; endsAt?: number; expiresAt?: number; punishmentEndsAt?: number },
) {
  const update: Record<string, unknown> = {};
  for (const [field, ms] of Object.entries(times)) update[field] = Timestamp.fromMillis(ms);
  // The sweep finds battles by their next action time; keep it consistent with the moved times.
  const next = times.punishmentEndsAt ?? times.endsAt ?? times.expiresAt;
  if (next !== undefined) update.nextActionAt = Timestamp.fromMillis(next);
  await battleRef(battleId).update(update);
}

/** Challenge accepted: an active battle between a and b. */
export async function activeBattle(a: Host, b: Host): Promise<string> {
  const { battleId } = await challenge(a, b);
  await respond(b, battleId, true);
  return battleId;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** When battleOf()'s battle starts; it runs 300 s. */
export const BATTLE_START = Date.UTC(2026, 0, 1, 20);

/** An active battle between streams sA (hostA, the challenger) and sB (hostB), as the pure deciders read it. */
export function battleOf(fields: Partial<PkBattle> = {}): PkBattle {
  return {
    id: "pk_1",
    status: "active",
    phase: "battle",
    challenger: { streamId: "sA", hostUid: "hostA" },
    challenged: { streamId: "sB", hostUid: "hostB" },
    participants: ["hostA", "hostB"],
    streamIds: ["sA", "sB"],
    battleSeconds: 300,
    punishmentSeconds: 60,
    createdAt: BATTLE_START - 10_000,
    expiresAt: BATTLE_START + 10_000,
    respondedAt: BATTLE_START,
    startedAt: BATTLE_START,
    endsAt: BATTLE_START + 300_000,
    resolvedAt: null,
    punishmentEndsAt: null,
    closedAt: null,
    result: null,
    reward: null,
    rewardWithheld: null,
    endedReason: null,
    nextActionAt: null,
    rev: BATTLE_START,
    ...fields,
  };
}
