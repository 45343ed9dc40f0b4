/**
 * PK battles between two live hosts.
 *
 *   challengePk   host A (of a live stream) challenges host B's live stream: "pending" until expiresAt
 *   respondPk     B accepts ("active": startedAt/endsAt set by the server) or declines
 *   cancelPk      A withdraws a pending challenge
 *   timers        unanswered → "expired"; at endsAt + grace → result ("finished", phase "punishment");
 *                 at punishmentEndsAt → phase "finished", both streams released (result.ts)
 *   forfeit       a stream ending during the PK (endStream calls forfeitPkForStream): the other side wins
 *
 * A stream takes part in one PK at a time: streams/{id}.pkBattleId names its battle from the challenge
 * until the battle is over, and the challenge transaction reads and writes both stream documents, so of
 * concurrent challenges involving the same stream exactly one commits. Every step is idempotent: callables
 * by requestId, timers and the sweep by the battle's state.
 */
import type { DocumentSnapshot, Transaction } from "firebase-admin/firestore";
import { db } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import { fail } from "../../kernel/errors.js";
import type { Caller } from "../../kernel/guards.js";
import { runIdempotent } from "../../kernel/idempotency.js";
import { log } from "../../kernel/logger.js";
import { forEachLimited } from "../../kernel/pool.js";
import { runTransaction } from "../../kernel/transactions.js";
import { displayNameOf, notifyAfterCommit } from "../../notifications/after-commit.js";
import { isBlockedPair } from "../../social/store.js";
import { pkConfig } from "./config.js";
import { mirrorBattle } from "./mirror.js";
import { closePkBattle, payPkReward, resolvePkBattle } from "./result.js";
import type {
  CancelPkRequest,
  CancelPkResponse,
  ChallengePkRequest,
  ChallengePkResponse,
  PkBattle,
  PkStatus,
  RespondPkRequest,
  RespondPkResponse,
} from "./schema.js";
import { battleIdFor, battleRef, isClosed, nextRev, readBattle, sidesOf, storedFields, streamRef } from "./store.js";
import { type PkTimerStep, schedulePkTimer } from "./timers.js";

/** What a committed transition hands to its after-commit work (mirror, timers). */
interface Transition {
  battle: PkBattle;
  /** Streams still live: the only ones whose RTDB state gets the mirror. */
  liveStreamIds: string[];
}

/** Refuses a stream that is in a PK or has a pending challenge (a stale pkBattleId of an ended battle is free). */
async function requireFreeForPk(tx: Transaction, stream: DocumentSnapshot, message: string): Promise<void> {
  const battleId = stream.get("pkBattleId");
  if (typeof battleId !== "string" || !battleId) return;
  const battle = readBattle(await tx.get(battleRef(battleId)));
  if (battle && !isClosed(battle)) fail("failed-precondition", message, { battleId });
}

async function refuseBlockedPair(tx: Transaction, a: string, b: string): Promise<void> {
  if (await isBlockedPair(a, b, tx)) fail("permission-denied", "PK battles between these hosts are blocked.");
}

