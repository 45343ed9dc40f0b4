/**
 * Chat settings (config/chat, admin-managed): the operator's own banned and allowed words on top of the
 * maintained English list (obscenity), how many messages stay live, and the auto-mute policy.
 */
import * as z from "zod";
import { configDocument } from "../kernel/config-document.js";

/** Letters, digits, spaces, apostrophes and hyphens: plain words, nothing the pattern syntax would read. */
const WordSchema = z
  .string()
  .trim()
  .min(2)
  .max(40)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} '-]*$/u, "a word or phrase of letters, digits, spaces, ' and -");

export const ChatConfigSchema = z
  .object({
    /** Extra banned words or phrases, matched as whole words (case-insensitive, with the usual look-alike folding). */
    bannedWords: z.array(WordSchema).max(2_000).default([]),
    /** Terms that must never be flagged although they contain a banned word (e.g. place names). */
    allowedWords: z.array(WordSchema).max(2_000).default([]),
    /** Messages kept live per venue; older ones are removed from RTDB (all are archived in Firestore). */
    liveMessages: z.number().int().min(10).max(1_000).default(100),
    autoMute: z
      .object({
        /** Flagged messages (banned words or repeats) within the window that trigger a mute. */
        flaggedMessages: z.number().int().min(2).max(100).default(3),
        windowSeconds: z.number().int().min(10).max(86_400).default(120),
        muteSeconds: z
          .number()
          .int()
          .min(10)
          .max(30 * 86_400)
          .default(600),
      })
      .strict()
      .default({ flaggedMessages: 3, windowSeconds: 120, muteSeconds: 600 }),
  })
  .strict();
export type ChatConfig = z.infer<typeof ChatConfigSchema>;

const chat = configDocument("chat", ChatConfigSchema);

export const chatConfig = (): Promise<ChatConfig> => chat.get();
