/**
 * Sending and reading direct messages. A send is one transaction that reads the conversation, the block
 * documents both ways and both participants' threads, then writes the message, both previews and the
 * recipient's unread counts (thread and inbox total) together: the counts are exact under concurrent
 * sends and reads, and a block that races a send either stops it or comes after it.
 */
import type { Transaction } from "firebase-admin/firestore";
import { chatConfig } from "../chat/config.js";
import { moderateText } from "../chat/profanity.js";
import { firestoreValues } from "../kernel/app.js";
import { userRef } from "../kernel/collections.js";
import { refuse } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { runIdempotent } from "../kernel/idempotency.js";
import { runTransaction } from "../kernel/transactions.js";
import { attachMedia, readAttachableMedia } from "../media/uploads/attachments.js";
import { displayNameOf, notifyAfterCommit } from "../notifications/after-commit.js";
import { privacyOf } from "../social/profile.js";
import { followerRef, isBlockedPair } from "../social/store.js";
import { messagesConfig } from "./config.js";
import type {
  ChangedResponse,
  ConversationRecord,
  ConversationRequest,
  ConversationState,
  MarkReadResponse,
  MessageKind,
  MessageRefusal,
  MuteConversationRequest,
  SendMessageResponse,
  ThreadRecord,
} from "./schema.js";
import { conversationIdOf, conversationRef, inboxRef, MESSAGE_TX_ATTEMPTS, messagesOf, threadRef } from "./store.js";

export interface OutgoingMessage {
  senderUid: string;
  toUid: string;
  text: string;
  mediaId: string | null;
  storyId: string | null;
}

/**
 * Whether the recipient's privacy.messages (their profile's privacy settings) lets `sender` write without a
 * request. Read only for a conversation not yet open, and outside the transaction: the profile takes
 * counter writes (followers) and sends must not lock it; a setting changed at that instant applies from
 * the next message. The follow edges are read in `tx`.
 */
async function mayMessageDirectly(tx: Transaction, sender: string, recipient: string): Promise<boolean> {
  const setting = privacyOf((await userRef(recipient).get()).data()).messages;
  if (setting === "everyone") return true;
  if (setting === "nobody") return false;
  const [senderFollows, recipientFollows] = await tx.getAll(followerRef(recipient, sender), followerRef(sender, recipient));
  if (setting === "followers") return Boolean(senderFollows?.exists);
  return Boolean(senderFollows?.exists && recipientFollows?.exists);
}

/** The state the conversation takes with this message from `sender`; refuses when it may not be sent. */
async function nextState(
  tx: Transaction,
  conversation: ConversationRecord | undefined,
  sender: string,
  recipient: string,
  requestLimit: number,
): Promise<{ state: ConversationState; requesterUid: string | null; requestMessages: number }> {
  if (conversation?.state === "open")
    return { state: "open", requesterUid: conversation.requesterUid, requestMessages: conversation.requestMessages };
  const requester = conversation?.requesterUid ?? null;
  // The recipient of a request answering it accepts it.
  if (conversation && requester !== sender) return { state: "open", requesterUid: requester, requestMessages: conversation.requestMessages };
  if (conversation?.state === "declined") refuse<MessageRefusal>("permission-denied", "request-declined", "This user declined your message request.");
  if (await mayMessageDirectly(tx, sender, recipient))
    return { state: "open", requesterUid: requester, requestMessages: conversation?.requestMessages ?? 0 };
  const sent = conversation?.requestMessages ?? 0;
  if (sent >= requestLimit) {
    refuse<MessageRefusal>("resource-exhausted", "request-limit-reached", `Until your request is accepted you may send ${requestLimit} messages.`, {
      limit: requestLimit,
    });
  }
  return { state: "request", requesterUid: sender, requestMessages: sent + 1 };
}

/**
 * Appends one message inside `tx` (reads first, then writes). Used by sendMessage and by story replies.
 * Returns what the caller needs to notify after the commit.
 */
