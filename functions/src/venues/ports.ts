/**
 * What venues need from the domains that host them. venues/ keeps membership, presence and gift effects
 * for streams and rooms alike without importing live/ or rooms/: each venue type plugs in an adapter
 * (functions/src/composition.ts), and venues/ reaches the domain only through it.
 */
import type { Venue, VenueType } from "./paths.js";

export type RemovalReason = "left" | "kicked" | "banned" | "stale" | "ended";

/** What a venue learns from a gift: one per gift transaction, handed to the venue type's recorders. */
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

/** Records one effect of a gift. Triggers deliver at least once: idempotent by transactionId. */
export type VenueGiftRecorder = (gift: VenueGift) => Promise<void>;

export interface VenueAdapter {
  /**
   * Frees what `uid` holds in the venue beyond membership and presence (a room's seats; a stream's guest
   * slot and viewer count) and returns how many seats or guest slots it released. Idempotent.
   */
  releaseOccupant(venueId: string, uid: string, reason: RemovalReason): Promise<number>;
  /**
   * Ends the venues `hostUid` hosts of this type (their live stream, their open rooms), as staff acting
   * for `actorUid`; returns the ids of the venues it ended. Idempotent: an ended venue is not listed again.
   */
  endHostedBy(hostUid: string, actorUid: string): Promise<string[]>;
  /** The venue type's gift effects, by name (for logs). */
  giftRecorders: Readonly<Record<string, VenueGiftRecorder>>;
}

const adapters = new Map<VenueType, VenueAdapter>();

export function registerVenueAdapter(type: VenueType, adapter: VenueAdapter): void {
  adapters.set(type, adapter);
}

export function venueAdapter(type: VenueType): VenueAdapter {
  const adapter = adapters.get(type);
  // A deployed function loads only its own entry module: that module must import composition.ts.
  if (!adapter) throw new Error(`No ${type} venue adapter registered: import composition.js in the entry module.`);
  return adapter;
}
