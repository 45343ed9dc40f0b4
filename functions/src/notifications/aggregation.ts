/**
 * Aggregated types (gifts): the first event of a window is delivered at once and opens the window; later
 * ones within it only count, and one inbox entry says so ("Mia and 12 others sent you gifts"). At the
 * window's end a task pushes that summary if more than the first event arrived.
 *
 * A popular host receives hundreds of gifts a second, so counting writes no shared document: each event
 * is its own notificationWindowEvents/{outboxId} record (created with the outbox record's update, in one
 * batch), and the window's count and latest actors are read from those records. The window pointer is
 * written in a transaction only when a window opens. The inbox entry is refreshed from the records at
 * most every ENTRY_REFRESH_MS by the deliveries, and exactly by the summary at the window's end.
 */
import type { DocumentSnapshot, Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { log } from "../kernel/logger.js";
import { enqueueTask } from "../kernel/task-queue.js";
import { isAlreadyExists, runTransaction } from "../kernel/transactions.js";
import { notificationsConfig } from "./config.js";
import { decideChannels, readPreferences } from "./preferences.js";
import type { NotificationType, OutboxRecord } from "./schema.js";
import { pushRendered, readRecipient } from "./sending.js";
import { inboxRef, outboxRef, windowEventRef, windowEventsOf, windowRef } from "./store.js";
import { renderNotification, TEMPLATES } from "./templates.js";

/** The task function that pushes a window's summary (jobs.ts). */
export const SUMMARY_TASK = "notificationWindowSummary";
/** Actors remembered per window (the newest first), for the app to show faces. */
const ACTORS_KEPT = 5;
/** How often deliveries may rewrite a window's inbox entry: bounds the writes to it whatever the gift rate. */
export const ENTRY_REFRESH_MS = 2_000;
/** How long an event record outlives its window (the TTL policy on expiresAt deletes it). */
const EVENT_RETENTION_MS = 24 * 3_600_000;

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
  /** When a delivery or the summary last rewrote the entry from the window's events (epoch ms, server clock). */
  refreshedAtMs?: number;
}

function aggregateOf(record: OutboxRecord): { windowSeconds: number; actorName: string } {
  const aggregate = TEMPLATES[record.type].aggregate;
  if (!aggregate) throw new Error(`${record.type} is not an aggregated type`);
  return { windowSeconds: aggregate.windowSeconds, actorName: String(record.data[aggregate.actorParam] ?? "") };
}

const isOpen = (pointer: DocumentSnapshot, nowMs: number) => {
  const endsAtMs = pointer.get("endsAtMs") as number | undefined;
  return pointer.exists && endsAtMs !== undefined && endsAtMs > nowMs;
};

function eventRecord(id: string, record: OutboxRecord, windowId: string, endsAtMs: number, nowMs: number) {
  const { Timestamp } = firestoreValues();
  const actor: WindowActor = { uid: record.actorUid ?? null, name: aggregateOf(record).actorName };
  return {
    uid: record.recipient,
    type: record.type,
    windowId,
    outboxId: id,
    actor,
    atMs: nowMs,
    expiresAt: Timestamp.fromMillis(Math.max(endsAtMs, nowMs) + EVENT_RETENTION_MS),
  };
}

/** The window's count and newest distinct actors, from its event records. */
async function windowTally(windowId: string): Promise<Tally> {
  const events = windowEventsOf(windowId);
  const [counted, latest] = await Promise.all([
    events.count().get(),
    events
      .orderBy("atMs", "desc")
      .limit(ACTORS_KEPT * 4)
      .get(),
  ]);
  const actors: WindowActor[] = [];
  for (const doc of latest.docs) {
    const actor = doc.get("actor") as WindowActor;
    if (actor.uid !== null && actors.some((a) => a.uid === actor.uid)) continue;
    actors.push(actor);
    if (actors.length === ACTORS_KEPT) break;
  }
  return { count: counted.data().count, actors };
}

type Tally = { count: number; actors: WindowActor[] };

