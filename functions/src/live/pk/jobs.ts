/**
 * PK timers: the task function that acts on one battle when its step is due (enqueued by timers.ts),
 * and the scheduled sweep that catches up on tasks that were lost or never enqueued.
 */

import { onSchedule } from "firebase-functions/v2/scheduler";
import { onTaskDispatched } from "firebase-functions/v2/tasks";
import { REGION } from "../../kernel/config.js";
import { log } from "../../kernel/logger.js";
import { parse } from "../../kernel/validation.js";
import { advancePkBattle, pendingStep, sweepDuePkBattles } from "./battles.js";
import { PkTimerTaskSchema } from "./schema.js";
import { schedulePkTimer } from "./timers.js";

const EARLY_WAIT_MS = 60_000;
/** Node timers may fire a millisecond before the wall clock reaches the due time: wait a little past it. */
const TIMER_SLACK_MS = 20;

/** Exported in index.ts as pkBattleTimer (the queue name timers.ts enqueues to). */
export const pkBattleTimer = onTaskDispatched(
  {
    region: REGION,
    retryConfig: { maxAttempts: 5, minBackoffSeconds: 2, maxBackoffSeconds: 60 },
    rateLimits: { maxConcurrentDispatches: 50 },
    timeoutSeconds: 120,
  },
  async (request) => {
    const { battleId } = parse(PkTimerTaskSchema, request.data);
    let { outcome, battle } = await advancePkBattle(battleId, Date.now());
    // A task that arrives before its step is due (clock skew in production; always in the local Cloud
    // Tasks emulator, which ignores scheduleTime) waits here — at most EARLY_WAIT_MS, well inside the
    // timeout — and then asks again, instead of re-enqueueing itself in a tight loop.
    const dueIn = battle?.nextActionAt != null ? battle.nextActionAt - Date.now() : 0;
    if (outcome === "not-due" && dueIn > 0) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(dueIn + TIMER_SLACK_MS, EARLY_WAIT_MS)));
      ({ outcome, battle } = await advancePkBattle(battleId, Date.now()));
    }
    // Still early (a long wait): one more task for the due time. Once the battle has moved on, nothing.
    const step = battle && pendingStep(battle);
    if (outcome === "not-due" && step && battle?.nextActionAt != null && battle.nextActionAt > Date.now()) {
      await schedulePkTimer(battleId, step, battle.nextActionAt, { named: false });
    }
  },
);

/** Safety net: every minute, advances battles whose timers were lost (enqueue failures, dropped tasks). */
export const sweepPkBattles = onSchedule(
  { schedule: "every 1 minutes", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 120, retryCount: 0 },
  async () => {
    const summary = await sweepDuePkBattles(Date.now());
    if (summary.due > 0) log.info("PK sweep", { ...summary });
  },
);
