/**
 * The voice-rooms API contract: request schemas of the room callables, their response types, the
 * operators' configuration (config/rooms) and the stored shapes (importable by clients).
 *
 * Where rooms live (besides the shared venue layout of venues/paths.ts):
 *   Firestore rooms/{roomId}                        settings, level, member count (signed-in users read)
 *   Firestore rooms/{roomId}/private/lock           { passwordHash }             server only
 *   Firestore rooms/{roomId}/activity/{id}          activity history             owner, room admins, staff read
 *   Firestore rooms/{roomId}/giftShards/{0..15}     gift value not yet folded    server only
 *   Firestore rooms/{roomId}/visits/{uid}_{visitId} paid visits                  server only
 *   Firestore roomOwners/{uid}                      { openRoomIds }              server only (the per-owner cap)
 *   RTDB rooms/{roomId}/state, rooms/{roomId}/seats/{index}       (the RTDB paths: venues/paths.ts)
 *   RTDB rooms/{roomId}/invites/{uid}    { index?, by, at, expiresAt }  seat invitations (server-written)
 *   RTDB rooms/{roomId}/micMutes/{uid}   { by, at }  mic muted by the owner/an admin; the user cannot unmute
 *   RTDB entrances/room_{roomId}/{pushId} { u: uid, v: VIP tier, e: effect, t: server ms }  VIP entrance effects
 *                                        (members read; events older than entranceFeedSeconds trimmed on publish)
 */
import * as z from "zod";
import { RequestIdSchema } from "../kernel/idempotency.js";
import { KeySafeUidSchema, keySafeId } from "../kernel/validation.js";
import type { MediaToken } from "../media/tokens.js";

/** details.reason of the rooms callables' refusals. */
export const RoomRefusalSchema = z.enum([
  "account-deleted",
  "account-suspended",
  "admin-limit",
  "already-seated",
  "banned",
  "blocked",
  "muted-by-admin",
  "no-free-seat",
  "no-invitation",
  "no-seats",
  "no-such-seat",
  "not-a-member",
  "not-seated",
  "password-required",
  "room-closed",
  "room-full",
  "room-limit",
  "seat-locked",
  "seat-taken",
  "target-is-admin",
  "vip-required",
  "visit-ended",
]);
export type RoomRefusal = z.infer<typeof RoomRefusalSchema>;

export const MIN_SEATS = 2;
export const MAX_SEATS = 15;
export const GIFT_SHARDS = 16;

export const RoomIdSchema = keySafeId({ max: 64 });
const SeatIndexSchema = z
  .number()
  .int()
  .min(0)
  .max(MAX_SEATS - 1);
const SeatCountSchema = z.number().int().min(MIN_SEATS).max(MAX_SEATS);
const CountrySchema = z.string().regex(/^[A-Z]{2}$/, "country must be an ISO 3166-1 alpha-2 code (e.g. BR)");

// ---------------------------------------------------------------------------------------------------
// Configuration (config/rooms)
// ---------------------------------------------------------------------------------------------------

export const RoomsConfigSchema = z.object({
  /** Open rooms one user may own at a time. */
  maxRoomsPerOwner: z.number().int().min(1).max(20).default(1),
  maxAdminsPerRoom: z.number().int().min(0).max(50).default(10),
  /** Members admitted at once; beyond it only VIP members with room priority enter (vipExtraMembers more). */
  maxMembers: z.number().int().min(2).max(100_000).default(500),
  vipExtraMembers: z.number().int().min(0).max(10_000).default(50),
  maxEntryFeeCoins: z.number().int().min(1).max(1_000_000).default(100_000),
  /** A paid visit ends when the member leaves, is kicked, or this long after payment. */
  paidVisitHours: z.number().int().min(1).max(168).default(12),
  /** Ban length of "kick from room" when the caller gives none. */
  kickBanMinutes: z.number().int().min(1).max(525_600).default(10),
  maxBanMinutes: z.number().int().min(1).max(525_600).default(43_200),
  seatInviteSeconds: z.number().int().min(10).max(3600).default(120),
  /** Wrong passwords one user may try on one room per 10 minutes. */
  passwordAttemptsPer10Minutes: z.number().int().min(1).max(1000).default(10),
  /** Wrong passwords on one room per 10 minutes by everyone together (many accounts get no more guesses). */
  roomPasswordAttemptsPer10Minutes: z.number().int().min(1).max(10_000).default(30),
  /**
   * Gift coins a room needs for each level above 1, ascending: [1000, 10000] → level 1 below 1000,
   * level 2 from 1000, level 3 from 10000.
   */
  levelThresholds: z
    .array(z.number().int().min(1))
    .max(100)
    .refine((t) => t.every((v, i) => i === 0 || v > (t[i - 1] as number)), "levelThresholds must be strictly ascending")
    .default(() => [1_000, 10_000, 50_000, 200_000, 1_000_000, 5_000_000]),
  activityRetentionDays: z.number().int().min(1).max(3650).default(90),
  /** VIP entrance events older than this are trimmed from the feed. */
  entranceFeedSeconds: z.number().int().min(10).max(86_400).default(600),
});
export type RoomsConfig = z.infer<typeof RoomsConfigSchema>;