/** The entry's texts for the window's tally, in the recipient's language. */
function tallyTexts(record: Pick<OutboxRecord, "type" | "data">, tally: Tally, language: string | null) {
  return renderNotification(record.type, language, record.data, { count: tally.count, actorName: tally.actors[0]?.name ?? "" });
}

/** What an entry update from the window's tally writes. */
function tallyFields(record: Pick<OutboxRecord, "data">, tally: Tally, texts: ReturnType<typeof renderNotification>) {
  return {
    ...texts,
    data: record.data,
    read: false,
    "aggregate.count": tally.count,
    "aggregate.actors": tally.actors,
    "aggregate.refreshedAtMs": Date.now(),
    updatedAt: firestoreValues().FieldValue.serverTimestamp(),
  };
}

/**
 * Rewrites the window's inbox entry from its events (the entry is written again, whole, if the user
 * deleted it), unless it was refreshed within ENTRY_REFRESH_MS.
 */
async function refreshEntry(record: OutboxRecord, windowId: string, endsAtMs: number, language: string | null): Promise<void> {
  const ref = inboxRef(record.recipient, windowId);
  const entry = await ref.get();
  const refreshedAtMs = (entry.get("aggregate.refreshedAtMs") as number | undefined) ?? 0;
  if (entry.exists && refreshedAtMs > Date.now() - ENTRY_REFRESH_MS) return;
  const tally = await windowTally(windowId);
  const texts = tallyTexts(record, tally, language);
  if (entry.exists) {
    await ref.update(tallyFields(record, tally, texts));
    return;
  }
  await ref.set({
    type: record.type,
    ...texts,
    data: record.data,
    read: false,
    createdAt: firestoreValues().FieldValue.serverTimestamp(),
    aggregate: { count: tally.count, actors: tally.actors, endsAtMs, summary: null, refreshedAtMs: Date.now() } satisfies WindowState,
  });
}

/**
 * Counts the event in an open window: its event record and the outbox record's inbox channel, in one
 * batch. An event record that exists already was counted by an earlier attempt (the batch wrote both).
 */
