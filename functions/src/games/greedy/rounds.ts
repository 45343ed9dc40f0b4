/**
 * The round state machine of a room's Greedy game: betting → spinning → result → finished, then the next
 * round while anyone is in the room. Every transition is one Firestore transaction on the round that
 * checks server time against the round's own deadline, so the timer task, the sweep and a retried call may
 * all ask at once: exactly one moves the round, the others find nothing due.
 *
 * Fairness: the server seed is drawn when the round opens and only its commitment is public (the seed
 * sits in gameRounds/{id}/private/seed); the client seed is fixed when betting closes from the
 * participants' seeds, the nonce is the round's sequence number; the result is drawn from those when the
 * spin ends (never from the bets) and the seed is revealed with it.
 */
import type { Transaction } from "firebase-admin/firestore";
import { db, rtdb } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import { refuse } from "../../kernel/errors.js";
import { log } from "../../kernel/logger.js";
import { forEachLimited } from "../../kernel/pool.js";
import { runTransaction } from "../../kernel/transactions.js";
import { VenuePaths } from "../../venues/paths.js";
import { roundClientSeed } from "../fairness/client-seeds.js";
import { FAIRNESS_ALGORITHM, newServerSeed, OutcomeStream } from "../fairness/fairness.js";
import { greedyOutcome } from "../fairness/outcomes.js";
import { type GreedyConfig, greedyConfig } from "./config.js";
import { mirrorRound } from "./mirror.js";
import type { GreedyRefusal, GreedyRound, StartGreedyResponse } from "./schema.js";
import { settleGreedyRound } from "./settlement.js";
import { gameRef, readGame, readRound, readStake, roundIdFor, roundRef, seedRef } from "./store.js";
import { scheduleGreedyTimer } from "./timers.js";

/** Whether anyone is admitted to the room (members/room_{roomId}): rounds stop when nobody is. */
export async function roomOccupied(roomId: string): Promise<boolean> {
  const members = await rtdb()
    .ref(VenuePaths.members({ type: "room", id: roomId }))
    .limitToFirst(1)
    .get();
  return members.exists();
}

export async function isRoomMember(roomId: string, uid: string): Promise<boolean> {
  return (
    await rtdb()
      .ref(VenuePaths.member({ type: "room", id: roomId }, uid))
      .get()
  ).exists();
}

/** Writes a new round (and the game's pointer to it) in `tx`; the caller has read the game document. */
function openRoundIn(tx: Transaction, roomId: string, seq: number, config: GreedyConfig, now: number): GreedyRound {
  const id = roundIdFor(roomId, seq);
  const { serverSeed, commitment } = newServerSeed();
  const bettingEndsAt = now + config.bettingSeconds * 1000;
  const spinEndsAt = bettingEndsAt + config.spinSeconds * 1000;
  const round: GreedyRound = {
    id,
    game: "greedy",
    roomId,
    seq,
    phase: "betting",
    items: config.items,
    weights: config.items.map((item) => item.weight),
    chips: config.chips,
    maxStakePerUser: config.maxStakePerUser,
    exposureCapPerItem: config.exposureCapPerItem,
    openedAt: now,
    bettingEndsAt,
    spinEndsAt,
    resultEndsAt: spinEndsAt + config.resultSeconds * 1000,
    nextActionAt: bettingEndsAt,
    fairness: { algorithm: FAIRNESS_ALGORITHM, commitment, serverSeed: null, clientSeed: null, nonce: seq, revealedAt: null },
    totals: null,
    participants: null,
    winningIndex: null,
    winningItemId: null,
    settlement: null,
  };
  tx.create(roundRef(id), { ...round, awaitingSettlement: false });
  tx.create(seedRef(id), { serverSeed, roundId: id });
  tx.set(gameRef(roomId), { roomId, seq, currentRoundId: id, running: true, updatedAt: now }, { merge: true });
  return round;
}

