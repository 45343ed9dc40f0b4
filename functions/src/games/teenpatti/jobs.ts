/**
 * Teen Patti timers: the task function that acts on one table when something is due (enqueued by
 * timers.ts), and the scheduled sweep that catches up on tasks that were lost or never enqueued.
 */
import { onSchedule } from "firebase-functions/v2/scheduler";
import { onTaskDispatched } from "firebase-functions/v2/tasks";
import { REGION } from "../../kernel/config.js";
import { log } from "../../kernel/logger.js";
import { parse } from "../../kernel/validation.js";
import { advanceTable, sweepDueTables } from "./actions.js";
import { reviewCollusion } from "./collusion.js";
import { TableTimerTaskSchema } from "./schema.js";
import { scheduleTableTimer } from "./timers.js";

const EARLY_WAIT_MS = 60_000;
/** Node timers may fire a millisecond before the wall clock reaches the due time: wait a little past it. */
const TIMER_SLACK_MS = 20;

/** Exported in index.ts as teenPattiTableTimer (the queue name timers.ts enqueues to). */
export const teenPattiTableTimer = onTaskDispatched(
  {
    region: REGION,
    retryConfig: { maxAttempts: 5, minBackoffSeconds: 2, maxBackoffSeconds: 60 },
    rateLimits: { maxConcurrentDispatches: 50 },
    timeoutSeconds: 120,
  },
  async (request) => {
    const { tableId } = parse(TableTimerTaskSchema, request.data);
    let { outcome, table } = await advanceTable(tableId, Date.now());
    // A task that arrives before the table's due time (always in the local Cloud Tasks emulator, which
    // ignores scheduleTime) waits here — at most EARLY_WAIT_MS — and asks again, instead of re-enqueueing
    // itself in a tight loop.
    const dueIn = table?.nextActionAt != null ? table.nextActionAt - Date.now() : 0;
    if (outcome === "not-due" && dueIn > 0) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(dueIn + TIMER_SLACK_MS, EARLY_WAIT_MS)));
      ({ outcome, table } = await advanceTable(tableId, Date.now()));
    }
    if (outcome === "not-due" && table?.nextActionAt != null && table.nextActionAt > Date.now()) {
      await scheduleTableTimer(tableId, table.nextActionAt, { named: false });
    }
  },
);

/** Safety net: every minute, advances tables whose timers were lost. */
export const sweepTeenPattiTables = onSchedule(
  { schedule: "every 1 minutes", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 120, retryCount: 0 },
  async () => {
    const summary = await sweepDueTables(Date.now());
    if (summary.due > 0) log.info("Teen Patti sweep", { ...summary });
  },
);

/** Hourly: pairs of players whose recent hands look like collusion go to the review queue (collusion.ts). */
export const reviewTeenPattiCollusion = onSchedule(
  { schedule: "every 60 minutes", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 540, retryCount: 0 },
  async () => {
    const summary = await reviewCollusion(Date.now());
    if (summary.flagged > 0) log.info("Teen Patti collusion review", { ...summary });
  },
);
