/**
 * Server timers of PK battles: one Cloud Task per due step (challenge expiry, result, end of the punishment
 * phase) on the pkBattleTimer queue. A task only says "look at this battle now": the battle's state decides
 * what is due, so early, late, duplicated or lost tasks are all harmless, and the sweep (jobs.ts)
 * catches up on any task that was never enqueued or never ran. Enqueue failures are therefore logged,
 * not thrown: the transition that asked for the timer has already committed.
 */
import { enqueueTask } from "../../kernel/task-queue.js";
import type { PkTimerTask } from "./schema.js";

/** The exported name of the task function (functions/src/index.ts must export it under this name). */
export const PK_TIMER_FUNCTION = "pkBattleTimer";
export type PkTimerStep = "expire" | "resolve" | "close";

/**
 * Enqueues "look at this battle at atMs". Named per (battle, step) by default, so a replayed transition
 * adds no second task; a task rescheduling its own step passes named: false (its name is taken).
 */
export async function schedulePkTimer(battleId: string, step: PkTimerStep, atMs: number, options: { named?: boolean } = {}): Promise<void> {
  const task: PkTimerTask = { battleId, step };
  await enqueueTask(PK_TIMER_FUNCTION, task, {
    atMs,
    id: options.named === false ? undefined : `${battleId}-${step}`,
    context: { battleId, step },
  });
}
