/** Where notifications live: the inbox, the preferences, the aggregation windows. */
import { db } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";

export { outboxRef } from "./notify.js";

export const outboxCollection = () => db().collection(Collections.notificationOutbox);
export const inboxCollection = (uid: string) => userRef(uid).collection(Collections.notifications);
export const inboxRef = (uid: string, id: string) => inboxCollection(uid).doc(id);
export const preferencesRef = (uid: string) => userRef(uid).collection(Collections.userPrivate).doc("notificationPrefs");
export const accountRef = (uid: string) => userRef(uid).collection(Collections.userPrivate).doc("account");
/** notificationWindows/{uid}__{type}: the recipient's open aggregation window of an aggregated type. */
export const windowRef = (uid: string, type: string) => db().collection(Collections.notificationWindows).doc(`${uid}__${type}`);
/** notificationWindowEvents/{outboxId}: one event counted in an aggregation window. */
export const windowEventRef = (outboxId: string) => db().collection(Collections.notificationWindowEvents).doc(outboxId);
export const windowEventsOf = (windowId: string) => db().collection(Collections.notificationWindowEvents).where("windowId", "==", windowId);

/** The exact unread count: an aggregation query, so there is no counter document to drift. */
export async function unreadCount(uid: string): Promise<number> {
  const snapshot = await inboxCollection(uid).where("read", "==", false).count().get();
  return snapshot.data().count;
}
