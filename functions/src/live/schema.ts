/**
 * The live-streams API contract: configuration (config/live), request schemas of the callables and
 * their response types (importable by clients), and the stored shapes of streams/{id} and the RTDB
 * live state.
 *
 * RTDB layout of this domain, besides the shared venue paths (all built by venues/paths.ts; server-written):
 *   streams/{streamId}/state              StreamLiveState (members read it)
 *   streams/{streamId}/entrances/{push}   { u, n, e, v, t } VIP entrance effects, one per admission (members read)
 *   streams/{streamId}/guestQueue/{uid}   { kind: "request" | "invite", at } pending guest requests and invites
 *                                         (the host reads all, a user reads their own)
 *   streams/{streamId}/audience/{shard}   { tally: { count, version }, viewers: { uid: at } }: counted viewers, spread
 *                                         over 16 shards by uid, the markers that keep viewer counts exact (no client access)
 */
import * as z from "zod";
import { RequestIdSchema } from "../kernel/idempotency.js";
import { KeySafeUidSchema, keySafeId, LanguageTagSchema } from "../kernel/validation.js";
import type { MediaToken } from "../media/tokens.js";

/** details.reason of the live callables' refusals (stream entry). */
export const LiveRefusalSchema = z.enum(["banned", "blocked", "followers-only", "not-invited", "password-required", "suspended"]);
export type LiveRefusal = z.infer<typeof LiveRefusalSchema>;

/** Ids safe as Firestore document ids, RTDB keys and venue keys (venues/paths.ts parseVenueKey). */
export const StreamIdSchema = keySafeId({ label: "streamId" });

export const STREAM_VISIBILITIES = ["public", "private", "followers", "password"] as const;
export const StreamVisibilitySchema = z.enum(STREAM_VISIBILITIES);
export type StreamVisibility = z.infer<typeof StreamVisibilitySchema>;

const SlugSchema = z
  .string()
  .min(2)
  .max(32)
  .regex(/^[a-z0-9-]+$/, "must be a lowercase slug (a-z, 0-9, -)");

const CountrySchema = z.string().regex(/^[A-Z]{2}$/, "country must be an ISO 3166-1 alpha-2 code (e.g. BR)");

/** A Storage object path; the owner prefix (streamCovers/{uid}/) is checked in the service. */
const CoverPathSchema = z
  .string()
  .max(512)
  .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)+$/, "must be a Storage object path like streamCovers/uid/file.jpg")
  .refine((p) => !p.split("/").some((s) => s === "." || s === ".."), "must not contain . or .. segments");

// ---------------------------------------------------------------------------------------------------
// Configuration: config/live
// ---------------------------------------------------------------------------------------------------

export const DEFAULT_CATEGORIES = ["chat", "music", "dance", "gaming", "talent", "outdoor", "education", "other"];

export const LiveConfigSchema = z.object({
  /** Categories a stream may be started in. */
  categories: z
    .array(SlugSchema)
    .min(1)
    .default(() => [...DEFAULT_CATEGORIES]),
  /** Guest slots of every new stream (fixed for the stream's life). */
  guestSlots: z.number().int().min(0).max(8).default(3),
  /** A stream whose host shows no presence for this long is ended by the sweep. */
  hostAbsentMinutes: z.number().int().min(1).max(60).default(3),
  /** Wrong passwords one user may try per stream within passwordWindowMinutes. */
  passwordAttempts: z.number().int().min(1).max(100).default(5),
  /** Wrong passwords per stream within passwordWindowMinutes by everyone together (many accounts get no more guesses). */
  streamPasswordAttempts: z.number().int().min(1).max(10_000).default(30),
  passwordWindowMinutes: z.number().int().min(1).max(1440).default(10),
  /** Invited viewers of a private stream. */
  maxInvited: z.number().int().min(1).max(1000).default(200),
  /** Top gifters persisted to streams/{id}/ranking when the stream ends. */
  rankingPersistLimit: z.number().int().min(1).max(500).default(100),
  /** Longest stream ban a host or moderator may give (minutes). */
  maxBanMinutes: z.number().int().min(1).max(525_600).default(43_200),
  /** How long an ended stream's RTDB state, chat and gift feed stay readable (replay, "stream ended" screens). */
  endedStateRetentionHours: z.number().int().min(0).max(720).default(24),
});
export type LiveConfig = z.infer<typeof LiveConfigSchema>;

// ---------------------------------------------------------------------------------------------------
// Stored shapes
// ---------------------------------------------------------------------------------------------------

