/**
 * The in-app inbox (users/{uid}/notifications): newest first in cursor pages, read flags, deletion, and
 * the unread count, always counted by an aggregation query so that it is exact.
 */
import type { DocumentSnapshot, Timestamp } from "firebase-admin/firestore";
import { pageByTime } from "../kernel/cursor.js";
import { refuse } from "../kernel/errors.js";
import { runTransaction } from "../kernel/transactions.js";
import type {
  DeleteNotificationRequest,
  InboxChangeResponse,
  InboxItem,
  ListNotificationsRequest,
  ListNotificationsResponse,
  MarkNotificationsReadRequest,
  NotificationData,
  NotificationRefusal,
  NotificationType,
} from "./schema.js";
import { inboxCollection, inboxRef, unreadCount } from "./store.js";

const isoOf = (value: unknown) => (value as Timestamp | undefined)?.toDate?.().toISOString() ?? null;

function inboxItem(doc: DocumentSnapshot): InboxItem {
  return {
    id: doc.id,
    type: doc.get("type") as NotificationType,
    title: (doc.get("title") as string | undefined) ?? "",
    body: (doc.get("body") as string | undefined) ?? "",
    deepLink: (doc.get("deepLink") as string | undefined) ?? "",
    data: (doc.get("data") as NotificationData | undefined) ?? {},
    read: doc.get("read") === true,
    createdAt: isoOf(doc.get("createdAt")),
    actorUid: (doc.get("actorUid") as string | undefined) ?? null,
    count: (doc.get("aggregate.count") as number | undefined) ?? null,
  };
}

export async function listNotifications(uid: string, request: ListNotificationsRequest): Promise<ListNotificationsResponse> {
  const [{ docs, nextCursor }, unread] = await Promise.all([pageByTime(inboxCollection(uid), "createdAt", request), unreadCount(uid)]);
  return { items: docs.map(inboxItem), nextCursor, unreadCount: unread };
}

/** Marks the caller's entries among `ids` read; ids that are not theirs, or already read, change nothing. */
export async function markRead(uid: string, request: MarkNotificationsReadRequest): Promise<InboxChangeResponse> {
  const ids = [...new Set(request.ids)];
  // In a transaction: an entry deleted meanwhile is skipped, and two racing calls do not both count one entry.
  const changed = await runTransaction(async (tx) => {
    const snapshots = await tx.getAll(...ids.map((id) => inboxRef(uid, id)));
    const unread = snapshots.filter((snap) => snap.exists && snap.get("read") === false);
    for (const snap of unread) tx.update(snap.ref, { read: true });
    return unread.length;
  });
  return { changed, unreadCount: await unreadCount(uid) };
}

const MARK_ALL_PAGE = 400;

export async function markAllRead(uid: string): Promise<InboxChangeResponse> {
  let changed = 0;
  for (;;) {
    const marked = await runTransaction(async (tx) => {
      const unread = await tx.get(inboxCollection(uid).where("read", "==", false).limit(MARK_ALL_PAGE));
      for (const doc of unread.docs) tx.update(doc.ref, { read: true });
      return unread.size;
    });
    if (marked === 0) break;
    changed += marked;
  }
  return { changed, unreadCount: await unreadCount(uid) };
}

export async function deleteNotification(uid: string, request: DeleteNotificationRequest): Promise<InboxChangeResponse> {
  const ref = inboxRef(uid, request.id);
  if (!(await ref.get()).exists) refuse<NotificationRefusal>("not-found", "notification-not-found", "No such notification.");
  await ref.delete();
  return { changed: 1, unreadCount: await unreadCount(uid) };
}
