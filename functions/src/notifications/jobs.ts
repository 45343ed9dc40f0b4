/**
 * Notifications' task and scheduled functions: the go-live fan-out pages (one task per page of
 * followers, rate-limited) and the daily removal of stale push tokens.
 */
import { onSchedule } from "firebase-functions/v2/scheduler";
import { onTaskDispatched } from "firebase-functions/v2/tasks";
import { REGION } from "../kernel/config.js";
import { log } from "../kernel/logger.js";
import { parse } from "../kernel/validation.js";
import { runFanoutPage, sweepStalledFanouts } from "./fanout.js";
import { FanoutTaskSchema } from "./schema.js";
import { removeStaleTokens } from "./tokens.js";

/** Exported as fanOutGoLive (fanout.ts FANOUT_TASK_FUNCTION). The claim lease (fanout.ts) outlasts timeoutSeconds. */
export const fanOutGoLive = onTaskDispatched(
  {
    region: REGION,
    retryConfig: { maxAttempts: 10, minBackoffSeconds: 5, maxBackoffSeconds: 120 },
    rateLimits: { maxConcurrentDispatches: 10, maxDispatchesPerSecond: 20 },
    timeoutSeconds: 120,
    memory: "512MiB",
  },
  async (request) => {
    const task = parse(FanoutTaskSchema, request.data);
    const { outcome, nextEnqueued } = await runFanoutPage(task);
    // Fail, so that Cloud Tasks asks again: another attempt holds the page (until its lease runs out), or
    // the next page is not enqueued yet (the retry finds this page done and enqueues it).
    if (outcome === "busy") throw new Error(`fan-out ${task.fanoutId} page ${task.page} is held by another attempt`);
    if (!nextEnqueued) throw new Error(`fan-out ${task.fanoutId}: page ${task.page + 1} not enqueued`);
    if (outcome === "missing") log.warn("fan-out page task for no page", { ...task });
  },
);

/** Daily: tokens of devices not seen for 60 days are removed, and their topic subscriptions with them. */
export const removeStaleTokensJob = onSchedule(
  { schedule: "every day 03:30", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 540, retryCount: 0 },
  async () => {
    const summary = await removeStaleTokens(Date.now());
    log.info("stale push tokens removed", { ...summary });
  },
);

/** Every 10 minutes: fan-outs that lost a page task get it again. */
export const sweepFanoutsJob = onSchedule(
  { schedule: "every 10 minutes", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 120, retryCount: 0 },
  async () => {
    const summary = await sweepStalledFanouts(Date.now());
    if (summary.stalled > 0) log.warn("stalled fan-outs re-enqueued", { ...summary });
  },
);
