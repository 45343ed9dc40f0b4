/**
 * System announcements: an admin's title and body, recorded once per request (announcements/{id}, audited
 * in the same transaction) and fanned out to every user in its audience as a `system-announcement`
 * notification (fanout.ts pages through users; notify() gives each an inbox entry and the pushes their
 * preferences allow). No topic broadcast: it would reach the same devices a second time.
 */
import { createHash } from "node:crypto";
import { db, firestoreValues } from "../kernel/app.js";
import { recordAudit } from "../kernel/audit.js";
import { Collections } from "../kernel/collections.js";
import { refuse } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { runTransaction } from "../kernel/transactions.js";
import { createFanout, enqueueFirstPage, type FanoutAudience, fanoutRef } from "./fanout.js";
import type {
  AnnouncementProgress,
  GetAnnouncementRequest,
  NotificationRefusal,
  SendAnnouncementRequest,
  SendAnnouncementResponse,
} from "./schema.js";

const announcementRef = (id: string) => db().collection(Collections.announcements).doc(id);
export const announcementFanoutId = (id: string) => `announcement-${id}`;

/** One announcement per admin and requestId: a resent request finds it. */
const announcementIdFor = (uid: string, requestId: string) => createHash("sha256").update(`${uid}\n${requestId}`).digest("hex").slice(0, 32);

export async function sendAnnouncement(caller: Caller, request: SendAnnouncementRequest): Promise<SendAnnouncementResponse> {
  const id = announcementIdFor(caller.uid, request.requestId);
  const countries = request.countries ?? (request.country ? [request.country] : null);
  const audience: FanoutAudience = { kind: "users", countries, roles: request.roles ?? null, language: request.language ?? null };
  const created = await runTransaction(async (tx) => {
    if ((await tx.get(announcementRef(id))).exists) return false;
    const { FieldValue } = firestoreValues();
    const { kind: _kind, ...filters } = audience;
    tx.create(announcementRef(id), {
      title: request.title,
      body: request.body,
      ...filters,
      createdBy: caller.uid,
      requestId: request.requestId,
      createdAt: FieldValue.serverTimestamp(),
    });
    createFanout(tx, announcementFanoutId(id), {
      type: "system-announcement",
      data: { headline: request.title, message: request.body, announcementId: id },
      audience,
      announcementId: id,
    });
    recordAudit(tx, {
      action: "notifications.announcement.send",
      actorUid: caller.uid,
      targetUid: null,
      requestId: request.requestId,
      details: { announcementId: id, title: request.title, body: request.body, ...filters },
    });
    return true;
  });
  // Also on a resent request: the named first page is never enqueued twice, and a lost one is enqueued now.
  await enqueueFirstPage(announcementFanoutId(id));
  return { announcementId: id, created };
}

const isoOf = (value: unknown): string | null => (value as { toDate?: () => Date } | undefined)?.toDate?.().toISOString() ?? null;

export async function getAnnouncement(request: GetAnnouncementRequest): Promise<AnnouncementProgress> {
  const [announcement, fanout] = await db().getAll(announcementRef(request.id), fanoutRef(announcementFanoutId(request.id)));
  if (!announcement?.exists || !fanout?.exists) refuse<NotificationRefusal>("not-found", "announcement-not-found", "No such announcement.");
  return {
    id: announcement.id,
    title: announcement.get("title"),
    body: announcement.get("body"),
    countries: announcement.get("countries") ?? null,
    roles: announcement.get("roles") ?? null,
    language: announcement.get("language") ?? null,
    createdBy: announcement.get("createdBy"),
    createdAt: isoOf(announcement.get("createdAt")),
    status: fanout.get("status"),
    pagesDone: fanout.get("pagesDone"),
    pages: fanout.get("pages") ?? null,
    usersScanned: fanout.get("totals.followers") ?? 0,
    usersReached: fanout.get("totals.reached") ?? 0,
    completedAt: isoOf(fanout.get("completedAt")),
  };
}
