/**
 * The table timer: one Cloud Task per due time (turn timeout, side-show answer, settlement, next deal) on
 * the teenPattiTableTimer queue. A task only says "look at this table now": the table's state decides
 * what is due, so early, late, duplicated or lost tasks are harmless and the sweep (jobs.ts) catches up
 * on any that never ran. Enqueue failures are logged, not thrown: the change that asked has committed.
 */
import { adminApp } from "../../kernel/app.js";
import { REGION } from "../../kernel/config.js";
import { log } from "../../kernel/logger.js";
import { withTimeout } from "../../kernel/timeout.js";
import type { TableTimerTask } from "./schema.js";

/** The exported name of the task function (functions/src/index.ts exports it under this name). */
export const TABLE_TIMER_FUNCTION = "teenPattiTableTimer";

const ENQUEUE_TIMEOUT_MS = 5_000;

/** Named per (table, due time) by default, so a replayed change adds no second task. */
export async function scheduleTableTimer(tableId: string, atMs: number, options: { named?: boolean } = {}): Promise<void> {
  const { getFunctions } = require("firebase-admin/functions") as typeof import("firebase-admin/functions");
  const task: TableTimerTask = { tableId };
  try {
    const queue = getFunctions(adminApp()).taskQueue<TableTimerTask>(`locations/${REGION}/functions/${TABLE_TIMER_FUNCTION}`);
    const enqueued = queue.enqueue(task, {
      id: options.named === false ? undefined : `${tableId}-${atMs}`,
      scheduleTime: new Date(Math.max(atMs, Date.now())),
      dispatchDeadlineSeconds: 120,
    });
    await withTimeout(enqueued, ENQUEUE_TIMEOUT_MS, () => new Error(`enqueue timed out after ${ENQUEUE_TIMEOUT_MS} ms`));
  } catch (err) {
    if ((err as { code?: unknown })?.code === "functions/task-already-exists") return;
    log.warn("Teen Patti timer not enqueued; the sweep will act on the table", { tableId, error: String(err) });
  }
}
