/** Where notifications live: the inbox, the preferences, the aggregation windows. */
import { db } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";

export { outboxRef } from "./notify.js";

export const outboxCollection = () => db().collection(Collections.notificationOutbox);
export const inboxCollection = (uid: string) => userRef(uid).collection(Collections.notifications);
export const inboxRef = (uid: string, id: string) => inboxCollection(uid).doc(id);
export const preferencesRef = (uid: string) => userRef(uid).collection(Collections.userPrivate).doc("notificationPrefs");
export const accountRef = (uid: string) => userRef(uid).collection(Collections.userPrivate).doc("account");