export async function appendMessage(
  tx: Transaction,
  message: OutgoingMessage,
  config: { requestMessageLimit: number; previewLength: number },
): Promise<SendMessageResponse & { notifyRecipient: boolean }> {
  const { senderUid: sender, toUid: recipient } = message;
  if (sender === recipient) refuse<MessageRefusal>("failed-precondition", "own-conversation", "You cannot message yourself.");
  const conversationId = conversationIdOf(sender, recipient);
  const [conversationSnap, senderThread, recipientThread] = await tx.getAll(
    conversationRef(conversationId),
    threadRef(sender, conversationId),
    threadRef(recipient, conversationId),
  );
  if (await isBlockedPair(sender, recipient, tx)) refuse<MessageRefusal>("permission-denied", "blocked", "You cannot message this user.");
  const conversation = conversationSnap?.data() as ConversationRecord | undefined;
  const next = await nextState(tx, conversation, sender, recipient, config.requestMessageLimit);
  const media = await readAttachableMedia(tx, sender, message.mediaId ? [message.mediaId] : []);

  const { FieldValue } = firestoreValues();
  const now = FieldValue.serverTimestamp();
  const messageRef = messagesOf(conversationId).doc();
  attachMedia(tx, media, messageRef.path);
  const kind: MessageKind = media[0]?.kind === "video" ? "video" : media[0] ? "image" : "text";
  tx.create(messageRef, { senderUid: sender, kind, text: message.text, mediaId: message.mediaId, storyId: message.storyId, createdAt: now });
  const participants = [sender, recipient].sort();
  tx.set(
    conversationRef(conversationId),
    {
      participants,
      state: next.state,
      requesterUid: next.requesterUid,
      requestMessages: next.requestMessages,
      lastMessageAt: now,
      // The sender has read everything up to their own message.
      lastReadAt: { [sender]: now },
      ...(conversation ? {} : { createdAt: now }),
    },
    { merge: true },
  );
  const preview = { senderUid: sender, kind, text: message.text.slice(0, config.previewLength) };
  const thread = (otherUid: string, folder: string) => ({ conversationId, otherUid, folder, preview, lastMessageAt: now });
  tx.set(threadRef(sender, conversationId), {
    ...thread(recipient, "primary"),
    unread: senderThread?.get("unread") ?? 0,
    muted: senderThread?.get("muted") ?? false,
  });
  const recipientFolder = next.state === "open" ? "primary" : "requests";
  tx.set(threadRef(recipient, conversationId), {
    ...thread(sender, recipientFolder),
    unread: ((recipientThread?.get("unread") as number | undefined) ?? 0) + 1,
    muted: recipientThread?.get("muted") ?? false,
  });
  tx.set(inboxRef(recipient), { unreadTotal: FieldValue.increment(1) }, { merge: true });
  return {
    conversationId,
    messageId: messageRef.id,
    state: next.state,
    notifyRecipient: recipientThread?.get("muted") !== true,
  };
}

/** A dm-message notice, collapsed per conversation on the device; none for a muted conversation. */
export async function notifyMessage(
  senderUid: string,
  recipientUid: string,
  sent: { conversationId: string; messageId: string; notifyRecipient: boolean },
  text: string,
): Promise<void> {
  if (!sent.notifyRecipient) return;
  await notifyAfterCommit(async () => ({
    recipient: recipientUid,
    type: "dm-message",
    data: { conversationId: sent.conversationId, messageId: sent.messageId, senderName: await displayNameOf(senderUid), preview: text.slice(0, 100) },
    dedupeKey: `dm:${sent.messageId}`,
    actorUid: senderUid,
  }));
}

/** Masks banned words; refuses text that cannot be shown at all, or that is too long. */
export async function moderatedMessageText(text: string, maxLength: number): Promise<string> {
  if (text.length > maxLength) refuse<MessageRefusal>("invalid-argument", "text-too-long", `Messages are at most ${maxLength} characters.`);
  if (!text) return text;
  const moderation = moderateText(text, await chatConfig());
  if (moderation.verdict === "removed" || moderation.shownText === null)
    refuse<MessageRefusal>("invalid-argument", "text-not-allowed", "This message is not allowed.");
  return moderation.shownText;
}

