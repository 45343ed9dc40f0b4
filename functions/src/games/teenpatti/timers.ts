/**
 * The table timer: one Cloud Task per due time (turn timeout, side-show answer, settlement, next deal) on
 * the teenPattiTableTimer queue. A task only says "look at this table now": the table's state decides
 * what is due, so early, late, duplicated or lost tasks are harmless and the sweep (jobs.ts) catches up
 * on any that never ran. Enqueue failures are logged, not thrown: the change that asked has committed.
 */
import { enqueueTask } from "../../kernel/task-queue.js";
import type { TableTimerTask } from "./schema.js";

/** The exported name of the task function (functions/src/index.ts exports it under this name). */
export const TABLE_TIMER_FUNCTION = "teenPattiTableTimer";

/** Named per (table, due time) by default, so a replayed change adds no second task. */
export async function scheduleTableTimer(tableId: string, atMs: number, options: { named?: boolean } = {}): Promise<void> {
  const task: TableTimerTask = { tableId };
  await enqueueTask(TABLE_TIMER_FUNCTION, task, {
    atMs,
    id: options.named === false ? undefined : `${tableId}-${atMs}`,
    context: { tableId },
  });
}