async function countInOpenWindow(id: string, record: OutboxRecord, pointer: DocumentSnapshot, nowMs: number): Promise<void> {
  const windowId = pointer.get("windowId") as string;
  const batch = db().batch();
  batch.create(windowEventRef(id), eventRecord(id, record, windowId, pointer.get("endsAtMs") as number, nowMs));
  batch.update(outboxRef(id), { "channels.inbox": "sent", windowId, windowRole: "counted" });
  try {
    await batch.commit();
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  // The window now owes a summary; written once, not per event (the sweep finds windows whose task was lost by it).
  if (pointer.get("summaryPending") !== true) await pointer.ref.update({ summaryPending: true });
}

/**
 * No open window seen: in a transaction, opens one named after this event's outbox record, or counts the
 * event in the window a concurrent delivery has just opened. A summary the ended window still owes (its
 * task lost or late) is pushed by this delivery, before the new window's first push.
 */
async function openOrCount(tx: Transaction, id: string, record: OutboxRecord, language: string | null, nowMs: number) {
  const { FieldValue } = firestoreValues();
  const uid = record.recipient;
  const outbox = await tx.get(outboxRef(id));
  const counted = outbox.get("windowRole") as WindowRole | undefined;
  if (counted) return { role: counted, windowId: outbox.get("windowId") as string, endsAtMs: 0, opened: false, overdueSummary: null };
  const pointer = await tx.get(windowRef(uid, record.type));
  if (isOpen(pointer, nowMs)) {
    const windowId = pointer.get("windowId") as string;
    const endsAtMs = pointer.get("endsAtMs") as number;
    tx.create(windowEventRef(id), eventRecord(id, record, windowId, endsAtMs, nowMs));
    tx.update(pointer.ref, { summaryPending: true });
    tx.update(outbox.ref, { "channels.inbox": "sent", windowId, windowRole: "counted" });
    return { role: "counted" as const, windowId, endsAtMs, opened: false, overdueSummary: null };
  }
  const overdueSummary = pointer.get("summaryPending") === true ? (pointer.get("windowId") as string) : null;
  const windowId = id;
  const endsAtMs = nowMs + aggregateOf(record).windowSeconds * 1000;
  const event = eventRecord(id, record, windowId, endsAtMs, nowMs);
  tx.set(pointer.ref, { uid, type: record.type, windowId, endsAtMs, summaryPending: false });
  tx.create(windowEventRef(id), event);
  tx.set(inboxRef(uid, windowId), {
    type: record.type,
    ...renderNotification(record.type, language, record.data),
    data: record.data,
    read: false,
    createdAt: FieldValue.serverTimestamp(),
    ...(record.actorUid ? { actorUid: record.actorUid } : {}),
    aggregate: { count: 1, actors: [event.actor], endsAtMs, summary: null, refreshedAtMs: Date.now() } satisfies WindowState,
  });
  tx.update(outbox.ref, { "channels.inbox": "sent", windowId, windowRole: "first" });
  return { role: "first" as const, windowId, endsAtMs, opened: true, overdueSummary };
}

/**
 * Puts an aggregated event in the recipient's inbox: a new window ("first": push it now) or the open one
 * ("counted": no push of its own). A window just opened gets its summary task at its end.
 */
export async function aggregateIntoWindow(id: string, record: OutboxRecord, language: string | null, nowMs: number): Promise<{ role: WindowRole }> {
  // Called while the outbox record's inbox channel is open, so the record (read by the delivery's claim) is
  // not counted yet; the transaction below checks again, and the event record's create() on the fast path.
  const pointer = await windowRef(record.recipient, record.type).get();
  if (isOpen(pointer, nowMs)) {
    await countInOpenWindow(id, record, pointer, nowMs);
    await refreshEntry(record, pointer.get("windowId") as string, pointer.get("endsAtMs") as number, language);
    return { role: "counted" };
  }
  const result = await runTransaction((tx) => openOrCount(tx, id, record, language, nowMs));
  if (result.overdueSummary) await pushWindowSummary(record.recipient, record.type, result.overdueSummary, nowMs);
  if (result.opened) {
    await enqueueTask(
      SUMMARY_TASK,
      { uid: record.recipient, type: record.type, windowId: result.windowId },
      { atMs: result.endsAtMs, id: `summary-${result.windowId}`, context: { outboxId: id } },
    );
  } else if (result.endsAtMs) {
    await refreshEntry(record, result.windowId, result.endsAtMs, language);
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
    if (state.summary !== null) return { outcome: "nothing-to-add" as const };
    if ((state.summaryLeaseUntilMs ?? 0) > nowMs) return { outcome: "leased" as const };
    tx.update(entryRef, { "aggregate.summaryLeaseUntilMs": nowMs + config.leaseSeconds * 1000 });
    return { outcome: "claimed" as const, data: entry.get("data") as OutboxRecord["data"] };
  });
  if (claimed.outcome === "missing" || claimed.outcome === "nothing-to-add") await settleWindow(uid, type, windowId);
  if (claimed.outcome !== "claimed") return claimed;
  const { data } = claimed;
  // Exact at last: every event the window counted.
  const tally = await windowTally(windowId);
  if (tally.count <= 1) {
    await entryRef.update({ "aggregate.summaryLeaseUntilMs": 0 });
    await settleWindow(uid, type, windowId);
    return { outcome: "nothing-to-add" };
  }
  const recipient = await readRecipient(uid);
  const texts = tallyTexts({ type, data }, tally, recipient.language);
  const decision = decideChannels(type, await readPreferences(uid), nowMs).push;
  let result: string;
  if (decision === undefined) result = "skipped:no-push";
  else if (decision !== "send") result = decision.replace("skip:", "skipped:");
  else result = await pushRendered(uid, windowId, { type, data }, texts, config);
  const failed = result.startsWith("failed:");
  // The entry takes the exact tally either way; a failed push frees it again, so the task's retry can push it.
  await entryRef.update({
    ...tallyFields({ data }, tally, texts),
    "aggregate.summaryLeaseUntilMs": 0,
    ...(failed ? {} : { "aggregate.summary": result }),
  });
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