export interface StreamAnalytics {
  durationSeconds: number;
  peakViewers: number;
  /** HyperLogLog estimate (exact for small audiences); null when Redis was unavailable. */
  uniqueViewers: number | null;
  /** count: gifts (a combo of n counts n); transactions: sends; senders: distinct senders. */
  gifts: { count: number; coins: number; transactions: number; senders: number };
  /** Diamonds credited to the host by gifts in this stream (the host's share). */
  diamondsEarned: number;
  /** Follow edges to the host created during the stream and still standing at the end. */
  newFollowers: number;
  guests: number;
}

/** RTDB streams/{id}/state. The PK domain writes `pk` (absent while no battle runs). */
export interface StreamLiveState {
  hostUid: string;
  title: string;
  category: string;
  visibility: StreamVisibility;
  status: "live" | "ended";
  startedAt: number;
  endedAt?: number;
  /** current = the sum of the audience shards' counts (shards: each one's latest count, by version; see viewers.ts). */
  viewers: { current: number; peak: number; shards?: Record<string, { count: number; version: number }> };
  guestSlots: number;
  /** slot index → seated guest; at most one guest per slot and one slot per guest (RTDB transactions). */
  guests?: Record<string, { uid: string; at: number }>;
  pinned?: { text: string; by: string; at: number };
  pk?: unknown;
  /** Set by the sweep when the host's presence disappeared (ms). */
  hostAbsentSince?: number;
}

export interface EntranceEvent {
  /** uid */
  u: string;
  /** display name */
  n: string | null;
  /** entrance effect asset key */
  e: string;
  /** VIP tier */
  v: number;
  /** server time */
  t: number | object;
}

// ---------------------------------------------------------------------------------------------------
// Public projection of a stream
// ---------------------------------------------------------------------------------------------------

export interface StreamSummary {
  id: string;
  hostUid: string;
  hostName: string | null;
  hostAvatarPath: string | null;
  title: string;
  category: string;
  coverPath: string | null;
  visibility: StreamVisibility;
  /** A password is needed to join. */
  locked: boolean;
  country: string;
  region: string;
  language: string | null;
  status: "live" | "ended";
  startedAt: string | null;
  viewerCount: number;
  guestSlots: number;
}

// ---------------------------------------------------------------------------------------------------
// Requests and responses
// ---------------------------------------------------------------------------------------------------

export const StartStreamRequestSchema = z
  .object({
    requestId: RequestIdSchema,
    title: z.string().trim().min(1).max(80),
    category: SlugSchema,
    coverPath: CoverPathSchema.nullish(),
    visibility: StreamVisibilitySchema,
    password: z.string().min(4).max(64).optional(),
    invitedUids: z.array(KeySafeUidSchema).max(1000).optional(),
    country: CountrySchema,
    region: SlugSchema,
    language: LanguageTagSchema.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.visibility === "password" && !r.password) {
      ctx.addIssue({ code: "custom", path: ["password"], message: "a password stream needs a password" });
    }
    if (r.visibility !== "password" && r.password !== undefined) {
      ctx.addIssue({ code: "custom", path: ["password"], message: "only password streams take a password" });
    }
    if (r.visibility !== "private" && r.invitedUids !== undefined) {
      ctx.addIssue({ code: "custom", path: ["invitedUids"], message: "only private streams take invitedUids" });
    }
  });
export type StartStreamRequest = z.infer<typeof StartStreamRequestSchema>;

export interface StartStreamResponse {
  streamId: string;
  stream: StreamSummary;
  /** The host's publish token for the media room. */
  media: MediaToken;
}