export async function sendMessage(
  caller: Caller,
  request: { toUid: string; text: string; mediaId?: string | undefined; requestId: string },
): Promise<SendMessageResponse> {
  if (!request.text && !request.mediaId) refuse<MessageRefusal>("invalid-argument", "empty-message", "A message needs text or media.");
  // Outside the transaction: a popular user's profile takes many counter writes, and sends must not lock it.
  const recipient = await userRef(request.toUid).get();
  if (!recipient.exists || recipient.get("deleted") === true) refuse<MessageRefusal>("not-found", "recipient-not-found", "No such user.");
  const config = await messagesConfig();
  const text = await moderatedMessageText(request.text, config.maxTextLength);
  const outgoing: OutgoingMessage = { senderUid: caller.uid, toUid: request.toUid, text, mediaId: request.mediaId ?? null, storyId: null };
  const { result } = await runIdempotent(
    { scope: "messages.send", key: request.requestId, owner: caller.uid, payload: request },
    (tx) => appendMessage(tx, outgoing, config),
    {
      maxAttempts: MESSAGE_TX_ATTEMPTS,
    },
  );
  await notifyMessage(caller.uid, request.toUid, result, text);
  return { conversationId: result.conversationId, messageId: result.messageId, state: result.state };
}

/** The other participant of a conversation the caller is part of; refuses otherwise (ids reveal nothing). */
export function otherParticipant(caller: Caller, conversation: ConversationRecord | undefined): string {
  const participants: string[] = conversation?.participants ?? [];
  if (!participants.includes(caller.uid)) refuse<MessageRefusal>("not-found", "conversation-not-found", "No such conversation.");
  return participants.find((uid) => uid !== caller.uid) as string;
}

/** Clears the caller's unread count of a conversation and records the read receipt. */
export async function markRead(caller: Caller, { conversationId }: ConversationRequest): Promise<MarkReadResponse> {
  const { FieldValue } = firestoreValues();
  return runTransaction(
    async (tx) => {
      const [conversationSnap, thread] = await tx.getAll(conversationRef(conversationId), threadRef(caller.uid, conversationId));
      const other = otherParticipant(caller, conversationSnap?.data() as ConversationRecord | undefined);
      if (await isBlockedPair(caller.uid, other, tx)) refuse<MessageRefusal>("not-found", "conversation-not-found", "No such conversation.");
      const unread = (thread?.get("unread") as number | undefined) ?? 0;
      tx.update(conversationRef(conversationId), { [`lastReadAt.${caller.uid}`]: FieldValue.serverTimestamp() });
      if (unread > 0) {
        tx.update(threadRef(caller.uid, conversationId), { unread: 0 });
        tx.set(inboxRef(caller.uid), { unreadTotal: FieldValue.increment(-unread) }, { merge: true });
      }
      return { cleared: unread };
    },
    { maxAttempts: MESSAGE_TX_ATTEMPTS },
  );
}

/** Accepts (moves to the primary list, lets both write) or declines a pending request sent to the caller. */
export async function answerRequest(caller: Caller, { conversationId }: ConversationRequest, accept: boolean): Promise<ChangedResponse> {
  return runTransaction(async (tx) => {
    const [conversationSnap, thread] = await tx.getAll(conversationRef(conversationId), threadRef(caller.uid, conversationId));
    const conversation = conversationSnap?.data() as ConversationRecord | undefined;
    otherParticipant(caller, conversation);
    if (conversation?.state !== "request" || conversation.requesterUid === caller.uid) {
      return refuse<MessageRefusal>("failed-precondition", "no-pending-request", "There is no message request to answer.");
    }
    tx.update(conversationRef(conversationId), { state: accept ? "open" : "declined" });
    if (accept && thread?.exists) tx.update(threadRef(caller.uid, conversationId), { folder: "primary" });
    return { changed: true };
  });
}

export async function muteConversation(caller: Caller, { conversationId, muted }: MuteConversationRequest): Promise<ChangedResponse> {
  return runTransaction(async (tx) => {
    const [conversationSnap, thread] = await tx.getAll(conversationRef(conversationId), threadRef(caller.uid, conversationId));
    otherParticipant(caller, conversationSnap?.data() as ConversationRecord | undefined);
    if (!thread?.exists || thread.get("muted") === muted) return { changed: false };
    tx.update(thread.ref, { muted } satisfies Partial<ThreadRecord>);
    return { changed: true };
  });
}
