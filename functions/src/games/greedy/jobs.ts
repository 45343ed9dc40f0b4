/**
 * Greedy timers: the task function that moves one round on when its phase is due (enqueued by
 * timers.ts), and the scheduled sweep that catches up on tasks that were lost or never enqueued.
 */
import { onSchedule } from "firebase-functions/v2/scheduler";
import { onTaskDispatched } from "firebase-functions/v2/tasks";
import { REGION } from "../../kernel/config.js";
import { log } from "../../kernel/logger.js";
import { parse } from "../../kernel/validation.js";
import { advanceGreedyRound, sweepDueGreedyRounds } from "./rounds.js";
import { GreedyTimerTaskSchema } from "./schema.js";
import { settleGreedyRound } from "./settlement.js";
import { scheduleGreedyTimer } from "./timers.js";

const EARLY_WAIT_MS = 60_000;
/** Node timers may fire a millisecond before the wall clock reaches the due time: wait a little past it. */
const TIMER_SLACK_MS = 20;

/** Exported in index.ts as greedyRoundTimer (the queue timers.ts enqueues to). */
export const greedyRoundTimer = onTaskDispatched(
  {
    region: REGION,
    retryConfig: { maxAttempts: 5, minBackoffSeconds: 2, maxBackoffSeconds: 60 },
    rateLimits: { maxConcurrentDispatches: 100 },
    timeoutSeconds: 120,
  },
  async (request) => {
    const { roundId } = parse(GreedyTimerTaskSchema, request.data);
    let { outcome, round } = await advanceGreedyRound(roundId, Date.now());
    // A task that arrives early (always in the local Cloud Tasks emulator, which ignores scheduleTime)
    // waits for the due time, bounded well inside the timeout, and asks again.
    const dueIn = round?.nextActionAt != null ? round.nextActionAt - Date.now() : 0;
    if (outcome === "not-due" && dueIn > 0) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(dueIn + TIMER_SLACK_MS, EARLY_WAIT_MS)));
      ({ outcome, round } = await advanceGreedyRound(roundId, Date.now()));
    }
    // Paid as soon as the result is known; the sweep settles any round this misses.
    if (outcome === "advanced" && round?.phase === "result") await settleGreedyRound(roundId);
    if (outcome === "not-due" && round?.nextActionAt != null && round.nextActionAt > Date.now()) {
      await scheduleGreedyTimer(roundId, round.phase, round.nextActionAt, { named: false });
    }
  },
);

/** Safety net: every minute, advances rounds whose timers were lost and settles decided rounds. */
export const sweepGreedyRounds = onSchedule(
  { schedule: "every 1 minutes", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 120, retryCount: 0 },
  async () => {
    const summary = await sweepDueGreedyRounds(Date.now());
    if (summary.due > 0) log.info("Greedy sweep", { ...summary });
  },
);
