/** Where moderation keeps its records (see kernel/collections.ts for each collection's shape). */
import type { DocumentReference } from "firebase-admin/firestore";
import { db } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";

export const itemRef = (itemId: string): DocumentReference => db().collection(Collections.moderationItems).doc(itemId);
export const sanctionRef = (sanctionId: string): DocumentReference => db().collection(Collections.sanctions).doc(sanctionId);
export const newSanctionRef = (): DocumentReference => db().collection(Collections.sanctions).doc();
/** One appeal per sanction: the appeal's id is the sanction's. */
export const appealRef = (sanctionId: string): DocumentReference => db().collection(Collections.appeals).doc(sanctionId);
export const subjectRef = (uid: string): DocumentReference => db().collection(Collections.moderationSubjects).doc(uid);
export const chatOffenderRef = (uid: string): DocumentReference => db().collection(Collections.moderationChatOffenders).doc(uid);
export const moderatorDayRef = (day: string, moderatorUid: string): DocumentReference =>
  db().collection(Collections.moderationDays).doc(`${day}__${moderatorUid}`);

export const reportItemId = (reportId: string) => `report__${reportId}`;
/** A review entry may be closed and reopened under the same id: each opening is its own item. */
export const flagItemId = (reviewId: string, openedAtMs: number) => `flag__${reviewId}__${openedAtMs}`;
export const chatFilterItemId = (uid: string, messageId: string) => `chat-filter__${uid}__${messageId}`;
