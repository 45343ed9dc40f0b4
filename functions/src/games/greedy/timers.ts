/**
 * Round timers: one Cloud Task per due phase change on the greedyRoundTimer queue. A task only says "look
 * at this round now": the round's state decides what is due, so early, late, duplicated or lost tasks
 * are harmless and the sweep (jobs.ts) catches up on any that never ran. Enqueue failures are logged,
 * not thrown: the transition that asked for the timer has already committed.
 */
import { adminApp } from "../../kernel/app.js";
import { REGION } from "../../kernel/config.js";
import { log } from "../../kernel/logger.js";
import { withTimeout } from "../../kernel/timeout.js";
import type { GreedyTimerTask } from "./schema.js";

/** The exported name of the task function (functions/src/index.ts exports it under this name). */
export const GREEDY_TIMER_FUNCTION = "greedyRoundTimer";

const ENQUEUE_TIMEOUT_MS = 5_000;

/** Named per (round, phase) by default, so a replayed transition adds no second task. */
export async function scheduleGreedyTimer(roundId: string, phase: string, atMs: number, options: { named?: boolean } = {}): Promise<void> {
  const { getFunctions } = require("firebase-admin/functions") as typeof import("firebase-admin/functions");
  try {
    const queue = getFunctions(adminApp()).taskQueue<GreedyTimerTask>(`locations/${REGION}/functions/${GREEDY_TIMER_FUNCTION}`);
    const enqueued = queue.enqueue(
      { roundId },
      {
        id: options.named === false ? undefined : `${roundId}-${phase}`,
        scheduleTime: new Date(Math.max(atMs, Date.now())),
        dispatchDeadlineSeconds: 120,
      },
    );
    await withTimeout(enqueued, ENQUEUE_TIMEOUT_MS, () => new Error(`enqueue timed out after ${ENQUEUE_TIMEOUT_MS} ms`));
  } catch (err) {
    if ((err as { code?: unknown })?.code === "functions/task-already-exists") return;
    log.warn("Greedy timer not enqueued; the sweep will advance the round", { roundId, phase, error: String(err) });
  }
}
