/**
 * The chat domain's API contract: the message clients write to RTDB chat/{venueKey}/{messageId}
 * (checked by database.rules.json, which repeats MAX_CHAT_MESSAGE_LENGTH and CHAT_MIN_INTERVAL_MS),
 * and the moderation callables' requests and responses.
 */
import * as z from "zod";
import { AuthUidSchema, KeySafeIdSchema, KeySafeUidSchema } from "../kernel/validation.js";

/** database.rules.json: chat/$venueKey/$messageId/text. */
export const MAX_CHAT_MESSAGE_LENGTH = 500;
/**
 * database.rules.json: chatRate/$venueKey/$uid = { at: server time, messageId } — one message per user per
 * venue per second. The stamp names the one message its update may carry, so a multi-path update cannot
 * slip several messages under one stamp.
 */
export const CHAT_MIN_INTERVAL_MS = 1_000;
/** Longest mute a host or moderator can set in one call (30 days). */
export const MAX_MUTE_SECONDS = 30 * 86_400;

export const VenueRefSchema = z.object({ type: z.enum(["stream", "room"]), id: KeySafeIdSchema }).strict();
export type VenueRef = z.infer<typeof VenueRefSchema>;

/**
 * A message as a client writes it (the rules admit nothing else). Its uid is the sender's auth uid, which
 * the rules checked: any uid Auth issues is accepted, so moderation never skips a sender.
 */
export const ChatMessageSchema = z
  .object({
    uid: AuthUidSchema,
    text: z.string().min(1).max(MAX_CHAT_MESSAGE_LENGTH),
    createdAt: z.number().int().positive(),
  })
  .strict();
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

/** The same message after moderation masked it (written by the server). */
export interface ModeratedChatMessage extends ChatMessage {
  masked?: true;
}

export const MuteInVenueRequestSchema = z
  .object({
    venue: VenueRefSchema,
    uid: KeySafeUidSchema,
    durationSeconds: z.number().int().min(10).max(MAX_MUTE_SECONDS),
    reason: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type MuteInVenueRequest = z.infer<typeof MuteInVenueRequestSchema>;

export interface MuteInVenueResponse {
  /** Epoch ms until which the user cannot chat in the venue. */
  mutedUntil: number;
}

export const UnmuteInVenueRequestSchema = z.object({ venue: VenueRefSchema, uid: KeySafeUidSchema }).strict();
export type UnmuteInVenueRequest = z.infer<typeof UnmuteInVenueRequestSchema>;

export interface UnmuteInVenueResponse {
  /** false when the user was not muted (nothing changed). */
  wasMuted: boolean;
}

export const DeleteChatMessageRequestSchema = z
  .object({
    venue: VenueRefSchema,
    /** RTDB push id. */
    messageId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, "must be a message id"),
  })
  .strict();
export type DeleteChatMessageRequest = z.infer<typeof DeleteChatMessageRequestSchema>;

export interface DeleteChatMessageResponse {
  /** false when the message was already gone (deleted, trimmed or removed by moderation). */
  deleted: boolean;
}

export type ModerationVerdict = "clean" | "masked" | "removed";

/** chatArchive/{venueKey}/messages/{messageId}.moderation */
export interface ModerationOutcome {
  verdict: ModerationVerdict;
  /** What viewers see; null when the message was removed. */
  shownText: string | null;
  /** Banned-word matches found. */
  matches: number;
  /** The sender repeated their previous message within the spam window. */
  repeated: boolean;
  /** Counted towards auto-mute (banned words or repetition). */
  flagged: boolean;
  /** Set when this message completed the auto-mute threshold. */
  autoMutedUntil: number | null;
  /** The sender's account was banned or suspended when the message was sent: removed. */
  senderBanned?: true;
}
