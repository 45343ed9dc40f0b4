/**
 * What a gift does to the venue it was sent in, after its money moved: the live ranking of a stream,
 * the live score of a PK battle, the level of a voice room. Driven by the ledger (every gift
 * transaction's document), not by sendGift, so a crash after the money moved cannot lose an effect and a
 * replayed request cannot double one; each recorder is idempotent by the transaction id, because
 * triggers deliver at least once. The feed event on screen is sendGift's (it must be instant). The
 * recorders are the venue type's (ports.ts); the trigger is onGiftPostedToVenue (triggers.ts).
 */
import { log } from "../kernel/logger.js";
import { type VenueGift, venueAdapter } from "./ports.js";

interface MillisLike {
  toMillis(): number;
}

/** The venue gift a ledger document describes, or null for other transactions and malformed ones. */
export function venueGiftOf(transactionId: string, ledger: Record<string, unknown> | undefined): VenueGift | null {
  if (ledger?.type !== "gift") return null;
  const meta = (ledger.meta ?? {}) as Record<string, unknown>;
  const context = meta.context as { type?: unknown; id?: unknown } | undefined;
  const createdAt = ledger.createdAt as MillisLike | undefined;
  if ((context?.type !== "stream" && context?.type !== "room") || typeof context.id !== "string") return null;
  if (typeof meta.recipientUid !== "string" || typeof ledger.owner !== "string") return null;
  if (!Number.isSafeInteger(meta.totalCoins) || typeof createdAt?.toMillis !== "function") return null;
  return {
    transactionId,
    venue: { type: context.type, id: context.id },
    senderUid: ledger.owner,
    recipientUid: meta.recipientUid,
    coins: meta.totalCoins as number,
    at: createdAt.toMillis(),
  };
}

/** Runs every recorder; one failing does not stop the others, and the failure is rethrown for a retry. */
export async function applyVenueGift(gift: VenueGift): Promise<void> {
  const failures: unknown[] = [];
  for (const [name, record] of Object.entries(venueAdapter(gift.venue.type).giftRecorders)) {
    try {
      await record(gift);
    } catch (err) {
      log.error("gift effect failed", { effect: name, transactionId: gift.transactionId, error: String(err) });
      failures.push(err);
    }
  }
  if (failures.length) throw failures[0];
}
