/** How direct messages are reached by the apps. */
import { defineCallable } from "../kernel/callable.js";
import { answerRequest, markRead, muteConversation as mute, sendMessage as send } from "./conversations.js";
import { listConversations as readConversations, listMessages as readMessages } from "./lists.js";
import {
  ConversationRequestSchema,
  ListConversationsRequestSchema,
  ListMessagesRequestSchema,
  MuteConversationRequestSchema,
  SendMessageRequestSchema,
} from "./schema.js";

export const sendMessage = defineCallable({
  name: "messages.send",
  input: SendMessageRequestSchema,
  rateLimit: { perUid: { tokens: 60, windowSeconds: 60 } },
  handler: ({ caller, data }) => send(caller, data),
});

export const listConversations = defineCallable({
  name: "messages.listConversations",
  input: ListConversationsRequestSchema,
  handler: ({ caller, data }) => readConversations(caller, data),
});

export const listMessages = defineCallable({
  name: "messages.list",
  input: ListMessagesRequestSchema,
  handler: ({ caller, data }) => readMessages(caller, data),
});

export const markConversationRead = defineCallable({
  name: "messages.markRead",
  input: ConversationRequestSchema,
  handler: ({ caller, data }) => markRead(caller, data),
});

export const acceptMessageRequest = defineCallable({
  name: "messages.acceptRequest",
  input: ConversationRequestSchema,
  handler: ({ caller, data }) => answerRequest(caller, data, true),
});

export const declineMessageRequest = defineCallable({
  name: "messages.declineRequest",
  input: ConversationRequestSchema,
  handler: ({ caller, data }) => answerRequest(caller, data, false),
});

export const muteConversation = defineCallable({
  name: "messages.mute",
  input: MuteConversationRequestSchema,
  handler: ({ caller, data }) => mute(caller, data),
});
