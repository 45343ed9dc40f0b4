/**
 * Enqueueing Cloud Tasks for the timer queues (PK battles, Greedy rounds, Teen Patti tables). A timer
 * task only says "look at this record now", and every queue has a sweep behind it, so a failed enqueue
 * is logged, never thrown: the change that asked for the timer has already committed.
 */
import type { App } from "firebase-admin/app";
import { adminApp } from "./app.js";
import { REGION } from "./config.js";
import { log } from "./logger.js";
import { withTimeout } from "./timeout.js";

const ENQUEUE_TIMEOUT_MS = 5_000;
/** The identity firebase-admin itself falls back to for emulated tasks (the emulator checks no token). */
const EMULATED_SERVICE_ACCOUNT = "emulated-service-acct@email.com";

let emulatedTasksApp: App | undefined;

/**
 * The app tasks are enqueued with. Against the Cloud Tasks emulator it names the emulated service
 * account, because without one firebase-admin asks the GCE metadata server for it before every enqueue:
 * a request that cannot succeed off Google Cloud and, on a loaded machine, outlasts the enqueue timeout.
 */
function tasksApp(): App {
  if (!process.env.CLOUD_TASKS_EMULATOR_HOST) return adminApp();
  if (!emulatedTasksApp) {
    const { getApps, initializeApp } = require("firebase-admin/app") as typeof import("firebase-admin/app");
    const name = "emulated-cloud-tasks";
    emulatedTasksApp =
      getApps().find((candidate) => candidate.name === name) ??
      initializeApp({ ...adminApp().options, serviceAccountId: EMULATED_SERVICE_ACCOUNT }, name);
  }
  return emulatedTasksApp;
}

export type EnqueueOutcome = "enqueued" | "already-enqueued" | "failed";

/**
 * Enqueues `payload` for the task function exported as `functionName`, to run at `atMs` (now if past).
 * `id` names the task so that a replayed change adds no second one; leave it out for a task that
 * reschedules itself (its own name is taken).
 */
export async function enqueueTask<T extends Record<string, unknown>>(
  functionName: string,
  payload: T,
  options: { atMs: number; id?: string; context?: Record<string, unknown> },
): Promise<EnqueueOutcome> {
  const { getFunctions } = require("firebase-admin/functions") as typeof import("firebase-admin/functions");
  try {
    const queue = getFunctions(tasksApp()).taskQueue<T>(`locations/${REGION}/functions/${functionName}`);
    const enqueued = queue.enqueue(payload, {
      id: options.id,
      scheduleTime: new Date(Math.max(options.atMs, Date.now())),
      dispatchDeadlineSeconds: 120,
    });
    await withTimeout(enqueued, ENQUEUE_TIMEOUT_MS, () => new Error(`enqueue timed out after ${ENQUEUE_TIMEOUT_MS} ms`));
    return "enqueued";
  } catch (err) {
    if ((err as { code?: unknown })?.code === "functions/task-already-exists") return "already-enqueued";
    log.warn("timer task not enqueued; the queue's sweep will catch up", { functionName, ...options.context, error: String(err) });
    return "failed";
  }
}
