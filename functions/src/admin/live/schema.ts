/** The live-monitoring console's API contract: what is live now, gifts per minute, top performers, and staff ending a venue. */
import * as z from "zod";
import { RequestIdSchema } from "../../kernel/idempotency.js";
import { CursorSchema, KeySafeIdSchema } from "../../kernel/validation.js";

export const GetLiveOverviewRequestSchema = z.object({}).strict().nullish();

/** How far back the gifts-per-minute series reaches. */
export const GIFT_MINUTES = 30;
export const TOP_PERFORMERS = 10;

export interface GiftMinute {
  /** The minute's start, ISO 8601 (UTC). */
  minute: string;
  coins: number;
  count: number;
}

export interface TopPerformer {
  uid: string;
  displayName: string | null;
  /** Coins of the gifts received today (UTC). */
  coins: number;
}

export interface GetLiveOverviewResponse {
  liveStreams: number;
  openRooms: number;
  /** Viewers of live streams plus members of open rooms, as last refreshed by the venues' maintenance. */
  viewers: number;
  giftsPerMinute: GiftMinute[];
  topPerformers: TopPerformer[];
}

export const ListLiveVenuesRequestSchema = z
  .object({
    kind: z.enum(["stream", "room"]),
    cursor: CursorSchema.nullish(),
    limit: z.number().int().min(1).max(100).default(25),
  })
  .strict();
export type ListLiveVenuesRequest = z.output<typeof ListLiveVenuesRequestSchema>;

export interface LiveVenueRow {
  kind: "stream" | "room";
  id: string;
  hostUid: string;
  hostName: string | null;
  title: string;
  /** Stream viewers, or room members. */
  viewers: number;
  startedAt: string | null;
  /** Coins of the gifts sent in the venue today (UTC). */
  giftsTodayCoins: number;
}

export interface ListLiveVenuesResponse {
  items: LiveVenueRow[];
  nextCursor: string | null;
}

const Reason = z.string().trim().min(3, "reason is required for the audit log").max(200);

export const StaffEndStreamRequestSchema = z.object({ streamId: KeySafeIdSchema, reason: Reason, requestId: RequestIdSchema }).strict();
export type StaffEndStreamRequest = z.infer<typeof StaffEndStreamRequestSchema>;

export const StaffCloseRoomRequestSchema = z.object({ roomId: KeySafeIdSchema, reason: Reason, requestId: RequestIdSchema }).strict();
export type StaffCloseRoomRequest = z.infer<typeof StaffCloseRoomRequestSchema>;

export interface StaffEndStreamResponse {
  streamId: string;
  /** False when the stream had already ended. */
  changed: boolean;
}

export interface StaffCloseRoomResponse {
  roomId: string;
  alreadyClosed: boolean;
}
