/**
 * Fan-out of one notification to an audience in pages: a host's followers (a host going live, inbox
 * entries and pushes written here) or the users matching an announcement's countries / roles / language
 * (each queued through notify(), so delivery follows their preferences). A fan-out record
 * (notificationFanouts/{id}, created once), then one Cloud Task per page of the audience's source
 * (users/{host}/followers or users, ordered by id), each page claimed in a transaction. A page fixes its follower
 * range, enqueues the next page (a named task: a replay adds none), then walks its followers in chunks:
 * inbox entries (ids derived from the fan-out, so a rewrite is harmless) and pushes (sendEach ≤500),
 * recording its progress after each chunk so that a retried page resumes where the last attempt stopped.
 * No function touches more than one page of followers.
 */
import { randomUUID } from "node:crypto";
import type { DocumentReference, Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";
import { log } from "../kernel/logger.js";
import { enqueueTask } from "../kernel/task-queue.js";
import { runTransaction } from "../kernel/transactions.js";
import { notify } from "./notify.js";
import { decideChannels, preferencesFrom } from "./preferences.js";
import { type DevicePush, deviceTokensOf, sendPushes } from "./push.js";
import type { NotificationData, NotificationType } from "./schema.js";
import { preferencesRef } from "./store.js";
import { renderNotification, TEMPLATES } from "./templates.js";

/** The exported name of the page task function (registry.ts). */
export const FANOUT_TASK_FUNCTION = "fanOutGoLive";
/** Followers per page task. */
export const FANOUT_PAGE_SIZE = 500;
/**
 * Followers per chunk inside a page: their inbox entries fit one batch, their pushes one or two sendEach
 * calls, and a chunk is what an attempt that dies between sending and recording its progress resends.
 */
const CHUNK_FOLLOWERS = 100;
/**
 * How long a page belongs to the attempt holding it, counted from its last renewal (at the claim and
 * before every chunk): longer than the task's timeout, so a lease only runs out on an attempt that is gone.
 */
const CLAIM_LEASE_MS = 150_000;
/**
 * An attempt starts no new chunk after this long: it hands the page to a continuation task instead, so a
 * slow attempt is not killed by the task's timeout (120 s) between sending a chunk and recording it.
 */
const ATTEMPT_BUDGET_MS = 45_000;
const PARALLEL_READS = 50;

export interface FanoutTask {
  fanoutId: string;
  page: number;
  [key: string]: unknown;
}

export interface FanoutPageResults {
  followers: number;
  inbox: number;
  pushSent: number;
  pushPruned: number;
  pushFailed: number;
  skippedPreference: number;
  skippedQuietHours: number;
  withoutDevices: number;
  /** Users the notification was written or queued for (an announcement's audience among the users scanned). */
  reached: number;
}

/** Who a fan-out reaches: a host's followers, or the users matching every filter given (any of its values). */
export type FanoutAudience =
  | { kind: "followers"; hostUid: string }
  | { kind: "users"; countries: string[] | null; roles: string[] | null; language: string | null };

const EMPTY_RESULTS: FanoutPageResults = {
  followers: 0,
  inbox: 0,
  pushSent: 0,
  pushPruned: 0,
  pushFailed: 0,
  skippedPreference: 0,
  skippedQuietHours: 0,
  withoutDevices: 0,
  reached: 0,
};

export const fanoutRef = (fanoutId: string) => db().collection(Collections.notificationFanouts).doc(fanoutId);
export const fanoutPageRef = (fanoutId: string, page: number) => fanoutRef(fanoutId).collection(Collections.fanoutPages).doc(String(page));
const followersOf = (hostUid: string) => userRef(hostUid).collection(Collections.followers);

/** Records written before audiences existed are go-live fan-outs to the host's followers. */
function audienceOf(fanout: FirebaseFirestore.DocumentData): FanoutAudience {
  return (fanout.audience as FanoutAudience | undefined) ?? { kind: "followers", hostUid: fanout.hostUid };
}

/**
 * The collection a fan-out pages through by document id; users are read with the fields the filters need.
 * An audience of some countries (at most MAX_ANNOUNCEMENT_TOPICS) reads only those countries' users, through
 * the single-field index on country; roles and language are filtered per chunk.
 */
function sourceQuery(audience: FanoutAudience): FirebaseFirestore.Query {
  const { FieldPath } = firestoreValues();
  if (audience.kind === "followers") return followersOf(audience.hostUid).orderBy(FieldPath.documentId()).select();
  let users: FirebaseFirestore.Query = db().collection(Collections.users);
  if (audience.countries?.length) users = users.where("country", "in", audience.countries);
  return users.orderBy(FieldPath.documentId()).select("country", "roles", "language");
}

/** Whether a profile is in a users audience: in any of its countries, with any of its roles, speaking its language. */
export function matchesAudience(audience: Extract<FanoutAudience, { kind: "users" }>, profile: FirebaseFirestore.DocumentData): boolean {
  const roles: unknown[] = Array.isArray(profile.roles) ? profile.roles : [];
  const language = typeof profile.language === "string" ? profile.language.split(/[-_]/)[0]?.toLowerCase() : undefined;
  return (
    (!audience.countries || audience.countries.includes(profile.country)) &&
    (!audience.roles || audience.roles.some((role) => roles.includes(role))) &&
    (!audience.language || audience.language === language)
  );
}

export const goLiveFanoutId = (streamId: string) => `go-live-${streamId}`;
/** The inbox entry of one follower for one fan-out: the same id on every attempt. */
export const fanoutInboxId = (fanoutId: string) => `fanout-${fanoutId}`;

/** Enqueues one page; named by default, so a replay adds no second task (the sweep's re-enqueues are not). */
async function enqueuePage(fanoutId: string, page: number, named = true): Promise<boolean> {
  const outcome = await enqueueTask<FanoutTask>(
    FANOUT_TASK_FUNCTION,
    { fanoutId, page },
    { atMs: Date.now(), id: named ? `${fanoutId}-p${page}` : undefined, context: { fanoutId, page } },
  );
  return outcome !== "failed";
}

/**
 * Starts the fan-out of a host's go-live to their followers: creates the record and its first page
 * once per stream, and enqueues the first page. A duplicate call (a replayed start, a repeated trigger)
 * finds the record and only makes sure the first page is enqueued (named: never twice).
 */
export async function startGoLiveFanout(stream: {
  id: string;
  hostUid: string;
  hostName: string | null;
}): Promise<{ fanoutId: string; created: boolean }> {
  const fanoutId = goLiveFanoutId(stream.id);
  const data: NotificationData = { hostName: stream.hostName ?? "", streamId: stream.id };
  const created = await runTransaction(async (tx) => {
    const snap = await tx.get(fanoutRef(fanoutId));
    if (snap.exists) return false;
    createFanout(tx, fanoutId, {
      type: "go-live",
      data,
      audience: { kind: "followers", hostUid: stream.hostUid },
      hostUid: stream.hostUid,
      streamId: stream.id,
    });
    return true;
  });
  await enqueueFirstPage(fanoutId);
  return { fanoutId, created };
}

/** Creates a fan-out record and its first page in the caller's transaction (which has made sure it is new). */
export function createFanout(
  tx: Transaction,
  fanoutId: string,
  fanout: { type: NotificationType; data: NotificationData; audience: FanoutAudience; [field: string]: unknown },
): void {
  const { FieldValue } = firestoreValues();
  tx.create(fanoutRef(fanoutId), {
    ...fanout,
    status: "running",
    pagesDone: 0,
    pages: null,
    totals: EMPTY_RESULTS,
    createdAt: FieldValue.serverTimestamp(),
    updatedAt: FieldValue.serverTimestamp(),
    completedAt: null,
  });
  tx.create(fanoutPageRef(fanoutId, 0), newPage(0, null));
}

/** Enqueues the first page (named: a repeat adds none); a failure is left to the sweep. */
export async function enqueueFirstPage(fanoutId: string): Promise<void> {
  if (!(await enqueuePage(fanoutId, 0))) log.warn("fan-out: first page not enqueued; sweepFanouts will", { fanoutId });
}

function newPage(page: number, startAfter: string | null) {
  return {
    page,
    startAfter,
    endAt: null,
    hasNext: null,
    status: "pending",
    claimedUntil: 0,
    attempts: 0,
    progress: null,
    results: EMPTY_RESULTS,
    doneAt: null,
  };
}

type Claim =
  | { kind: "claimed"; leaseOwner: string; startAfter: string | null; endAt: string | null; progress: string | null; results: FanoutPageResults }
  | { kind: "done"; hasNext: boolean }
  | { kind: "busy" }
  | { kind: "missing" };

async function claimPage(fanoutId: string, page: number, nowMs: number): Promise<Claim> {
  return runTransaction(async (tx) => {
    const snap = await tx.get(fanoutPageRef(fanoutId, page));
    if (!snap.exists) return { kind: "missing" };
    if (snap.get("status") === "done") return { kind: "done", hasNext: snap.get("hasNext") === true };
    if (snap.get("status") === "claimed" && (snap.get("claimedUntil") as number) > nowMs) return { kind: "busy" };
    const leaseOwner = randomUUID();
    tx.update(snap.ref, { status: "claimed", leaseOwner, claimedUntil: nowMs + CLAIM_LEASE_MS, attempts: (snap.get("attempts") as number) + 1 });
    return {
      kind: "claimed",
      leaseOwner,
      startAfter: snap.get("startAfter") ?? null,
      endAt: snap.get("endAt") ?? null,
      progress: snap.get("progress") ?? null,
      results: { ...EMPTY_RESULTS, ...(snap.get("results") as FanoutPageResults) },
    };
  });
}

/**
 * Renews the page's lease for the attempt that holds it, recording its progress so far, in one
 * transaction; false when another attempt has taken the page over (this one must stop sending).
 */
async function holdPage(
  fanoutId: string,
  page: number,
  leaseOwner: string,
  progress: { progress: string | null; results: FanoutPageResults },
  release = false,
): Promise<boolean> {
  return runTransaction(async (tx) => {
    const snap = await tx.get(fanoutPageRef(fanoutId, page));
    if (snap.get("status") !== "claimed" || snap.get("leaseOwner") !== leaseOwner) return false;
    // Released: the lease ends now, so the continuation task claims the page at once.
    tx.update(snap.ref, { ...progress, claimedUntil: release ? 0 : Date.now() + CLAIM_LEASE_MS });
    return true;
  });
}

/** Fixes the page's follower range on its first attempt, and creates the next page's record. */
async function fixRange(
  fanoutId: string,
  page: number,
  audience: FanoutAudience,
  startAfter: string | null,
): Promise<{ endAt: string | null; hasNext: boolean }> {
  let query = sourceQuery(audience).limit(FANOUT_PAGE_SIZE);
  if (startAfter) query = query.startAfter(startAfter);
  const ids = (await query.get()).docs.map((doc) => doc.id);
  const endAt = ids.at(-1) ?? null;
  const hasNext = ids.length === FANOUT_PAGE_SIZE;
  await runTransaction(async (tx: Transaction) => {
    const nextRef = fanoutPageRef(fanoutId, page + 1);
    const next = hasNext ? await tx.get(nextRef) : null;
    tx.update(fanoutPageRef(fanoutId, page), { endAt, hasNext });
    if (next && !next.exists) tx.create(nextRef, newPage(page + 1, endAt));
    // The last page knows how many pages there are: the fan-out is done when that many are.
    if (!hasNext) tx.update(fanoutRef(fanoutId), { pages: page + 1 });
  });
  return { endAt, hasNext };
}

async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += limit) results.push(...(await Promise.all(items.slice(start, start + limit).map(work))));
  return results;
}

