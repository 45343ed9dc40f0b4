/** The gifts domain's API contract: request and response shapes of its callables (importable by clients). */
import * as z from "zod";
import { RequestIdSchema } from "../kernel/idempotency.js";
import { CALENDAR_PERIODS, type CalendarPeriod, calendarPeriodOfKey } from "../kernel/periods.js";
import { KeySafeIdSchema, KeySafeUidSchema } from "../kernel/validation.js";

/** Combos are sent as one request with a count, so a 99× burst is one transaction, not 99. */
export const MAX_GIFT_COUNT = 999;

export const GiftContextSchema = z
  .object({
    /** Where the gift is shown: a live stream or a voice room. */
    type: z.enum(["stream", "room"]),
    id: KeySafeIdSchema,
  })
  .strict();
export type GiftContext = z.infer<typeof GiftContextSchema>;

export const SendGiftRequestSchema = z
  .object({
    giftId: KeySafeIdSchema,
    recipientUid: KeySafeUidSchema,
    count: z.number().int().min(1).max(MAX_GIFT_COUNT),
    context: GiftContextSchema,
    requestId: RequestIdSchema,
  })
  .strict();
export type SendGiftRequest = z.infer<typeof SendGiftRequestSchema>;

/** Why a catalog gift cannot be sent by this caller now (details.reason of the refusal). */
export const GiftRefusalSchema = z.enum([
  /** Retired, never activated, or priced wrongly in the catalog (failed-precondition). */
  "gift-unavailable",
  /** Its window (activeFrom) has not opened yet (failed-precondition). */
  "gift-not-yet-available",
  /** Its window (activeUntil) has closed (failed-precondition). */
  "gift-expired",
  /** Exclusive to a campaign that is not running now (failed-precondition). */
  "campaign-not-running",
  /** Exclusive to VIP members from a tier the sender does not hold (permission-denied). */
  "vip-tier-required",
]);
export type GiftRefusal = z.infer<typeof GiftRefusalSchema>;

export const GIFT_RARITIES = ["common", "rare", "epic", "legendary"] as const;
export type GiftRarity = (typeof GIFT_RARITIES)[number];

/** Takes an optional category filter; null (what the client SDKs send for no data) lists everything. */
export const ListGiftCatalogRequestSchema = z.object({ category: KeySafeIdSchema.optional() }).strict().nullish();
export type ListGiftCatalogRequest = z.infer<typeof ListGiftCatalogRequestSchema>;

/** One gift of the catalog as the caller sees it now. */
export interface CatalogEntry {
  id: string;
  name: string;
  priceCoins: number;
  category: string;
  rarity: GiftRarity;
  animationAssetId: string | null;
  /** End of its seasonal/event window (ISO time), or null when it has none. */
  availableUntil: string | null;
  /** Lowest VIP tier that may send it; 0 for everyone. */
  vipMinTier: number;
  /** The campaign it is exclusive to, or null. */
  campaignId: string | null;
  /** Whether the caller may send it now; when not, why (shown locked, e.g. for a higher VIP tier). */
  sendable: boolean;
  lockedReason: GiftRefusal | null;
}

export interface ListGiftCatalogResponse {
  /** Gifts inside their window (and of a running campaign, when exclusive), by category then price. */
  gifts: CatalogEntry[];
}

/** What the client shows after a send (the animation to play, the combo total). */
export interface SentGift {
  id: string;
  name: string;
  priceCoins: number;
  count: number;
  totalCoins: number;
  animationAssetId: string | null;
  /**
   * Consecutive sends of this gift from this sender to this recipient, this one included: it grows while
   * each send follows the previous one within config/gifts.streakWindowSeconds, and restarts at 1 after.
   */
  streak: number;
}

export interface SendGiftResponse {
  /** The sender's coin balance after this gift. */
  coins: number;
  /** The ledger transaction; identical on every replay of the same requestId. */
  transactionId: string;
  gift: SentGift;
}

/** One gift in the live feed at RTDB giftEvents/{type}_{id}/{pushId}: short keys, it is read by every viewer. */
export interface GiftFeedEvent {
  /** gift id */
  g: string;
  /** count (combo size) */
  n: number;
  /** from: sender uid */
  f: string;
  /** recipient uid */
  r: string;
  /** value in coins */
  v: number;
  /** streak: consecutive sends of this gift between these two (see SentGift.streak) */
  k: number;
  /** server time (ms) */
  t: number | object;
}

/** A UTC period of the analytics: its kind and key (day 2026-12-05, week 2026-W49, month 2026-12); the current one when the key is left out. */
export const AnalyticsPeriodSchema = z
  .object({
    period: z.enum(CALENDAR_PERIODS),
    key: z.string().max(10).optional(),
  })
  .strict()
  .refine((p) => p.key === undefined || calendarPeriodOfKey(p.period, p.key) !== null, {
    message: "key does not name a period of this kind",
    path: ["key"],
  });

export const MyGiftAnalyticsRequestSchema = AnalyticsPeriodSchema;
export type MyGiftAnalyticsRequest = z.infer<typeof MyGiftAnalyticsRequestSchema>;

export const TopGiftersRequestSchema = z
  .object({
    /** Whose gifters: those of a host (gifts received anywhere) or of a voice room (gifts sent in it). */
    target: z.discriminatedUnion("type", [
      z.object({ type: z.literal("host"), uid: KeySafeUidSchema }).strict(),
      z.object({ type: z.literal("room"), id: KeySafeIdSchema }).strict(),
    ]),
    period: z.enum(CALENDAR_PERIODS),
    key: z.string().max(10).optional(),
    limit: z.number().int().min(1).max(100).default(20),
  })
  .strict()
  .refine((p) => p.key === undefined || calendarPeriodOfKey(p.period, p.key) !== null, {
    message: "key does not name a period of this kind",
    path: ["key"],
  });
export type TopGiftersRequest = z.infer<typeof TopGiftersRequestSchema>;

export const AdminGiftRevenueReportRequestSchema = AnalyticsPeriodSchema;
export type AdminGiftRevenueReportRequest = z.infer<typeof AdminGiftRevenueReportRequestSchema>;

export interface PeriodView {
  period: CalendarPeriod;
  key: string;
  /** [from, until) in ISO time. */
  from: string;
  until: string;
}

export interface GiftTally {
  giftId: string;
  /** Gifts (a combo of 5 counts 5). */
  gifts: number;
  /** Their value in coins. */
  coins: number;
}

export interface GiftTallies {
  byGift: GiftTally[];
  gifts: number;
  coins: number;
}

export interface MyGiftAnalyticsResponse extends PeriodView {
  sent: GiftTallies;
  /** Received: coins is the gifts' value; diamonds what the caller was credited. */
  received: GiftTallies & { diamonds: number };
  /** True when the period held more transactions than one request reads (MAX_SCANNED): totals are partial. */
  truncated: boolean;
}

export interface TopGifter {
  rank: number;
  uid: string;
  coins: number;
  gifts: number;
}

export interface TopGiftersResponse extends PeriodView {
  gifters: TopGifter[];
  truncated: boolean;
}

export interface GiftRevenueReportResponse extends PeriodView {
  transactions: number;
  totalCoins: number;
  hostShare: number;
  agencyShare: number;
  platformShare: number;
}