async function afterCommit(round: GreedyRound, options: { stopped?: boolean } = {}): Promise<void> {
  await mirrorRound(round, options);
  if (round.nextActionAt !== null) await scheduleGreedyTimer(round.id, round.phase, round.nextActionAt);
}

/** Opens the room's next round unless one is running (then returns that one); no mirror, no timer. */
export async function openGreedyRound(roomId: string, now = Date.now()): Promise<{ round: GreedyRound; started: boolean }> {
  const config = await greedyConfig();
  return runTransaction(async (tx) => {
    const game = readGame(await tx.get(gameRef(roomId)), roomId);
    if (game.running && game.currentRoundId) {
      const current = readRound(await tx.get(roundRef(game.currentRoundId)));
      if (current && current.phase !== "finished") return { round: current, started: false };
    }
    return { round: openRoundIn(tx, roomId, game.seq + 1, config, now), started: true };
  });
}

/**
 * Starts the room's game unless a round is already running (then returns that round). Anyone in the
 * room may start it; it also starts on the first bet after it stopped.
 */
export async function startGreedy(uid: string, roomId: string, now = Date.now()): Promise<StartGreedyResponse> {
  if (!(await isRoomMember(roomId, uid))) refuse<GreedyRefusal>("failed-precondition", "not-in-room", "Enter the room first.");
  const { round, started } = await openGreedyRound(roomId, now);
  if (started) await afterCommit(round);
  return { roundId: round.id, phase: round.phase, bettingEndsAt: round.bettingEndsAt, commitment: round.fairness.commitment, started };
}

export type AdvanceOutcome = "advanced" | "not-due" | "finished" | "missing";

export interface AdvanceResult {
  outcome: AdvanceOutcome;
  round: GreedyRound | null;
  /** The room's next round, when finishing this one opened it. */
  next: GreedyRound | null;
}

/** Moves the round one phase on if its deadline has passed by `now`, then mirrors it and sets its timer. */
export async function advanceGreedyRound(roundId: string, now = Date.now()): Promise<AdvanceResult> {
  const current = readRound(await roundRef(roundId).get());
  if (!current) return { outcome: "missing", round: null, next: null };
  // Read outside the transaction: presence is an input, not state this round owns.
  const occupied = current.phase === "result" ? await roomOccupied(current.roomId) : false;
  const result = await transitionGreedyRound(roundId, now, { occupied });
  if (result.outcome === "advanced" && result.round) {
    if (result.next) await afterCommit(result.next);
    else await afterCommit(result.round, { stopped: result.round.phase === "finished" });
    if (result.round.phase === "finished" && !result.next) log.info("Greedy stopped: nobody in the room", { roomId: result.round.roomId });
  }
  return result;
}

