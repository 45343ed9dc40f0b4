/**
 * Server timers of PK battles: one Cloud Task per due step (challenge expiry, result, end of the punishment
 * phase) on the pkBattleTimer queue. A task only says "look at this battle now": the battle's state decides
 * what is due, so early, late, duplicated or lost tasks are all harmless, and the sweep (jobs.ts)
 * catches up on any task that was never enqueued or never ran. Enqueue failures are therefore logged,
 * not thrown: the transition that asked for the timer has already committed.
 */
import { adminApp } from "../../kernel/app.js";
import { REGION } from "../../kernel/config.js";
import { log } from "../../kernel/logger.js";
import type { PkTimerTask } from "./schema.js";

/** The exported name of the task function (functions/src/index.ts must export it under this name). */
export const PK_TIMER_FUNCTION = "pkBattleTimer";
export type PkTimerStep = "expire" | "resolve" | "close";

const ENQUEUE_TIMEOUT_MS = 5_000;

/**
 * Enqueues "look at this battle at atMs". Named per (battle, step) by default, so a replayed transition
 * adds no second task; a task rescheduling its own step passes named: false (its name is taken).
 */
export async function schedulePkTimer(battleId: string, step: PkTimerStep, atMs: number, options: { named?: boolean } = {}): Promise<void> {
  const { getFunctions } = require("firebase-admin/functions") as typeof import("firebase-admin/functions");
  const task: PkTimerTask = { battleId, step };
  let timer: NodeJS.Timeout | undefined;
  try {
    const queue = getFunctions(adminApp()).taskQueue<PkTimerTask>(`locations/${REGION}/functions/${PK_TIMER_FUNCTION}`);
    await Promise.race([
      queue.enqueue(task, {
        id: options.named === false ? undefined : `${battleId}-${step}`,
        scheduleTime: new Date(Math.max(atMs, Date.now())),
        dispatchDeadlineSeconds: 120,
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`enqueue timed out after ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    if ((err as { code?: unknown })?.code === "functions/task-already-exists") return;
    log.warn("PK timer not enqueued; the sweep will act on the battle", { battleId, step, error: String(err) });
  } finally {
    clearTimeout(timer);
  }
}
