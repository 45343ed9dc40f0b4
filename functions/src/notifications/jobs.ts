/**
 * Notification timers: the retry of a failed delivery, the summary push at the end of an aggregation
 * window, and the sweep that re-drives records whose trigger or retry task was lost; the go-live fan-out
 * pages (one task per page of followers, rate-limited) and their sweep; the daily removal of stale push tokens.
 */
import { onSchedule } from "firebase-functions/v2/scheduler";
import { onTaskDispatched } from "firebase-functions/v2/tasks";
import { REGION, UPSTASH_REDIS_REST_TOKEN } from "../kernel/config.js";
import { log } from "../kernel/logger.js";
import { parse } from "../kernel/validation.js";
import { pushWindowSummary } from "./aggregation.js";
import { deliverNotification } from "./delivery.js";
import { runFanoutPage, sweepStalledFanouts } from "./fanout.js";
import { SMTP_PASSWORD } from "./mail.js";
import { FanoutTaskSchema, RetryDeliveryTaskSchema, WindowSummaryTaskSchema } from "./schema.js";
import { sweepOutbox } from "./sweep.js";
import { removeStaleTokens } from "./tokens.js";

/** A task that arrives early (always with the local Cloud Tasks emulator, which ignores scheduleTime) waits at most this long. */
const EARLY_WAIT_MS = 60_000;

/** Waits until `dueAtMs` if it is near; true when it is now due. */
async function waitUntil(dueAtMs: number): Promise<boolean> {
  const wait = dueAtMs - Date.now();
  if (wait > EARLY_WAIT_MS) return false;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 20));
  return true;
}

/** Exported as retryNotificationDelivery (delivery.ts RETRY_TASK). */
export const retryNotificationDelivery = onTaskDispatched(
  {
    region: REGION,
    retryConfig: { maxAttempts: 5, minBackoffSeconds: 10, maxBackoffSeconds: 300 },
    rateLimits: { maxConcurrentDispatches: 50 },
    timeoutSeconds: 180,
    secrets: [SMTP_PASSWORD, UPSTASH_REDIS_REST_TOKEN],
  },
  async (request) => {
    const { id } = parse(RetryDeliveryTaskSchema, request.data);
    let result = await deliverNotification(id);
    if (result.outcome === "not-due" && result.nextAttemptAtMs !== undefined && (await waitUntil(result.nextAttemptAtMs))) {
      result = await deliverNotification(id);
    }
    // Still early (a long backoff): the sweep delivers it once it is due.
    log.info("notification retry", { outboxId: id, ...result });
  },
);

/** Exported as notificationWindowSummary (aggregation.ts SUMMARY_TASK). */
export const notificationWindowSummary = onTaskDispatched(
  {
    region: REGION,
    retryConfig: { maxAttempts: 5, minBackoffSeconds: 10, maxBackoffSeconds: 300 },
    rateLimits: { maxConcurrentDispatches: 50 },
    timeoutSeconds: 180,
    secrets: [UPSTASH_REDIS_REST_TOKEN],
  },
  async (request) => {
    const { uid, type, windowId } = parse(WindowSummaryTaskSchema, request.data);
    let summary = await pushWindowSummary(uid, type, windowId);
    if (summary.outcome === "not-due" && summary.endsAtMs !== undefined && (await waitUntil(summary.endsAtMs))) {
      summary = await pushWindowSummary(uid, type, windowId);
    }
    log.info("notification window summary", { uid, type, windowId, ...summary });
    // A retryable push failure: Cloud Tasks tries again with its backoff.
    if (summary.outcome === "failed") throw new Error(`summary push failed: ${summary.result}`);
  },
);

/** Safety net: every 5 minutes, delivers records stuck pending or failed past their next attempt, and owed window summaries. */
export const sweepNotificationOutbox = onSchedule(
  {
    schedule: "every 5 minutes",
    timeZone: "Etc/UTC",
    region: REGION,
    timeoutSeconds: 540,
    retryCount: 0,
    secrets: [SMTP_PASSWORD, UPSTASH_REDIS_REST_TOKEN],
  },
  async () => {
    const summary = await sweepOutbox(Date.now());
    if (summary.found > 0 || summary.summaries) log.info("notification sweep", { ...summary });
  },
);

/** Exported as fanOutGoLive (fanout.ts FANOUT_TASK_FUNCTION). The claim lease (fanout.ts) outlasts timeoutSeconds. */
export const fanOutGoLive = onTaskDispatched(
  {
    region: REGION,
    retryConfig: { maxAttempts: 10, minBackoffSeconds: 5, maxBackoffSeconds: 120 },
    rateLimits: { maxConcurrentDispatches: 10, maxDispatchesPerSecond: 20 },
    timeoutSeconds: 120,
    memory: "512MiB",
    secrets: [UPSTASH_REDIS_REST_TOKEN],
  },
  async (request) => {
    const task = parse(FanoutTaskSchema, request.data);
    const { outcome, nextEnqueued } = await runFanoutPage(task);
    // Fail, so that Cloud Tasks asks again: another attempt holds the page (until its lease runs out), or
    // the next page is not enqueued yet (the retry finds this page done and enqueues it).
    if (outcome === "busy") throw new Error(`fan-out ${task.fanoutId} page ${task.page} is held by another attempt`);
    if (!nextEnqueued) throw new Error(`fan-out ${task.fanoutId}: page ${task.page + 1} or the continuation of page ${task.page} not enqueued`);
    if (outcome === "missing") log.warn("fan-out page task for no page", { ...task });
  },
);

/** Every 10 minutes: fan-outs that lost a page task get it again. */
export const sweepFanoutsJob = onSchedule(
  { schedule: "every 10 minutes", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 120, retryCount: 0, secrets: [UPSTASH_REDIS_REST_TOKEN] },
  async () => {
    const summary = await sweepStalledFanouts(Date.now());
    if (summary.stalled > 0) log.warn("stalled fan-outs re-enqueued", { ...summary });
  },
);

/** Daily: tokens of devices not seen for 60 days are removed, and their topic subscriptions with them. */
export const removeStaleTokensJob = onSchedule(
  { schedule: "every day 03:30", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 540, retryCount: 0, secrets: [UPSTASH_REDIS_REST_TOKEN] },
  async () => {
    const summary = await removeStaleTokens(Date.now());
    log.info("stale push tokens removed", { ...summary });
  },
);
