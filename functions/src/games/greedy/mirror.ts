/**
 * The RTDB mirror of a room's Greedy round at rooms/{roomId}/greedy, for the apps to render the wheel
 * without reading Firestore (clients read it, only functions write it). Firestore is authoritative: the
 * mirror is written after each committed transition, ordered by (sequence, phase), so a delayed write
 * never replaces a newer round's state; a failed write is logged and the next transition rewrites it.
 */
import { rtdb } from "../../kernel/app.js";
import { log } from "../../kernel/logger.js";
import { withTimeout } from "../../kernel/timeout.js";
import { RoomPaths } from "../../venues/paths.js";
import { GREEDY_PHASES, type GreedyMirror, type GreedyRound } from "./schema.js";

const RTDB_TIMEOUT_MS = 5_000;

function bounded<T>(what: string, work: Promise<T>): Promise<T> {
  return withTimeout(work, RTDB_TIMEOUT_MS, () => new Error(`${what} timed out after ${RTDB_TIMEOUT_MS} ms`));
}

const revisionOf = (round: Pick<GreedyRound, "seq" | "phase">, stopped: boolean) =>
  round.seq * 10 + GREEDY_PHASES.indexOf(round.phase) + (stopped ? 5 : 0);

export function mirrorOf(round: GreedyRound, stopped = false): GreedyMirror & { rev: number } {
  const endsAt =
    round.phase === "betting"
      ? round.bettingEndsAt
      : round.phase === "spinning"
        ? round.spinEndsAt
        : round.phase === "result"
          ? round.resultEndsAt
          : 0;
  const mirror: GreedyMirror & { rev: number } = {
    rev: revisionOf(round, stopped),
    roundId: round.id,
    seq: round.seq,
    phase: round.phase,
    endsAt,
    bettingEndsAt: round.bettingEndsAt,
    commitment: round.fairness.commitment,
    items: round.items.map(({ id, label, multiplier }) => ({ id, label, multiplier })),
    chips: round.chips,
  };
  if (round.totals) mirror.totals = round.totals;
  if (round.fairness.clientSeed) mirror.clientSeed = round.fairness.clientSeed;
  if (round.fairness.serverSeed) mirror.serverSeed = round.fairness.serverSeed;
  if (round.winningItemId) mirror.winningItemId = round.winningItemId;
  if (stopped) mirror.stopped = true;
  return mirror;
}

/** Writes the round's state (the live totals of its betting phase are kept); failures are logged. */
export async function mirrorRound(round: GreedyRound, options: { stopped?: boolean } = {}): Promise<void> {
  const mirror = mirrorOf(round, options.stopped ?? false);
  try {
    await bounded(
      "Greedy mirror write",
      rtdb()
        .ref(RoomPaths.greedy(round.roomId))
        .transaction(
          (current: (Partial<GreedyMirror> & { rev?: number }) | null) => {
            if (current && typeof current.rev === "number" && current.rev > mirror.rev) return undefined;
            const liveTotals = current?.roundId === mirror.roundId && !mirror.totals ? current.totals : undefined;
            return liveTotals ? { ...mirror, totals: liveTotals } : mirror;
          },
          undefined,
          false,
        ),
    );
  } catch (err) {
    log.warn("Greedy mirror not written; the next transition rewrites it", { roundId: round.id, error: String(err) });
  }
}

/** Adds a bet to its item's live total; the closing totals replace these when betting closes. */
export async function incrementLiveTotal(roomId: string, itemId: string, coins: number): Promise<void> {
  const { ServerValue } = require("firebase-admin/database") as typeof import("firebase-admin/database");
  try {
    await bounded("Greedy live total", rtdb().ref(RoomPaths.greedyTotal(roomId, itemId)).set(ServerValue.increment(coins)));
  } catch (err) {
    log.warn("Greedy live total not incremented", { roomId, itemId, error: String(err) });
  }
}
