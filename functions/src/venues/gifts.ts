/**
 * What a venue learns from a gift: the lead's ledger trigger (venues/gift-effects.ts) hands each
 * domain one VenueGift per gift transaction — live rankings (live/ranking.ts recordStreamGift),
 * PK live scores (live/pk/score.ts recordPkGift) and room levels (rooms/level.ts recordRoomGift).
 * Triggers deliver at least once: every recorder is idempotent by transactionId.
 */
import type { Venue } from "./paths.js";

export interface VenueGift {
  /** The ledger transaction id: the idempotency key of every effect. */
  transactionId: string;
  venue: Venue;
  senderUid: string;
  recipientUid: string;
  /** Gift value in coins (count × price). */
  coins: number;
  /** Commit time of the ledger transaction (ms). */
  at: number;
}

export type VenueGiftRecorder = (gift: VenueGift) => Promise<void>;