export async function challengePk(caller: Caller, request: ChallengePkRequest): Promise<ChallengePkResponse> {
  const config = await pkConfig();
  const battleId = battleIdFor(caller.uid, request.requestId);
  const { requestId, ...payload } = request;
  let created: PkBattle | undefined;

  const outcome = await runIdempotent<ChallengePkResponse>({ scope: "live.pk.challenge", owner: caller.uid, key: requestId, payload }, async (tx) => {
    const now = Date.now();
    const [own, opponent] = await tx.getAll(streamRef(request.streamId), streamRef(request.opponentStreamId));
    if (!own?.exists) fail("not-found", "Your stream does not exist.");
    if (own.get("hostUid") !== caller.uid) fail("permission-denied", "Only the host of a stream can challenge from it.");
    if (own.get("status") !== "live") fail("failed-precondition", "Your stream is not live.");
    if (!opponent?.exists) fail("not-found", "That stream does not exist.");
    if (opponent.get("status") !== "live") fail("failed-precondition", "That stream is not live.");
    const opponentUid = opponent.get("hostUid");
    if (typeof opponentUid !== "string" || !opponentUid) fail("failed-precondition", "That stream has no host.");
    if (opponentUid === caller.uid) fail("failed-precondition", "You cannot challenge yourself.");
    await refuseBlockedPair(tx, caller.uid, opponentUid);
    await requireFreeForPk(tx, own, "You are already in a PK battle or waiting for an answer.");
    await requireFreeForPk(tx, opponent, "That host is already in a PK battle or has a pending challenge.");

    const expiresAt = now + config.challengeTimeoutSeconds * 1000;
    created = {
      id: battleId,
      status: "pending",
      phase: "pending",
      challenger: { streamId: request.streamId, hostUid: caller.uid },
      challenged: { streamId: request.opponentStreamId, hostUid: opponentUid },
      participants: [caller.uid, opponentUid],
      streamIds: [request.streamId, request.opponentStreamId],
      battleSeconds: config.battleSeconds,
      punishmentSeconds: config.punishmentSeconds,
      createdAt: now,
      expiresAt,
      respondedAt: null,
      startedAt: null,
      endsAt: null,
      resolvedAt: null,
      punishmentEndsAt: null,
      closedAt: null,
      result: null,
      reward: null,
      rewardWithheld: null,
      endedReason: null,
      nextActionAt: expiresAt,
      rev: now,
    };
    tx.create(battleRef(battleId), storedFields(created));
    tx.update(own.ref, { pkBattleId: battleId });
    tx.update(opponent.ref, { pkBattleId: battleId });
    return { battleId, status: "pending", expiresAt };
  });

  if (!outcome.replayed && created) {
    log.info("PK challenge", { battleId, challenger: request.streamId, challenged: request.opponentStreamId });
    await mirrorBattle(created);
    await schedulePkTimer(battleId, "expire", created.expiresAt);
    await notifyChallenged(created);
  }
  return outcome.result;
}

async function notifyChallenged(battle: PkBattle): Promise<void> {
  const { challenger, challenged } = battle;
  await notifyAfterCommit(async () => ({
    recipient: challenged.hostUid,
    type: "pk-challenge",
    actorUid: challenger.hostUid,
    data: {
      battleId: battle.id,
      challengerUid: challenger.hostUid,
      challengerName: await displayNameOf(challenger.hostUid),
      challengerStreamId: challenger.streamId,
      streamId: challenged.streamId,
      expiresAt: new Date(battle.expiresAt).toISOString(),
    },
    dedupeKey: battle.id,
  }));
}

/**
 * Ends a challenge that was never fought (declined, cancelled, expired, a stream ended): the battle's
 * status, and both streams released. The battle must already have been read in `tx`.
 */
async function endUnfought(tx: Transaction, battle: PkBattle, status: PkStatus, reason: string, now: number): Promise<Transition> {
  const streams = await tx.getAll(...sidesOf(battle).map((side) => streamRef(side.streamId)));
  const changes: Partial<PkBattle> = { status, phase: "finished", endedReason: reason, closedAt: now, nextActionAt: null, rev: nextRev(battle, now) };
  if (status === "declined") changes.respondedAt = now;
  tx.update(battleRef(battle.id), storedFields(changes));
  const liveStreamIds: string[] = [];
  for (const stream of streams) {
    if (!stream.exists || stream.get("pkBattleId") !== battle.id) continue;
    tx.update(stream.ref, { pkBattleId: null });
    if (stream.get("status") === "live") liveStreamIds.push(stream.id);
  }
  return { battle: { ...battle, ...changes }, liveStreamIds };
}

