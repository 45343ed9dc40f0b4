/**
 * Delivery of one outbox record: claim it (a lease, so a duplicate trigger or a racing task does not
 * deliver it twice), then inbox, push and e-mail as the type, the user's preferences and the push rate
 * say, then record the outcome: sent, failed (a retry task at the backoff) or dead. A channel that
 * already succeeded is not repeated by a retry.
 */
import { randomUUID } from "node:crypto";
import { auth, firestoreValues } from "../kernel/app.js";
import { log } from "../kernel/logger.js";
import { enqueueTask } from "../kernel/task-queue.js";
import { isAlreadyExists, runTransaction } from "../kernel/transactions.js";
import { isBlockedPair } from "../social/store.js";
import { aggregateIntoWindow, type WindowRole } from "./aggregation.js";
import { backoffSeconds, type NotificationsConfig, notificationsConfig } from "./config.js";
import { sendMail } from "./mail.js";
import { decideChannels, readPreferences } from "./preferences.js";
import type { Channel, OutboxRecord } from "./schema.js";
import { pushRendered, readRecipient } from "./sending.js";
import { accountRef, inboxRef, outboxRef } from "./store.js";
import { type RenderedNotification, renderNotification, TEMPLATES } from "./templates.js";

/** The task function a failed record's retry is queued to (jobs.ts). */
export const RETRY_TASK = "retryNotificationDelivery";

export type DeliveryOutcome = "sent" | "failed" | "dead" | "already-done" | "leased" | "not-due" | "missing" | "lease-lost";

export interface DeliveryResult {
  outcome: DeliveryOutcome;
  channels?: Partial<Record<Channel, string>>;
  /** When the record may be tried again (failed, or not yet due). */
  nextAttemptAtMs?: number;
}

/** A channel whose recorded result is final: sent or skipped (a failure is tried again). */
const isSettled = (result: string | undefined) => result !== undefined && !result.startsWith("failed:");

type Claim = { claimed: true; record: OutboxRecord; leaseOwner: string } | { claimed: false; outcome: DeliveryOutcome; nextAttemptAtMs?: number };

async function claim(id: string, nowMs: number, config: NotificationsConfig, force: boolean): Promise<Claim> {
  const { Timestamp } = firestoreValues();
  return runTransaction(async (tx) => {
    const snap = await tx.get(outboxRef(id));
    if (!snap.exists) return { claimed: false, outcome: "missing" };
    const record = snap.data() as OutboxRecord;
    if (record.status === "sent" || record.status === "dead") return { claimed: false, outcome: "already-done" };
    const leaseUntil = snap.get("leaseUntil") as FirebaseFirestore.Timestamp | null | undefined;
    if (leaseUntil && leaseUntil.toMillis() > nowMs) return { claimed: false, outcome: "leased" };
    const nextAttemptAtMs = record.nextAttemptAt?.toMillis();
    if (!force && record.status === "failed" && nextAttemptAtMs !== undefined && nextAttemptAtMs > nowMs)
      return { claimed: false, outcome: "not-due", nextAttemptAtMs };
    const leaseOwner = randomUUID();
    tx.update(snap.ref, { leaseOwner, leaseUntil: Timestamp.fromMillis(nowMs + config.leaseSeconds * 1000) });
    return { claimed: true, record, leaseOwner };
  });
}

/** The recipient's address: the account record, else Auth; null when there is none. */
async function emailOf(uid: string): Promise<string | null> {
  const stored = (await accountRef(uid).get()).get("email") as string | null | undefined;
  if (stored) return stored;
  try {
    return (await auth().getUser(uid)).email ?? null;
  } catch (err) {
    if ((err as { code?: string }).code === "auth/user-not-found") return null;
    throw err;
  }
}

async function writeInbox(uid: string, id: string, record: OutboxRecord, rendered: RenderedNotification): Promise<void> {
  const { FieldValue } = firestoreValues();
  try {
    await inboxRef(uid, id).create({
      type: record.type,
      ...rendered,
      data: record.data,
      read: false,
      createdAt: FieldValue.serverTimestamp(),
      ...(record.actorUid ? { actorUid: record.actorUid } : {}),
    });
  } catch (err) {
    // The entry of this record exists already: an earlier attempt wrote it.
    if (!isAlreadyExists(err)) throw err;
  }
}

async function settle(channel: string, work: () => Promise<string>): Promise<string> {
  try {
    return await work();
  } catch (err) {
    log.warn("notification channel failed", { channel, error: String(err) });
    return `failed:${(err as Error)?.message ?? String(err)}`.slice(0, 300);
  }
}