interface Follower {
  uid: string;
  language: string | null;
  inbox: boolean;
  push: "send" | "skip:preference" | "skip:quiet-hours" | "skip:rate";
}

async function readFollowers(uids: string[], type: NotificationType, nowMs: number): Promise<Follower[]> {
  if (uids.length === 0) return [];
  const refs: DocumentReference[] = uids.flatMap((uid) => [userRef(uid), preferencesRef(uid)]);
  const snaps = await db().getAll(...refs);
  return uids.map((uid, index) => {
    const profile = snaps[index * 2];
    const decisions = decideChannels(type, preferencesFrom(snaps[index * 2 + 1]?.data()), nowMs);
    return {
      uid,
      language: (profile?.get("language") as string | undefined) ?? null,
      inbox: decisions.inbox === "send",
      push: decisions.push ?? "skip:preference",
    };
  });
}

/** One chunk: inbox entries in one batch, pushes in sendEach calls; returns what it did. */
async function deliverChunk(fanoutId: string, fanout: FirebaseFirestore.DocumentData, followers: Follower[]): Promise<FanoutPageResults> {
  const type = fanout.type as NotificationType;
  const data = fanout.data as NotificationData;
  const { FieldValue } = firestoreValues();
  const results = { ...EMPTY_RESULTS, followers: followers.length, reached: followers.filter((f) => f.inbox).length };
  const batch = db().batch();
  for (const follower of followers.filter((f) => f.inbox)) {
    const rendered = renderNotification(type, follower.language, data);
    batch.set(userRef(follower.uid).collection(Collections.notifications).doc(fanoutInboxId(fanoutId)), {
      type,
      ...rendered,
      data,
      read: false,
      createdAt: FieldValue.serverTimestamp(),
      actorUid: fanout.hostUid,
    });
    results.inbox++;
  }
  await batch.commit();

  const pushing = followers.filter((f) => f.push === "send");
  results.skippedPreference = followers.filter((f) => f.push === "skip:preference").length;
  results.skippedQuietHours = followers.filter((f) => f.push === "skip:quiet-hours").length;
  const devices = await mapLimited(pushing, PARALLEL_READS, async (f) => ({ follower: f, devices: await deviceTokensOf(f.uid) }));
  const template = TEMPLATES[type];
  const pushes: DevicePush[] = devices.flatMap(({ follower, devices: tokens }) => {
    if (tokens.length === 0) results.withoutDevices++;
    const rendered = renderNotification(type, follower.language, data);
    const message = {
      ...rendered,
      data: { type, fanoutId, ...Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v)])) },
      priority: template.push?.priority ?? "normal",
      collapseKey: template.push?.collapseKey ? `${template.push.collapseKey}-${fanout.streamId}` : undefined,
    } as const;
    return tokens.map((device) => ({ device, message }));
  });
  const outcome = await sendPushes(pushes);
  results.pushSent = outcome.sent;
  results.pushPruned = outcome.pruned;
  results.pushFailed = outcome.failed;
  return results;
}