// ---------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------

export const LOCK_MODES = ["open", "password", "vipOnly", "paid"] as const;
export type LockMode = (typeof LOCK_MODES)[number];

export const RoomLockSchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("open") }).strict(),
  z.object({ mode: z.literal("password"), password: z.string().min(4).max(64) }).strict(),
  z.object({ mode: z.literal("vipOnly"), minTier: z.number().int().min(1).max(9).default(1) }).strict(),
  /** The fee's upper bound is config/rooms.maxEntryFeeCoins, checked by the service. */
  z.object({ mode: z.literal("paid"), feeCoins: z.number().int().min(1).max(1_000_000) }).strict(),
]);
export type RoomLock = z.infer<typeof RoomLockSchema>;

const NameSchema = z.string().trim().min(1).max(40);
const TopicSchema = z.string().trim().max(200);

export const CreateRoomRequestSchema = z
  .object({
    name: NameSchema,
    topic: TopicSchema.default(""),
    seatCount: SeatCountSchema.default(8),
    lock: RoomLockSchema.default({ mode: "open" }),
    /** Defaults to the owner's profile country. */
    country: CountrySchema.optional(),
    language: z.string().min(2).max(35).optional(),
    requestId: RequestIdSchema,
  })
  .strict();
export type CreateRoomRequest = z.infer<typeof CreateRoomRequestSchema>;

export const UpdateRoomRequestSchema = z
  .object({
    roomId: RoomIdSchema,
    name: NameSchema.optional(),
    topic: TopicSchema.optional(),
    seatCount: SeatCountSchema.optional(),
    lock: RoomLockSchema.optional(),
  })
  .strict()
  .refine((r) => r.name !== undefined || r.topic !== undefined || r.seatCount !== undefined || r.lock !== undefined, "nothing to update");
export type UpdateRoomRequest = z.infer<typeof UpdateRoomRequestSchema>;

export const RoomRequestSchema = z.object({ roomId: RoomIdSchema }).strict();
export type RoomRequest = z.infer<typeof RoomRequestSchema>;

export const SetRoomAdminRequestSchema = z.object({ roomId: RoomIdSchema, uid: KeySafeUidSchema, admin: z.boolean() }).strict();
export type SetRoomAdminRequest = z.infer<typeof SetRoomAdminRequestSchema>;

export const SetAnnouncementRequestSchema = z.object({ roomId: RoomIdSchema, text: z.string().trim().max(500) }).strict();
export type SetAnnouncementRequest = z.infer<typeof SetAnnouncementRequestSchema>;

export const EnterRoomRequestSchema = z
  .object({
    roomId: RoomIdSchema,
    /**
     * One visit of the room, generated by the app when the user opens the room and reused for every
     * retry and reconnect of that visit. A paid room charges once per visit.
     */
    visitId: RequestIdSchema,
    password: z.string().min(1).max(64).optional(),
  })
  .strict();
export type EnterRoomRequest = z.infer<typeof EnterRoomRequestSchema>;

export const TakeSeatRequestSchema = z.object({ roomId: RoomIdSchema, index: SeatIndexSchema.optional() }).strict();
export type TakeSeatRequest = z.infer<typeof TakeSeatRequestSchema>;

export const SeatIndexRequestSchema = z.object({ roomId: RoomIdSchema, index: SeatIndexSchema }).strict();
export type SeatIndexRequest = z.infer<typeof SeatIndexRequestSchema>;

export const TargetUserRequestSchema = z.object({ roomId: RoomIdSchema, uid: KeySafeUidSchema }).strict();
export type TargetUserRequest = z.infer<typeof TargetUserRequestSchema>;

export const InviteToSeatRequestSchema = z.object({ roomId: RoomIdSchema, uid: KeySafeUidSchema, index: SeatIndexSchema.optional() }).strict();
export type InviteToSeatRequest = z.infer<typeof InviteToSeatRequestSchema>;

export const RespondToSeatInviteRequestSchema = z.object({ roomId: RoomIdSchema, accept: z.boolean() }).strict();
export type RespondToSeatInviteRequest = z.infer<typeof RespondToSeatInviteRequestSchema>;

/** Mute/unmute: without uid the caller's own mic; with another uid, the owner or a room admin. */
export const MicRequestSchema = z.object({ roomId: RoomIdSchema, uid: KeySafeUidSchema.optional() }).strict();
export type MicRequest = z.infer<typeof MicRequestSchema>;

