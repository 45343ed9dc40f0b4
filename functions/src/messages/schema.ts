/**
 * The direct messages contract. Where messages live:
 *   conversations/{a__b}                   ConversationRecord: the two uids sorted and joined; participants read
 *   conversations/{a__b}/messages/{id}     MessageRecord; participants read
 *   messageInboxes/{uid}                   InboxRecord: total unread; the owner reads
 *   messageInboxes/{uid}/threads/{a__b}    ThreadRecord: the owner's view of one conversation (unread, preview)
 * Clients write none of these: every change goes through the callables. "Who may message me" is the
 * recipient's users/{uid}.privacy.messages (social/schema.ts MESSAGE_PRIVACY, set with updateProfile).
 */
import * as z from "zod";
import { RequestIdSchema } from "../kernel/idempotency.js";
import { CursorSchema, KeySafeUidSchema, keySafeId } from "../kernel/validation.js";

/** details.reason of the messages callables' refusals. */
export const MessageRefusalSchema = z.enum([
  "blocked",
  "conversation-not-found",
  "empty-message",
  "media-in-use",
  "media-not-found",
  "media-not-ready",
  "no-pending-request",
  "own-conversation",
  "recipient-not-found",
  "request-declined",
  "request-limit-reached",
  "text-not-allowed",
  "text-too-long",
]);
export type MessageRefusal = z.infer<typeof MessageRefusalSchema>;

export const MAX_MESSAGE_CEILING = 4_000;

const MediaIdSchema = keySafeId({ max: 128, label: "mediaId" });
export const ConversationIdSchema = keySafeId({ max: 300, label: "conversationId" });

export const SendMessageRequestSchema = z
  .object({
    toUid: KeySafeUidSchema,
    text: z.string().trim().max(MAX_MESSAGE_CEILING).default(""),
    mediaId: MediaIdSchema.optional(),
    requestId: RequestIdSchema,
  })
  .strict();
export type SendMessageRequest = z.output<typeof SendMessageRequestSchema>;

export const ConversationRequestSchema = z.object({ conversationId: ConversationIdSchema }).strict();
export type ConversationRequest = z.output<typeof ConversationRequestSchema>;

export const MuteConversationRequestSchema = z.object({ conversationId: ConversationIdSchema, muted: z.boolean() }).strict();
export type MuteConversationRequest = z.output<typeof MuteConversationRequestSchema>;

export const FOLDERS = ["primary", "requests"] as const;
export type Folder = (typeof FOLDERS)[number];

export const ListConversationsRequestSchema = z
  .object({ folder: z.enum(FOLDERS).default("primary"), limit: z.number().int().min(1).max(50).default(20), cursor: CursorSchema.nullish() })
  .strict();
export type ListConversationsRequest = z.output<typeof ListConversationsRequestSchema>;

export const ListMessagesRequestSchema = z
  .object({ conversationId: ConversationIdSchema, limit: z.number().int().min(1).max(100).default(50), cursor: CursorSchema.nullish() })
  .strict();
export type ListMessagesRequest = z.output<typeof ListMessagesRequestSchema>;

/**
 * "open": both may write. "request": the recipient has not accepted yet; the requester may send up to
 * config/messages.requestMessageLimit messages. "declined": the requester may send no more.
 */
export type ConversationState = "open" | "request" | "declined";
export type MessageKind = "text" | "image" | "video";

/** conversations/{a__b}. */
export interface ConversationRecord {
  participants: [string, string];
  state: ConversationState;
  /** Who opened the request (state request/declined); null once open from the start. */
  requesterUid: string | null;
  requestMessages: number;
  /** Read receipts: uid → when that participant last read the conversation. */
  lastReadAt: Record<string, FirebaseFirestore.Timestamp>;
  lastMessageAt: FirebaseFirestore.Timestamp;
  createdAt: FirebaseFirestore.Timestamp;
}

/** conversations/{a__b}/messages/{id}. */
export interface MessageRecord {
  senderUid: string;
  kind: MessageKind;
  /** As shown: banned words masked. */
  text: string;
  mediaId: string | null;
  /** Set when the message is a reply to a story. */
  storyId: string | null;
  createdAt: FirebaseFirestore.Timestamp;
}

export interface MessagePreview {
  senderUid: string;
  kind: MessageKind;
  text: string;
}

/** messageInboxes/{uid}/threads/{conversationId}. */
export interface ThreadRecord {
  conversationId: string;
  otherUid: string;
  folder: Folder;
  unread: number;
  muted: boolean;
  preview: MessagePreview;
  lastMessageAt: FirebaseFirestore.Timestamp;
}

/** messageInboxes/{uid}. unreadTotal is the sum of the threads' unread, kept in the same transactions. */
export interface InboxRecord {
  unreadTotal: number;
}

export interface SendMessageResponse {
  conversationId: string;
  messageId: string;
  /** "request" when the recipient has yet to accept. */
  state: ConversationState;
}

export interface ConversationView {
  conversationId: string;
  otherUid: string;
  folder: Folder;
  unread: number;
  muted: boolean;
  preview: MessagePreview;
  lastMessageAt: string | null;
}

export interface ListConversationsResponse {
  items: ConversationView[];
  unreadTotal: number;
  /** A page may be shorter than limit (conversations hidden by a block). */
  nextCursor: string | null;
}

export interface MessageView {
  messageId: string;
  senderUid: string;
  kind: MessageKind;
  text: string;
  mediaId: string | null;
  storyId: string | null;
  createdAt: string | null;
}

export interface ListMessagesResponse {
  items: MessageView[];
  state: ConversationState;
  /** Read receipts: uid → ISO time. */
  lastReadAt: Record<string, string | null>;
  nextCursor: string | null;
}

export interface MarkReadResponse {
  /** How many unread messages this cleared (taken off messageInboxes/{uid}.unreadTotal). */
  cleared: number;
}

export interface ChangedResponse {
  changed: boolean;
}