export async function respondPk(caller: Caller, request: RespondPkRequest): Promise<RespondPkResponse> {
  const config = await pkConfig();
  const { requestId, ...payload } = request;
  let transition: Transition | undefined;

  const outcome = await runIdempotent<RespondPkResponse>({ scope: "live.pk.respond", owner: caller.uid, key: requestId, payload }, async (tx) => {
    const now = Date.now();
    const battle = await readBattleForParticipant(tx, request.battleId, caller.uid, "challenged");
    if (battle.status !== "pending") fail("failed-precondition", "This challenge is no longer pending.", { status: battle.status });
    if (now >= battle.expiresAt) fail("failed-precondition", "This challenge has expired.", { status: "expired" });
    if (!request.accept) {
      transition = await endUnfought(tx, battle, "declined", "declined", now);
      return { battleId: battle.id, status: "declined", startedAt: null, endsAt: null };
    }
    const streams = await tx.getAll(...sidesOf(battle).map((side) => streamRef(side.streamId)));
    for (const stream of streams) {
      if (!stream.exists || stream.get("status") !== "live" || stream.get("pkBattleId") !== battle.id) {
        fail("failed-precondition", "Both streams must still be live to start the PK.", { streamId: stream.id });
      }
    }
    await refuseBlockedPair(tx, battle.challenger.hostUid, battle.challenged.hostUid);
    const endsAt = now + battle.battleSeconds * 1000;
    const changes: Partial<PkBattle> = {
      status: "active",
      phase: "battle",
      respondedAt: now,
      startedAt: now,
      endsAt,
      nextActionAt: endsAt + config.resultGraceSeconds * 1000,
      rev: nextRev(battle, now),
    };
    tx.update(battleRef(battle.id), storedFields(changes));
    transition = { battle: { ...battle, ...changes }, liveStreamIds: streams.map((s) => s.id) };
    return { battleId: battle.id, status: "active", startedAt: now, endsAt };
  });

  if (!outcome.replayed && transition) {
    const { battle, liveStreamIds } = transition;
    log.info("PK answered", { battleId: battle.id, status: battle.status });
    await mirrorBattle(battle, liveStreamIds);
    if (battle.status === "active") await schedulePkTimer(battle.id, "resolve", battle.nextActionAt as number);
  }
  return outcome.result;
}

async function readBattleForParticipant(tx: Transaction, battleId: string, uid: string, role: "challenger" | "challenged"): Promise<PkBattle> {
  const battle = readBattle(await tx.get(battleRef(battleId)));
  if (!battle) return fail("not-found", "No such PK challenge.");
  if (battle[role].hostUid !== uid) {
    fail("permission-denied", role === "challenged" ? "Only the challenged host can answer." : "Only the challenger can cancel.");
  }
  return battle;
}

export async function cancelPk(caller: Caller, request: CancelPkRequest): Promise<CancelPkResponse> {
  const { requestId, ...payload } = request;
  let transition: Transition | undefined;
  const outcome = await runIdempotent<CancelPkResponse>({ scope: "live.pk.cancel", owner: caller.uid, key: requestId, payload }, async (tx) => {
    const now = Date.now();
    const battle = await readBattleForParticipant(tx, request.battleId, caller.uid, "challenger");
    if (battle.status !== "pending") fail("failed-precondition", "Only a pending challenge can be cancelled.", { status: battle.status });
    transition = await endUnfought(tx, battle, "cancelled", "cancelled", now);
    return { battleId: battle.id, status: "cancelled" };
  });
  if (!outcome.replayed && transition) await mirrorBattle(transition.battle, transition.liveStreamIds);
  return outcome.result;
}

/** An unanswered challenge past its deadline becomes "expired"; anything else is left alone. */
export async function expirePkChallenge(battleId: string, now: number): Promise<boolean> {
  const transition = await runTransaction(async (tx) => {
    const battle = readBattle(await tx.get(battleRef(battleId)));
    if (battle?.status !== "pending" || now < battle.expiresAt) return null;
    return endUnfought(tx, battle, "expired", "expired", now);
  });
  if (!transition) return false;
  log.info("PK challenge expired", { battleId });
  await mirrorBattle(transition.battle, transition.liveStreamIds);
  return true;
}

/** Which timer step a battle waits for, if any. */
export function pendingStep(battle: Pick<PkBattle, "status" | "phase">): PkTimerStep | null {
  if (battle.status === "pending") return "expire";
  if (battle.status === "active") return "resolve";
  if (battle.status === "finished" && battle.phase === "punishment") return "close";
  return null;
}