/** The transition itself, one transaction; `occupied` says whether finishing opens the next round. */
export async function transitionGreedyRound(roundId: string, now: number, options: { occupied: boolean }): Promise<AdvanceResult> {
  const config = options.occupied ? await greedyConfig() : null;
  return runTransaction(async (tx): Promise<AdvanceResult> => {
    const round = readRound(await tx.get(roundRef(roundId)));
    if (!round) return { outcome: "missing", round: null, next: null };
    if (round.phase === "finished") return { outcome: "finished", round, next: null };
    if (round.nextActionAt !== null && now < round.nextActionAt) return { outcome: "not-due", round, next: null };

    if (round.phase === "betting") {
      const stakes = (await tx.get(roundRef(roundId).collection(Collections.greedyStakes))).docs.map((doc) => readStake(doc));
      const totals = Object.fromEntries(round.items.map((item) => [item.id, 0]));
      const uids: string[] = [];
      for (const stake of stakes) {
        if (!stake) continue;
        uids.push(stake.uid);
        for (const [itemId, coins] of Object.entries(stake.byItem)) totals[itemId] = (totals[itemId] ?? 0) + coins;
      }
      const spinEndsAt = Math.max(round.spinEndsAt, now + 1000);
      const closed: GreedyRound = {
        ...round,
        phase: "spinning",
        totals,
        participants: uids.length,
        fairness: { ...round.fairness, clientSeed: await roundClientSeed(uids, tx) },
        spinEndsAt,
        resultEndsAt: Math.max(round.resultEndsAt, spinEndsAt + (round.resultEndsAt - round.spinEndsAt)),
        nextActionAt: spinEndsAt,
      };
      tx.update(roundRef(roundId), { ...closed });
      return { outcome: "advanced", round: closed, next: null };
    }

    if (round.phase === "spinning") {
      const serverSeed = String((await tx.get(seedRef(roundId))).get("serverSeed"));
      const stream = new OutcomeStream(serverSeed, round.fairness.clientSeed as string, round.fairness.nonce);
      const winningIndex = greedyOutcome(stream, round.weights);
      const resultEndsAt = Math.max(round.resultEndsAt, now + 1000);
      const decided: GreedyRound = {
        ...round,
        phase: "result",
        winningIndex,
        winningItemId: round.items[winningIndex]?.id ?? null,
        fairness: { ...round.fairness, serverSeed, revealedAt: now },
        resultEndsAt,
        nextActionAt: resultEndsAt,
      };
      tx.update(roundRef(roundId), { ...decided, awaitingSettlement: true });
      return { outcome: "advanced", round: decided, next: null };
    }

    // result → finished, and the next round if the room is not empty.
    const game = readGame(await tx.get(gameRef(round.roomId)), round.roomId);
    const finished: GreedyRound = { ...round, phase: "finished", nextActionAt: null };
    let next: GreedyRound | null = null;
    if (game.currentRoundId === roundId && config) next = openRoundIn(tx, round.roomId, game.seq + 1, config, now);
    else if (game.currentRoundId === roundId) tx.set(gameRef(round.roomId), { running: false, updatedAt: now }, { merge: true });
    tx.update(roundRef(roundId), { phase: "finished", nextActionAt: null, finishedAt: now });
    return { outcome: "advanced", round: finished, next };
  });
}

const SWEEP_BATCH = 200;
const SWEEP_CONCURRENCY = 8;

export interface GreedySweepSummary {
  due: number;
  advanced: number;
  settled: number;
  failures: number;
}

/** Advances rounds whose timers were lost and settles decided rounds left unsettled. */
export async function sweepDueGreedyRounds(now = Date.now()): Promise<GreedySweepSummary> {
  const rounds = db().collection(Collections.gameRounds);
  const [due, unsettled] = await Promise.all([
    rounds.where("game", "==", "greedy").where("nextActionAt", "<=", now).limit(SWEEP_BATCH).get(),
    rounds.where("game", "==", "greedy").where("awaitingSettlement", "==", true).limit(SWEEP_BATCH).get(),
  ]);
  const summary: GreedySweepSummary = { due: due.size + unsettled.size, advanced: 0, settled: 0, failures: 0 };
  await forEachLimited(due.docs, SWEEP_CONCURRENCY, async (doc) => {
    try {
      const { outcome, round } = await advanceGreedyRound(doc.id, now);
      if (outcome === "advanced") summary.advanced++;
      if (round?.phase === "result" && (await settleGreedyRound(doc.id, now)).status === "settled") summary.settled++;
    } catch (err) {
      summary.failures++;
      log.error("Greedy sweep could not advance a round", { roundId: doc.id, error: String(err) });
    }
  });
  await forEachLimited(unsettled.docs, SWEEP_CONCURRENCY, async (doc) => {
    try {
      if ((await settleGreedyRound(doc.id, now)).status === "settled") summary.settled++;
    } catch (err) {
      summary.failures++;
      log.error("Greedy sweep could not settle a round", { roundId: doc.id, error: String(err) });
    }
  });
  return summary;
}
