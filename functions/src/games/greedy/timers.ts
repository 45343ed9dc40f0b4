/**
 * Round timers: one Cloud Task per due phase change on the greedyRoundTimer queue. A task only says "look
 * at this round now": the round's state decides what is due, so early, late, duplicated or lost tasks
 * are harmless and the sweep (jobs.ts) catches up on any that never ran. Enqueue failures are logged,
 * not thrown: the transition that asked for the timer has already committed.
 */
import { enqueueTask } from "../../kernel/task-queue.js";
import type { GreedyTimerTask } from "./schema.js";

/** The exported name of the task function (functions/src/index.ts exports it under this name). */
export const GREEDY_TIMER_FUNCTION = "greedyRoundTimer";

/** Named per (round, phase) by default, so a replayed transition adds no second task. */
export async function scheduleGreedyTimer(roundId: string, phase: string, atMs: number, options: { named?: boolean } = {}): Promise<void> {
  const task: GreedyTimerTask = { roundId };
  await enqueueTask(GREEDY_TIMER_FUNCTION, task, {
    atMs,
    id: options.named === false ? undefined : `${roundId}-${phase}`,
    context: { roundId, phase },
  });
}
