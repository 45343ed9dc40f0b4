import { Collections } from "../kernel/collections.js";
import { pageByTime } from "../kernel/cursor.js";
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

/**
 * Index: threads (folder ASC, lastMessageAt DESC, __name__ DESC). Conversations with someone in a block
 * with the caller, either way, are left out while the block stands (they come back when it is lifted).
 */
export async function listConversations(caller: Caller, request: ListConversationsRequest): Promise<ListConversationsResponse> {
  const inbox = inboxRef(caller.uid);
  const query = inbox.collection(Collections.messageThreads).where("folder", "==", request.folder);
  const [page, inboxSnap] = await Promise.all([pageByTime(query, "lastMessageAt", request), inbox.get()]);
  const threads = page.docs.map((doc) => doc.data() as ThreadRecord);
  const blocked = await blockedAmong(
    caller.uid,
    threads.map((t) => t.otherUid),
  );
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
    nextCursor: page.nextCursor,
  };
}

/** Newest first. A conversation in a block answers like a missing one. */
export async function listMessages(caller: Caller, request: ListMessagesRequest): Promise<ListMessagesResponse> {
  const conversation = (await conversationRef(request.conversationId).get()).data() as ConversationRecord | undefined;
  const other = otherParticipant(caller, conversation);
  if (!conversation || (await isBlockedPair(caller.uid, other))) {
    return refuse<MessageRefusal>("not-found", "conversation-not-found", "No such conversation.");
  }
  const page = await pageByTime(messagesOf(request.conversationId), "createdAt", request);
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
    nextCursor: page.nextCursor,
  };
}
