/** The gifts domain's API contract: request and response shapes of its callables (importable by clients). */
import * as z from "zod";
import { RequestIdSchema } from "../kernel/idempotency.js";
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

/** What the client shows after a send (the animation to play, the combo total). */
export interface SentGift {
  id: string;
  name: string;
  priceCoins: number;
  count: number;
  totalCoins: number;
  animationAssetId: string | null;
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
  /** server time (ms) */
  t: number | object;
}
