/** Direct messages test fixtures: calls through the callables, inbox and thread reads. */
import { randomUUID } from "node:crypto";
import { db } from "../../src/kernel/app.js";
import {
  acceptMessageRequest,
  declineMessageRequest,
  listConversations,
  listMessages,
  markConversationRead,
  muteConversation,
  sendMessage,
} from "../../src/messages/callables.js";
import type { ListConversationsResponse, ListMessagesResponse, MarkReadResponse, SendMessageResponse } from "../../src/messages/schema.js";
import { updateProfile } from "../../src/social/callables.js";
import type { SocialUser } from "../social/support.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";

export { block, follow, makeMedia, makeUsers, type SocialUser, useCleanPostsStack as useCleanMessagesStack } from "../posts/support.js";

export const send = (user: SocialUser, toUid: string, data: Record<string, unknown> = { text: "hi" }) =>
  callInProcess(sendMessage, { user, data: { toUid, requestId: randomUUID(), ...data } }) as Promise<SendMessageResponse>;
export const conversations = (user: SocialUser, data: Record<string, unknown> = {}) =>
  callInProcess(listConversations, { user, data }) as Promise<ListConversationsResponse>;
export const messages = (user: SocialUser, conversationId: string, data: Record<string, unknown> = {}) =>
  callInProcess(listMessages, { user, data: { conversationId, ...data } }) as Promise<ListMessagesResponse>;
export const markRead = (user: SocialUser, conversationId: string) =>
  callInProcess(markConversationRead, { user, data: { conversationId } }) as Promise<MarkReadResponse>;
export const accept = (user: SocialUser, conversationId: string) => callInProcess(acceptMessageRequest, { user, data: { conversationId } });
export const decline = (user: SocialUser, conversationId: string) => callInProcess(declineMessageRequest, { user, data: { conversationId } });
export const mute = (user: SocialUser, conversationId: string, muted = true) =>
  callInProcess(muteConversation, { user, data: { conversationId, muted } });
/** "Who may message me" is the profile's privacy.messages, set through the one privacy settings callable. */
export const setWhoMayMessage = (user: SocialUser, messages: string) => callInProcess(updateProfile, { user, data: { privacy: { messages } } });

export async function reasonOf(promise: Promise<unknown>, code: Parameters<typeof expectHttpsError>[1]): Promise<unknown> {
  return ((await expectHttpsError(promise, code)).details as { reason?: string } | undefined)?.reason;
}

export const conversationIdOf = (a: SocialUser, b: SocialUser) => [a.uid, b.uid].sort().join("__");

/** The inbox's maintained total and the sum of its threads' unread counts. */
export async function unreadState(uid: string): Promise<{ total: number; sum: number; byThread: Record<string, number> }> {
  const inbox = db().collection("messageInboxes").doc(uid);
  const [snap, threads] = await Promise.all([inbox.get(), inbox.collection("threads").get()]);
  const byThread = Object.fromEntries(threads.docs.map((d) => [d.id, d.get("unread") as number]));
  return { total: (snap.get("unreadTotal") as number | undefined) ?? 0, sum: Object.values(byThread).reduce((a, b) => a + b, 0), byThread };
}
