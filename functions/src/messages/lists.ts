/** The caller's conversation list (newest first, cursor pages) and a conversation's messages. */
import type { Query, Timestamp } from "firebase-admin/firestore";
import { firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { decodeTimeCursor, encodeTimeCursor } from "../kernel/cursor.js";
import { refuse } from "../kernel/errors.js";
import { millisOf } from "../kernel/fields.js";
import type { Caller } from "../kernel/guards.js";
import { blockedAmong, isBlockedPair } from "../social/store.js";
import { otherParticipant } from "./conversations.js";
import type {
  ConversationRecord,
  ListConversationsRequest,
  ListConversationsResponse,
  ListMessagesRequest,
  ListMessagesResponse,
  MessageRecord,
  MessageRefusal,
  ThreadRecord,
} from "./schema.js";
import { conversationRef, inboxRef, messagesOf } from "./store.js";

const iso = (value: unknown): string | null => {
  const ms = millisOf(value);
  return ms === null ? null : new Date(ms).toISOString();
};

function paged(query: Query, cursor: string | null | undefined): Query {
  if (!cursor) return query;
  const { Timestamp: Ts } = firestoreValues();
  const decoded = decodeTimeCursor(cursor);
  return query.startAfter(new Ts(decoded.t[0], decoded.t[1]), decoded.id);
}

/**
 * Index: threads (folder ASC, lastMessageAt DESC, __name__ DESC). Conversations with someone in a block
 * with the caller, either way, are left out while the block stands (they come back when it is lifted).
 */
export async function listConversations(caller: Caller, request: ListConversationsRequest): Promise<ListConversationsResponse> {
  const { FieldPath } = firestoreValues();
  const inbox = inboxRef(caller.uid);
  const query = inbox
    .collection(Collections.messageThreads)
    .where("folder", "==", request.folder)
    .orderBy("lastMessageAt", "desc")
    .orderBy(FieldPath.documentId(), "desc")
    .limit(request.limit);
  const [page, inboxSnap] = await Promise.all([paged(query, request.cursor).get(), inbox.get()]);
  const threads = page.docs.map((doc) => doc.data() as ThreadRecord);
  const blocked = await blockedAmong(
    caller.uid,
    threads.map((t) => t.otherUid),
  );
  const last = page.docs.at(-1);
  return {
    items: threads
      .filter((t) => !blocked.has(t.otherUid))
      .map((t) => ({
        conversationId: t.conversationId,
        otherUid: t.otherUid,
        folder: t.folder,
        unread: t.unread,
        muted: t.muted,
        preview: t.preview,
        lastMessageAt: iso(t.lastMessageAt),
      })),
    unreadTotal: (inboxSnap.get("unreadTotal") as number | undefined) ?? 0,
    nextCursor: page.size === request.limit && last ? encodeTimeCursor(last.get("lastMessageAt") as Timestamp, last.id) : null,
  };
}

/** Newest first. A conversation in a block answers like a missing one. */
export async function listMessages(caller: Caller, request: ListMessagesRequest): Promise<ListMessagesResponse> {
  const conversation = (await conversationRef(request.conversationId).get()).data() as ConversationRecord | undefined;
  const other = otherParticipant(caller, conversation);
  if (!conversation || (await isBlockedPair(caller.uid, other))) {
    return refuse<MessageRefusal>("not-found", "conversation-not-found", "No such conversation.");
  }
  const { FieldPath } = firestoreValues();
  const query = messagesOf(request.conversationId).orderBy("createdAt", "desc").orderBy(FieldPath.documentId(), "desc").limit(request.limit);
  const page = await paged(query, request.cursor).get();
  const last = page.docs.at(-1);
  return {
    items: page.docs.map((doc) => {
      const m = doc.data() as MessageRecord;
      return {
        messageId: doc.id,
        senderUid: m.senderUid,
        kind: m.kind,
        text: m.text,
        mediaId: m.mediaId,
        storyId: m.storyId,
        createdAt: iso(m.createdAt),
      };
    }),
    state: conversation.state,
    lastReadAt: Object.fromEntries(conversation.participants.map((uid) => [uid, iso(conversation.lastReadAt?.[uid])])),
    nextCursor: page.size === request.limit && last ? encodeTimeCursor(last.get("createdAt") as Timestamp, last.id) : null,
  };
}