export const EndStreamRequestSchema = z
  .object({
    streamId: StreamIdSchema,
    reason: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type EndStreamRequest = z.infer<typeof EndStreamRequestSchema>;

export interface EndStreamResponse {
  streamId: string;
  status: "ended";
  /** false when the stream had already ended (nothing changed but a missing finalisation). */
  changed: boolean;
  analytics: StreamAnalytics | null;
}

export const UpdateStreamInvitesRequestSchema = z
  .object({
    streamId: StreamIdSchema,
    add: z.array(KeySafeUidSchema).max(200).default([]),
    remove: z.array(KeySafeUidSchema).max(200).default([]),
  })
  .strict()
  .refine((r) => r.add.length + r.remove.length > 0, "nothing to change");
export type UpdateStreamInvitesRequest = z.infer<typeof UpdateStreamInvitesRequestSchema>;

export interface UpdateStreamInvitesResponse {
  invited: number;
}

export const JoinStreamRequestSchema = z
  .object({
    streamId: StreamIdSchema,
    password: z.string().min(1).max(64).optional(),
  })
  .strict();
export type JoinStreamRequest = z.infer<typeof JoinStreamRequestSchema>;

export type StreamMemberRole = "host" | "viewer" | "moderator";

export interface JoinStreamResponse {
  stream: StreamSummary;
  role: StreamMemberRole;
  /** Seated as a guest (reconnecting): the token then carries publish rights. */
  isGuest: boolean;
  media: MediaToken;
  /** The VIP entrance effect announced to the stream, when the viewer is VIP and newly admitted. */
  entrance: { effect: string; tier: number } | null;
}

export const StreamRefRequestSchema = z.object({ streamId: StreamIdSchema }).strict();
export type StreamRefRequest = z.infer<typeof StreamRefRequestSchema>;

export interface LeaveStreamResponse {
  left: boolean;
}

export interface StreamMediaTokenResponse {
  media: MediaToken;
  role: StreamMemberRole;
  isGuest: boolean;
}

export const StreamUserRequestSchema = z.object({ streamId: StreamIdSchema, uid: KeySafeUidSchema }).strict();
export type StreamUserRequest = z.infer<typeof StreamUserRequestSchema>;

export const AnswerGuestRequestSchema = z.object({ streamId: StreamIdSchema, uid: KeySafeUidSchema, accept: z.boolean() }).strict();
export type AnswerGuestRequest = z.infer<typeof AnswerGuestRequestSchema>;

export const AnswerGuestInviteSchema = z.object({ streamId: StreamIdSchema, accept: z.boolean() }).strict();
export type AnswerGuestInvite = z.infer<typeof AnswerGuestInviteSchema>;

export interface GuestActionResponse {
  /** "seated": on a slot now; "pending": waiting for the other side; "declined"/"removed"/"none": not seated. */
  status: "seated" | "pending" | "declined" | "removed" | "none";
  slot: number | null;
}

export const KickFromStreamRequestSchema = z
  .object({
    streamId: StreamIdSchema,
    uid: KeySafeUidSchema,
    /** Also ban from this stream for this long; absent: the user may join again. */
    banMinutes: z.number().int().min(1).max(525_600).optional(),
  })
  .strict();
export type KickFromStreamRequest = z.infer<typeof KickFromStreamRequestSchema>;

export interface KickFromStreamResponse {
  removed: boolean;
  bannedUntil: string | null;
}

export const PinStreamMessageRequestSchema = z
  .object({
    streamId: StreamIdSchema,
    /** null unpins. */
    text: z.string().trim().min(1).max(200).nullable(),
  })
  .strict();
export type PinStreamMessageRequest = z.infer<typeof PinStreamMessageRequestSchema>;

export interface PinStreamMessageResponse {
  pinned: boolean;
}

export const LIST_BY = ["live", "category", "country", "following"] as const;

const PageFields = {
  limit: z.number().int().min(1).max(30).default(20),
  cursor: z.string().min(1).max(500).nullish(),
};

export const ListLiveStreamsRequestSchema = z.discriminatedUnion("by", [
  z.object({ by: z.literal("live"), ...PageFields }).strict(),
  z.object({ by: z.literal("category"), category: SlugSchema, ...PageFields }).strict(),
  z.object({ by: z.literal("country"), country: CountrySchema, ...PageFields }).strict(),
  z.object({ by: z.literal("following"), ...PageFields }).strict(),
]);
export type ListLiveStreamsRequest = z.infer<typeof ListLiveStreamsRequestSchema>;

export interface ListLiveStreamsResponse {
  items: StreamSummary[];
  /** Pass back for the next page; null at the end. A page may be shorter than limit (hidden streams). */
  nextCursor: string | null;
}

export const GetStreamRankingRequestSchema = z
  .object({
    streamId: StreamIdSchema,
    limit: z.number().int().min(1).max(50).default(20),
  })
  .strict();
export type GetStreamRankingRequest = z.infer<typeof GetStreamRankingRequestSchema>;

export interface RankedGifter {
  rank: number;
  uid: string;
  coins: number;
  displayName: string | null;
  avatarPath: string | null;
  vipTier: number;
}

export interface StreamRankingResponse {
  streamId: string;
  /** "live": from Redis, updated with every gift; "final": persisted when the stream ended. */
  source: "live" | "final";
  totalCoins: number;
  /** Gift sends (a combo of n gifts is one send). */
  giftCount: number;
  topGifters: RankedGifter[];
}
