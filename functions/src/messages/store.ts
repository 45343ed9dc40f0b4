/** Where direct messages live: conversation ids and document references. */
import type { DocumentReference } from "firebase-admin/firestore";
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";

/** One conversation per pair of users: the two uids sorted and joined, whoever writes first. */
export function conversationIdOf(a: string, b: string): string {
  return [a, b].sort().join("__");
}

export const conversationRef = (conversationId: string): DocumentReference => db().collection(Collections.conversations).doc(conversationId);
export const messagesOf = (conversationId: string) => conversationRef(conversationId).collection(Collections.conversationMessages);
export const inboxRef = (uid: string): DocumentReference => db().collection(Collections.messageInboxes).doc(uid);
export const threadRef = (uid: string, conversationId: string): DocumentReference =>
  inboxRef(uid).collection(Collections.messageThreads).doc(conversationId);

/** Concurrent sends to one recipient contend on their inbox document: retry generously. */
export const MESSAGE_TX_ATTEMPTS = 30;
