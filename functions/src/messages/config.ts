/** Direct messages settings (config/messages, admin-managed), with defaults for every field. */
import * as z from "zod";
import { configDocument } from "../kernel/config-document.js";
import { MAX_MESSAGE_CEILING } from "./schema.js";

export const MessagesConfigSchema = z
  .object({
    maxTextLength: z.number().int().min(1).max(MAX_MESSAGE_CEILING).default(2_000),
    /** Messages a sender may send before the recipient accepts their message request. */
    requestMessageLimit: z.number().int().min(1).max(20).default(3),
    /** Characters of the last message kept in the conversation list. */
    previewLength: z.number().int().min(10).max(500).default(100),
  })
  .strict();
export type MessagesConfig = z.infer<typeof MessagesConfigSchema>;

const messages = configDocument("messages", MessagesConfigSchema);

export const messagesConfig = (): Promise<MessagesConfig> => messages.get();