/** Runs every channel still open on the record; each result is recorded as soon as it is known. */
async function deliverChannels(id: string, record: OutboxRecord, nowMs: number, config: NotificationsConfig) {
  const uid = record.recipient;
  const channels: Partial<Record<Channel, string>> = { ...record.channels };
  const outbox = outboxRef(id);
  const note = async (channel: Channel, result: string) => {
    channels[channel] = result;
    await outbox.update({ [`channels.${channel}`]: result });
  };
  const template = TEMPLATES[record.type];
  const recipient = await readRecipient(uid);
  const open = template.channels.filter((channel) => !isSettled(channels[channel]));
  if (open.length === 0) return channels;
  // Nobody to deliver to, or an actor the recipient blocks (or who blocks them): every channel is skipped.
  const skipAll = !recipient.exists
    ? "skipped:no-recipient"
    : record.actorUid && (await isBlockedPair(uid, record.actorUid))
      ? "skipped:blocked"
      : null;
  if (skipAll) {
    for (const channel of open) channels[channel] = skipAll;
    return channels;
  }
  const decisions = decideChannels(record.type, await readPreferences(uid), nowMs);
  const rendered = renderNotification(record.type, recipient.language, record.data);
  let windowRole = (record as { windowRole?: WindowRole }).windowRole;

  if (open.includes("inbox")) {
    const result = await settle("inbox", async () => {
      if (decisions.inbox !== "send") return decisions.inbox?.replace("skip:", "skipped:") ?? "skipped:preference";
      if (template.aggregate) {
        windowRole = (await aggregateIntoWindow(id, record, recipient.language, nowMs)).role;
        return "sent";
      }
      await writeInbox(uid, id, record, rendered);
      return "sent";
    });
    // The aggregation transaction records its own success with the window it counted in.
    if (!(template.aggregate && result === "sent")) await note("inbox", result);
    else channels.inbox = result;
  }
  if (open.includes("push")) {
    const result = await settle("push", async () => {
      if (decisions.push !== "send") return decisions.push?.replace("skip:", "skipped:") ?? "skipped:preference";
      // Later events of an aggregation window only count; the window's summary pushes them together. Until
      // the window has counted the event it is unknown whether it is the first: push waits for the retry.
      if (windowRole === "counted") return "skipped:aggregated";
      if (template.aggregate && !isSettled(channels.inbox)) return "failed:not-yet-counted";
      return pushRendered(uid, id, record, rendered, config);
    });
    await note("push", result);
  }
  if (open.includes("email")) {
    const result = await settle("email", async () => {
      if (decisions.email !== "send") return decisions.email?.replace("skip:", "skipped:") ?? "skipped:preference";
      const to = await emailOf(uid);
      if (!to) return "skipped:no-address";
      await sendMail({ to, subject: rendered.title, text: `${rendered.body}\n\n${rendered.deepLink}` });
      return "sent";
    });
    await note("email", result);
  }
  return channels;
}

/** Records the attempt's outcome, if this delivery still holds the lease, and queues a retry after a failure. */
async function finish(
  id: string,
  leaseOwner: string,
  channels: Partial<Record<Channel, string>>,
  nowMs: number,
  config: NotificationsConfig,
): Promise<DeliveryResult> {
  const { FieldValue, Timestamp } = firestoreValues();
  const failures = Object.entries(channels).filter(([, result]) => !isSettled(result));
  const result = await runTransaction(async (tx): Promise<DeliveryResult & { attempts?: number }> => {
    const snap = await tx.get(outboxRef(id));
    if (snap.get("leaseOwner") !== leaseOwner) return { outcome: "lease-lost" };
    const released = { channels, leaseOwner: null, leaseUntil: null, updatedAt: FieldValue.serverTimestamp() };
    if (failures.length === 0) {
      tx.update(snap.ref, { ...released, status: "sent", nextAttemptAt: null, sentAt: FieldValue.serverTimestamp() });
      return { outcome: "sent", channels };
    }
    const attempts = ((snap.get("attempts") as number | undefined) ?? 0) + 1;
    const lastError = failures.map(([channel, error]) => `${channel}: ${error}`).join("; ");
    if (attempts >= config.maxAttempts) {
      tx.update(snap.ref, { ...released, status: "dead", attempts, lastError, nextAttemptAt: null, deadAt: FieldValue.serverTimestamp() });
      return { outcome: "dead", channels, attempts };
    }
    const nextAttemptAtMs = nowMs + backoffSeconds(config, attempts) * 1000;
    tx.update(snap.ref, { ...released, status: "failed", attempts, lastError, nextAttemptAt: Timestamp.fromMillis(nextAttemptAtMs) });
    return { outcome: "failed", channels, attempts, nextAttemptAtMs };
  });
  if (result.outcome === "failed" && result.nextAttemptAtMs !== undefined) {
    await enqueueTask(RETRY_TASK, { id }, { atMs: result.nextAttemptAtMs, id: `${id}-${result.attempts}`, context: { outboxId: id } });
  }
  if (result.outcome === "dead") log.error("notification dead after its last attempt", { outboxId: id, channels });
  const { attempts: _attempts, ...rest } = result;
  return rest;
}

/**
 * Delivers outbox record `id` if it is due: pending, or failed and past its next attempt (`force` skips
 * that wait, for an admin's retry). A record held by another delivery, or done, is left alone.
 */
export async function deliverNotification(id: string, nowMs = Date.now(), options: { force?: boolean } = {}): Promise<DeliveryResult> {
  const config = await notificationsConfig();
  const claimed = await claim(id, nowMs, config, options.force ?? false);
  if (!claimed.claimed) return { outcome: claimed.outcome, nextAttemptAtMs: claimed.nextAttemptAtMs };
  const channels = await deliverChannels(id, claimed.record, nowMs, config);
  return finish(id, claimed.leaseOwner, channels, nowMs, config);
}
