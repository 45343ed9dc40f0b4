/**
 * Aggregated types (gifts): the first event of a window is delivered at once and opens the window; later
 * ones within it only count, updating one inbox entry ("Mia and 12 others sent you gifts"). At the
 * window's end a task pushes that summary if more than the first event arrived.
 */
import type { Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { log } from "../kernel/logger.js";
import { enqueueTask } from "../kernel/tasks.js";
import { runTransaction } from "../kernel/transactions.js";
import { notificationsConfig } from "./config.js";
import { decideChannels, readPreferences } from "./preferences.js";
import type { NotificationType, OutboxRecord } from "./schema.js";
import { pushRendered, readRecipient } from "./sending.js";
import { inboxRef, outboxRef, windowRef } from "./store.js";
import { renderNotification, TEMPLATES } from "./templates.js";

/** The task function that pushes a window's summary (jobs.ts). */
export const SUMMARY_TASK = "notificationWindowSummary";
/** Actors remembered per window (the newest first), for the app to show faces. */
const ACTORS_KEPT = 5;

export type WindowRole = "first" | "counted";

interface WindowActor {
  uid: string | null;
  name: string;
}

/** What an aggregated inbox entry carries besides its texts. */
interface WindowState {
  count: number;
  actors: WindowActor[];
  endsAtMs: number;
  /** The summary push: null until the window's task ran, then its channel record. */
  summary: string | null;
  summaryLeaseUntilMs?: number;
}

function aggregateOf(record: OutboxRecord): { windowSeconds: number; actorName: string } {
  const aggregate = TEMPLATES[record.type].aggregate;
  if (!aggregate) throw new Error(`${record.type} is not an aggregated type`);
  return { windowSeconds: aggregate.windowSeconds, actorName: String(record.data[aggregate.actorParam] ?? "") };
}

/** Counts the event in the window, within the transaction that records the inbox channel as sent. */
async function countInWindow(tx: Transaction, id: string, record: OutboxRecord, language: string | null, nowMs: number) {
  const { FieldValue } = firestoreValues();
  const uid = record.recipient;
  const { windowSeconds, actorName } = aggregateOf(record);
  const outbox = await tx.get(outboxRef(id));
  const counted = outbox.get("windowRole") as WindowRole | undefined;
  if (counted) return { role: counted, windowId: outbox.get("windowId") as string, endsAtMs: 0, opened: false, overdueSummary: null };
  const pointer = await tx.get(windowRef(uid, record.type));
  const actor: WindowActor = { uid: record.actorUid ?? null, name: actorName };
  const endsAtMs = pointer.get("endsAtMs") as number | undefined;

  if (pointer.exists && endsAtMs !== undefined && endsAtMs > nowMs) {
    const windowId = pointer.get("windowId") as string;
    const entry = await tx.get(inboxRef(uid, windowId));
    const previous = (pointer.get("actors") as WindowActor[] | undefined) ?? [];
    const count = ((pointer.get("count") as number | undefined) ?? 1) + 1;
    const actors = [actor, ...previous.filter((a) => a.uid === null || a.uid !== actor.uid)].slice(0, ACTORS_KEPT);
    const texts = renderNotification(record.type, language, record.data, { count, actorName });
    // summaryPending: the window owes a summary push; the sweep finds windows whose task was lost by it.
    tx.update(pointer.ref, { count, actors, summaryPending: true });
    const fields = {
      ...texts,
      data: record.data,
      read: false,
      "aggregate.count": count,
      "aggregate.actors": actors,
      updatedAt: FieldValue.serverTimestamp(),
    };
    // The user may have deleted the window's entry: then it is written again, whole.
    if (entry.exists) tx.update(entry.ref, fields);
    else
      tx.set(entry.ref, {
        type: record.type,
        ...texts,
        data: record.data,
        read: false,
        createdAt: FieldValue.serverTimestamp(),
        aggregate: { count, actors, endsAtMs, summary: null } satisfies WindowState,
      });
    tx.update(outbox.ref, { "channels.inbox": "sent", windowId, windowRole: "counted" });
    return { role: "counted" as const, windowId, endsAtMs, opened: false, overdueSummary: null };
  }

  // No open window: this event opens one, named after its own outbox record. A summary the ended window
  // still owes (its task lost or late) is pushed by this delivery, before the new window's first push.
  const overdueSummary = pointer.get("summaryPending") === true ? (pointer.get("windowId") as string) : null;
  const windowId = id;
  const opensUntil = nowMs + windowSeconds * 1000;
  tx.set(pointer.ref, { uid, type: record.type, windowId, endsAtMs: opensUntil, count: 1, actors: [actor], summaryPending: false });
  tx.set(inboxRef(uid, windowId), {
    type: record.type,
    ...renderNotification(record.type, language, record.data),
    data: record.data,
    read: false,
    createdAt: FieldValue.serverTimestamp(),
    ...(record.actorUid ? { actorUid: record.actorUid } : {}),
    aggregate: { count: 1, actors: [actor], endsAtMs: opensUntil, summary: null } satisfies WindowState,
  });
  tx.update(outbox.ref, { "channels.inbox": "sent", windowId, windowRole: "first" });
  return { role: "first" as const, windowId, endsAtMs: opensUntil, opened: true, overdueSummary };
}

/**
 * Puts an aggregated event in the recipient's inbox: a new window ("first": push it now) or the open one
 * ("counted": no push of its own). A window just opened gets its summary task at its end.
 */
export async function aggregateIntoWindow(id: string, record: OutboxRecord, language: string | null, nowMs: number): Promise<{ role: WindowRole }> {
  const result = await runTransaction((tx) => countInWindow(tx, id, record, language, nowMs));
  if (result.overdueSummary) await pushWindowSummary(record.recipient, record.type, result.overdueSummary, nowMs);
  if (result.opened) {
    await enqueueTask(
      SUMMARY_TASK,
      { uid: record.recipient, type: record.type, windowId: result.windowId },
      { atMs: result.endsAtMs, id: `summary-${result.windowId}`, context: { outboxId: id } },
    );
  }
  return { role: result.role };
}

export type SummaryOutcome = "pushed" | "skipped" | "nothing-to-add" | "not-due" | "missing" | "leased" | "failed";

/**
 * At a window's end: pushes "<latest actor> and N others ..." if the window counted more than its first
 * event, once (a lease on the entry keeps a duplicate task out; the result is kept on the entry).
 */
export async function pushWindowSummary(
  uid: string,
  type: NotificationType,
  windowId: string,
  nowMs = Date.now(),
): Promise<{ outcome: SummaryOutcome; endsAtMs?: number; result?: string }> {
  const config = await notificationsConfig();
  const entryRef = inboxRef(uid, windowId);
  const claimed = await runTransaction(async (tx) => {
    const entry = await tx.get(entryRef);
    if (!entry.exists) return { outcome: "missing" as const };
    const state = entry.get("aggregate") as WindowState;
    if (nowMs < state.endsAtMs) return { outcome: "not-due" as const, endsAtMs: state.endsAtMs };
    if (state.summary !== null || state.count <= 1) return { outcome: "nothing-to-add" as const };
    if ((state.summaryLeaseUntilMs ?? 0) > nowMs) return { outcome: "leased" as const };
    tx.update(entryRef, { "aggregate.summaryLeaseUntilMs": nowMs + config.leaseSeconds * 1000 });
    return { outcome: "claimed" as const, state, data: entry.get("data") as OutboxRecord["data"] };
  });
  if (claimed.outcome === "missing" || claimed.outcome === "nothing-to-add") await settleWindow(uid, type, windowId);
  if (claimed.outcome !== "claimed") return claimed;
  const { state, data } = claimed;
  const decision = decideChannels(type, await readPreferences(uid), nowMs).push;
  let result: string;
  if (decision === undefined) result = "skipped:no-push";
  else if (decision !== "send") result = decision.replace("skip:", "skipped:");
  else {
    const recipient = await readRecipient(uid);
    const actorName = state.actors[0]?.name ?? "";
    const texts = renderNotification(type, recipient.language, data, { count: state.count, actorName });
    result = await pushRendered(uid, windowId, { type, data }, texts, config);
  }
  const failed = result.startsWith("failed:");
  // A failed push frees the entry again, so the task's retry can push it.
  await entryRef.update(failed ? { "aggregate.summaryLeaseUntilMs": 0 } : { "aggregate.summary": result, "aggregate.summaryLeaseUntilMs": 0 });
  if (!failed) await settleWindow(uid, type, windowId);
  return { outcome: failed ? "failed" : result === "sent" ? "pushed" : "skipped", result };
}

/** The window owes no summary any more (pushed, skipped or nothing to add), if it is still the current one. */
async function settleWindow(uid: string, type: NotificationType, windowId: string): Promise<void> {
  await runTransaction(async (tx) => {
    const pointer = await tx.get(windowRef(uid, type));
    if (pointer.get("windowId") === windowId && pointer.get("summaryPending") === true) tx.update(pointer.ref, { summaryPending: false });
  });
}

/** Windows that ended owing a summary (their task lost): the sweep pushes those summaries. */
export async function sweepWindowSummaries(nowMs: number, limit: number): Promise<number> {
  const due = await db()
    .collection(Collections.notificationWindows)
    .where("summaryPending", "==", true)
    .where("endsAtMs", "<=", nowMs)
    .limit(limit)
    .get();
  for (const window of due.docs) {
    const [uid, type, windowId] = [window.get("uid") as string, window.get("type") as NotificationType, window.get("windowId") as string];
    try {
      await pushWindowSummary(uid, type, windowId, nowMs);
    } catch (err) {
      // One window's failure must not stop the others; it stays pending for the next sweep.
      log.error("notification sweep: window summary threw", { uid, type, windowId, error: String(err) });
    }
  }
  return due.size;
}