export const KickFromRoomRequestSchema = z
  .object({
    roomId: RoomIdSchema,
    uid: KeySafeUidSchema,
    /** Ban length; config/rooms.kickBanMinutes when absent, at most maxBanMinutes. */
    banMinutes: z.number().int().min(1).max(525_600).optional(),
    reason: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type KickFromRoomRequest = z.infer<typeof KickFromRoomRequestSchema>;

export const ROOM_SORTS = ["popular", "recent", "level"] as const;
const ListRoomsQuerySchema = z
  .object({
    sort: z.enum(ROOM_SORTS).default("popular"),
    country: CountrySchema.optional(),
    limit: z.number().int().min(1).max(50).default(20),
    /** The previous page's nextCursor; null or absent for the first page. */
    cursor: RoomIdSchema.nullish(),
  })
  .strict();
/** Every field is optional: no payload (the JS SDK sends null) lists with the defaults. */
export const ListRoomsRequestSchema = z.preprocess((value) => value ?? {}, ListRoomsQuerySchema);
/** What a client sends. */
export type ListRoomsInput = z.input<typeof ListRoomsQuerySchema> | null;
/** What the handler receives (defaults applied). */
export type ListRoomsRequest = z.output<typeof ListRoomsQuerySchema>;

export const ListRoomActivityRequestSchema = z
  .object({
    roomId: RoomIdSchema,
    limit: z.number().int().min(1).max(100).default(30),
    cursor: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9]+$/)
      .optional(),
  })
  .strict();
export type ListRoomActivityRequest = z.infer<typeof ListRoomActivityRequestSchema>;

// ---------------------------------------------------------------------------------------------------
// Stored shapes and responses
// ---------------------------------------------------------------------------------------------------

export type RoomStatus = "open" | "closed";

export interface RoomAnnouncement {
  text: string;
  byUid: string;
  /** ISO time. */
  at: string;
}

/** rooms/{roomId} as the apps and callables see it (timestamps as ISO strings). */
export interface RoomView {
  id: string;
  ownerUid: string;
  name: string;
  topic: string;
  seatCount: number;
  lockMode: LockMode;
  /** Coins per visit when lockMode is "paid". */
  entryFeeCoins: number | null;
  /** Lowest VIP tier admitted when lockMode is "vipOnly". */
  vipMinTier: number | null;
  admins: string[];
  announcement: RoomAnnouncement | null;
  country: string | null;
  language: string | null;
  status: RoomStatus;
  level: number;
  /** Gift value received in the room (folded periodically; getRoom adds the unfolded part). */
  giftCoins: number;
  /** Members present at the last refresh (approximate). */
  memberCount: number;
  createdAt: string | null;
}

/** One seat at RTDB rooms/{roomId}/seats/{index}. uid absent: free. */
export interface Seat {
  uid?: string;
  locked: boolean;
  micMuted: boolean;
  /** Who muted the mic: a user muted by "admin" (owner or room admin) cannot unmute themself. */
  mutedBy?: "self" | "admin";
  /** When the occupant sat down (ms). */
  at?: number;
}

/** members/{venueKey}/{uid}. */
export type RoomMemberRole = "owner" | "admin" | "moderator" | "member";

export interface CreateRoomResponse {
  room: RoomView;
}

export interface UpdateRoomResponse {
  room: RoomView;
  /** Occupants moved to another seat, or off the seats, because the room shrank. */
  moved: { uid: string; from: number; to: number }[];
  unseated: string[];
}

export interface EnterRoomResponse {
  roomId: string;
  role: RoomMemberRole;
  /** A member who was already inside (reconnect) is admitted again without checks on the lock. */
  alreadyMember: boolean;
  entryFee: { coins: number; transactionId: string; chargedNow: boolean } | null;
  vipTier: number;
  entranceEffect: string | null;
  media: MediaToken;
}

export interface SeatResponse {
  roomId: string;
  index: number | null;
}

export interface ListRoomsResponse {
  rooms: RoomView[];
  nextCursor: string | null;
}

export const ACTIVITY_TYPES = [
  "room.created",
  "room.updated",
  "room.closed",
  "room.announcement",
  "admin.granted",
  "admin.revoked",
  "seat.taken",
  "seat.left",
  "seat.moved",
  "seat.locked",
  "seat.unlocked",
  "seat.invited",
  "seat.inviteAccepted",
  "seat.inviteDeclined",
  "seat.kicked",
  "seat.released",
  "seats.resized",
  "mic.muted",
  "mic.unmuted",
  "member.kicked",
  "member.unbanned",
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export interface ActivityEntry {
  id: string;
  type: ActivityType;
  actorUid: string;
  targetUid: string | null;
  details: Record<string, unknown>;
  at: string | null;
}

export interface ListRoomActivityResponse {
  items: ActivityEntry[];
  nextCursor: string | null;
}
