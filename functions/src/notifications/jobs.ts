/**
 * Notification timers: the retry of a failed delivery, the summary push at the end of an aggregation
 * window, and the sweep that re-drives records whose trigger or retry task was lost.
 */
import { onSchedule } from "firebase-functions/v2/scheduler";
import { onTaskDispatched } from "firebase-functions/v2/tasks";
import { REGION, UPSTASH_REDIS_REST_TOKEN } from "../kernel/config.js";
import { log } from "../kernel/logger.js";
import { parse } from "../kernel/validation.js";
import { pushWindowSummary } from "./aggregation.js";
import { deliverNotification } from "./delivery.js";
import { SMTP_PASSWORD } from "./mail.js";
import { RetryDeliveryTaskSchema, WindowSummaryTaskSchema } from "./schema.js";
import { sweepOutbox } from "./sweep.js";

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