/**
 * One chunk of an announcement's users: those in its audience each get the notification queued through
 * notify() (deduplicated on the fan-out, so a resent chunk queues nothing twice); delivery does the rest.
 */
async function queueChunk(
  fanoutId: string,
  fanout: FirebaseFirestore.DocumentData,
  users: FirebaseFirestore.QueryDocumentSnapshot[],
): Promise<FanoutPageResults> {
  const audience = audienceOf(fanout);
  const reached = audience.kind === "users" ? users.filter((user) => matchesAudience(audience, user.data())) : [];
  await mapLimited(reached, PARALLEL_READS, (user) =>
    notify({ recipient: user.id, type: fanout.type as NotificationType, data: fanout.data as NotificationData, dedupeKey: fanoutId }),
  );
  return { ...EMPTY_RESULTS, followers: users.length, reached: reached.length };
}

/** Items in id order, CHUNK_FOLLOWERS at a time: progress is recorded after each chunk. */
function chunksOf<T>(followers: T[]): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < followers.length; start += CHUNK_FOLLOWERS) chunks.push(followers.slice(start, start + CHUNK_FOLLOWERS));
  return chunks;
}

function add(a: FanoutPageResults, b: FanoutPageResults): FanoutPageResults {
  return Object.fromEntries(
    Object.keys(EMPTY_RESULTS).map((key) => [key, a[key as keyof FanoutPageResults] + b[key as keyof FanoutPageResults]]),
  ) as unknown as FanoutPageResults;
}