export type AdvanceOutcome = "expired" | "resolved" | "closed" | "not-due" | "none";

/**
 * Does whatever is due on a battle at `now` (the timer task and the sweep both call this): expire an
 * unanswered challenge, decide a battle past its end, or close a finished punishment phase.
 */
export async function advancePkBattle(battleId: string, now: number = Date.now()): Promise<{ outcome: AdvanceOutcome; battle: PkBattle | null }> {
  const battle = readBattle(await battleRef(battleId).get());
  if (!battle) return { outcome: "none", battle: null };
  switch (pendingStep(battle)) {
    case "expire":
      return { outcome: (await expirePkChallenge(battleId, now)) ? "expired" : "not-due", battle };
    case "resolve":
      return { outcome: (await resolvePkBattle(battleId, { now })) ? "resolved" : "not-due", battle };
    case "close":
      return { outcome: (await closePkBattle(battleId, now)) ? "closed" : "not-due", battle };
    default:
      // A reward owed by a battle closed before its payment went through.
      if (battle.reward && !battle.reward.paid) await payPkReward(battle);
      return { outcome: "none", battle };
  }
}

export interface SweepSummary {
  due: number;
  expired: number;
  resolved: number;
  closed: number;
  failed: number;
}

const SWEEP_BATCH = 200;
const SWEEP_CONCURRENCY = 8;

/** The safety net for lost or never-enqueued timers: advances every battle whose next action is due. */
export async function sweepDuePkBattles(now: number = Date.now()): Promise<SweepSummary> {
  const { Timestamp } = require("firebase-admin/firestore") as typeof import("firebase-admin/firestore");
  const due = await db()
    .collection(Collections.pkBattles)
    .where("nextActionAt", "<=", Timestamp.fromMillis(now))
    .orderBy("nextActionAt")
    .limit(SWEEP_BATCH)
    .get();
  const summary: SweepSummary = { due: due.size, expired: 0, resolved: 0, closed: 0, failed: 0 };
  await forEachLimited(
    due.docs.map((d) => d.id),
    SWEEP_CONCURRENCY,
    async (id) => {
      try {
        const { outcome } = await advancePkBattle(id, now);
        if (outcome === "expired" || outcome === "resolved" || outcome === "closed") summary[outcome]++;
      } catch (err) {
        summary.failed++;
        log.error("PK sweep could not advance a battle", { battleId: id, error: String(err) });
      }
    },
  );
  return summary;
}

/** Clears a stream's pkBattleId if it still names this battle. */
async function releaseStream(streamId: string, battleId: string): Promise<void> {
  await runTransaction(async (tx) => {
    const stream = await tx.get(streamRef(streamId));
    if (stream.exists && stream.get("pkBattleId") === battleId) tx.update(stream.ref, { pkBattleId: null });
  });
}

/**
 * For endStream (live/streams.ts): the stream leaves its PK. A pending challenge is cancelled; an active battle
 * is decided at once with the other side as winner (scores up to now are recorded); in the punishment
 * phase the other stream keeps its celebration until the phase ends. The ended stream is released in all
 * cases. Idempotent: calling it again, or for a stream without a PK, does nothing.
 */
export async function forfeitPkForStream(streamId: string): Promise<void> {
  const stream = await streamRef(streamId).get();
  const battleId = stream.get("pkBattleId");
  if (typeof battleId !== "string" || !battleId) return;
  const now = Date.now();
  const battle = readBattle(await battleRef(battleId).get());
  if (battle?.status === "pending") {
    const transition = await runTransaction(async (tx) => {
      const fresh = readBattle(await tx.get(battleRef(battleId)));
      if (fresh?.status !== "pending") return null;
      return endUnfought(tx, fresh, "cancelled", "stream-ended", now);
    });
    if (transition)
      await mirrorBattle(
        transition.battle,
        transition.liveStreamIds.filter((id) => id !== streamId),
      );
  } else if (battle?.status === "active") {
    await resolvePkBattle(battleId, { now, forfeitedStreamId: streamId });
  }
  await releaseStream(streamId, battleId);
}
