/**
 * The outbox sweep: records whose trigger never ran (still pending well after creation) or whose retry
 * task was lost (failed and past their next attempt) are delivered here, and aggregation windows whose
 * summary task was lost get their summary. Delivery's lease keeps a sweep
 * and a late trigger or task from both delivering one record.
 */
import { firestoreValues } from "../kernel/app.js";
import { log } from "../kernel/logger.js";
import { forEachLimited } from "../kernel/pool.js";
import { sweepWindowSummaries } from "./aggregation.js";
import { notificationsConfig } from "./config.js";
import { type DeliveryOutcome, deliverNotification } from "./delivery.js";
import { outboxCollection } from "./store.js";

const SWEEP_BATCH = 200;
const SWEEP_CONCURRENCY = 8;

export async function sweepOutbox(nowMs: number): Promise<{ found: number; summaries?: number } & Partial<Record<DeliveryOutcome, number>>> {
  const { Timestamp } = firestoreValues();
  const config = await notificationsConfig();
  const [stuck, due] = await Promise.all([
    outboxCollection()
      .where("status", "==", "pending")
      .where("createdAt", "<=", Timestamp.fromMillis(nowMs - config.sweepPendingAfterSeconds * 1000))
      .orderBy("createdAt")
      .limit(SWEEP_BATCH)
      .get(),
    outboxCollection()
      .where("status", "==", "failed")
      .where("nextAttemptAt", "<=", Timestamp.fromMillis(nowMs))
      .orderBy("nextAttemptAt")
      .limit(SWEEP_BATCH)
      .get(),
  ]);
  const ids = [...stuck.docs, ...due.docs].map((doc) => doc.id);
  const counts: Partial<Record<DeliveryOutcome, number>> = {};
  await forEachLimited(ids, SWEEP_CONCURRENCY, async (id) => {
    try {
      const { outcome } = await deliverNotification(id, nowMs);
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    } catch (err) {
      // One record's failure must not stop the others; its lease lapses and a later sweep tries again.
      log.error("notification sweep: delivery threw", { outboxId: id, error: String(err) });
    }
  });
  const summaries = await sweepWindowSummaries(nowMs, SWEEP_BATCH);
  return { found: ids.length, ...counts, ...(summaries > 0 ? { summaries } : {}) };
}