export type PageOutcome = "done" | "already-done" | "busy" | "missing" | "continued";

/**
 * Runs one page of a fan-out (the task function's body). A page already done only makes sure the next
 * page is enqueued; a page another attempt holds answers "busy" (the task function then throws, so
 * Cloud Tasks retries it after the lease); otherwise the page resumes from its recorded progress. An
 * attempt past its time budget releases the page to a continuation task ("continued").
 * `nextEnqueued` is false when a next page exists and could not be enqueued (the task function then
 * throws, so that its retry, finding the page done, enqueues it).
 */
export async function runFanoutPage(
  task: FanoutTask,
  nowMs = Date.now(),
  attemptBudgetMs = ATTEMPT_BUDGET_MS,
): Promise<{ outcome: PageOutcome; nextEnqueued: boolean }> {
  const { fanoutId, page } = task;
  const claim = await claimPage(fanoutId, page, nowMs);
  if (claim.kind === "missing" || claim.kind === "busy") return { outcome: claim.kind, nextEnqueued: true };
  if (claim.kind === "done") return { outcome: "already-done", nextEnqueued: !claim.hasNext || (await enqueuePage(fanoutId, page + 1)) };
  const fanout = (await fanoutRef(fanoutId).get()).data();
  if (!fanout) return { outcome: "missing", nextEnqueued: true };

  let { endAt } = claim;
  let hasNext: boolean;
  const audience = audienceOf(fanout);
  if (endAt === null) ({ endAt, hasNext } = await fixRange(fanoutId, page, audience, claim.startAfter));
  else hasNext = (await fanoutPageRef(fanoutId, page).get()).get("hasNext") === true;
  // The next page starts now, in parallel with this one (as far as the queue's rate limits allow).
  const nextEnqueued = !hasNext || (await enqueuePage(fanoutId, page + 1));

  let results = claim.results;
  const resumeAfter = claim.progress ?? claim.startAfter;
  if (endAt !== null && resumeAfter !== endAt) {
    let query = sourceQuery(audience).endAt(endAt);
    if (resumeAfter) query = query.startAfter(resumeAfter);
    const docs = (await query.get()).docs;
    // Followers get their inbox entries and pushes here; an announcement's users through notify().
    const chunks: { last: string | undefined; deliver: () => Promise<FanoutPageResults> }[] =
      audience.kind === "followers"
        ? chunksOf(
            await readFollowers(
              docs.map((doc) => doc.id),
              fanout.type,
              nowMs,
            ),
          ).map((chunk) => ({
            last: chunk.at(-1)?.uid,
            deliver: () => deliverChunk(fanoutId, fanout, chunk),
          }))
        : chunksOf(docs).map((chunk) => ({ last: chunk.at(-1)?.id, deliver: () => queueChunk(fanoutId, fanout, chunk) }));
    let progress = claim.progress;
    const startedAt = Date.now();
    let chunksSent = 0;
    for (const chunk of chunks) {
      // At least one chunk per attempt, so a page always moves on.
      if (chunksSent > 0 && Date.now() - startedAt > attemptBudgetMs) {
        if (!(await holdPage(fanoutId, page, claim.leaseOwner, { progress, results }, true))) return { outcome: "busy", nextEnqueued };
        // Unnamed: this page's name is taken. Not enqueued → the task fails and its retry resumes the page.
        const continued = await enqueuePage(fanoutId, page, false);
        return { outcome: "continued", nextEnqueued: nextEnqueued && continued };
      }
      // Renewed just before sending: an attempt stalled past its lease stops here instead of sending
      // what the attempt that took the page over sends too.
      if (!(await holdPage(fanoutId, page, claim.leaseOwner, { progress, results }))) return { outcome: "busy", nextEnqueued };
      results = add(results, await chunk.deliver());
      chunksSent++;
      progress = chunk.last ?? progress;
      if (!(await holdPage(fanoutId, page, claim.leaseOwner, { progress, results }))) return { outcome: "busy", nextEnqueued };
    }
  }
  await finishPage(fanoutId, page, results);
  return { outcome: "done", nextEnqueued };
}

/**
 * Marks the page done and adds its results to the fan-out's totals (once: only the attempt that finishes
 * it); the page that brings pagesDone to the number of pages completes the fan-out.
 */
async function finishPage(fanoutId: string, page: number, results: FanoutPageResults): Promise<void> {
  const { FieldValue } = firestoreValues();
  await runTransaction(async (tx) => {
    const pageRef = fanoutPageRef(fanoutId, page);
    const [snap, fanout] = await tx.getAll(pageRef, fanoutRef(fanoutId));
    if (snap?.get("status") === "done") return;
    const pages = fanout?.get("pages") as number | null;
    const complete = pages !== null && (fanout?.get("pagesDone") as number) + 1 === pages;
    tx.update(pageRef, { status: "done", results, doneAt: FieldValue.serverTimestamp() });
    const totals = Object.fromEntries(Object.entries(results).map(([key, value]) => [`totals.${key}`, FieldValue.increment(value)]));
    tx.update(fanoutRef(fanoutId), {
      ...totals,
      pagesDone: FieldValue.increment(1),
      updatedAt: FieldValue.serverTimestamp(),
      ...(complete ? { status: "done", completedAt: FieldValue.serverTimestamp() } : {}),
    });
  });
}

/** A running fan-out that has not moved for this long has lost a task (failed enqueue, retries exhausted). */
export const FANOUT_STALL_MS = 10 * 60_000;

/**
 * Safety net: re-enqueues the unfinished pages of fan-outs that have not moved for FANOUT_STALL_MS.
 * The re-enqueued tasks are unnamed (a lost task's name may still be taken); the page claim makes a
 * duplicate harmless.
 */
export async function sweepStalledFanouts(nowMs: number): Promise<{ stalled: number; requeued: number }> {
  const running = await db().collection(Collections.notificationFanouts).where("status", "==", "running").get();
  let stalled = 0;
  let requeued = 0;
  for (const fanout of running.docs) {
    const updatedMs = fanout.get("updatedAt")?.toMillis?.() ?? 0;
    if (nowMs - updatedMs < FANOUT_STALL_MS) continue;
    stalled++;
    const pages = await fanout.ref.collection(Collections.fanoutPages).where("status", "in", ["pending", "claimed"]).get();
    for (const page of pages.docs) if (await enqueuePage(fanout.id, page.get("page") as number, false)) requeued++;
    await fanout.ref.update({ updatedAt: firestoreValues().Timestamp.fromMillis(nowMs) });
  }
  return { stalled, requeued };
}
