/**
 * Live PK scores: each gift on a stream in an active battle adds its value to that side's score in the
 * RTDB mirror of both streams, so viewers see the bar move. Display only: the result is computed from the
 * ledger (result.ts) with the same rules, and its scores replace the live ones when it is decided.
 *
 * Counted: gifts to the stream's host (not to its multi-guest guests: the PK is between the two hosts),
 * committed in [startedAt, endsAt). Idempotent by ledger transaction id: a marker document
 * pkBattles/{battleId}/pkCountedGifts/{transactionId} is created (create fails if it exists) before the increment,
 * so a redelivered gift is never counted twice; a crash between the two leaves one gift off the display
 * until the result is written.
 */
import * as z from "zod";
import { firestoreValues } from "../../kernel/app.js";
import { log } from "../../kernel/logger.js";
import { isAlreadyExists } from "../../kernel/transactions.js";
import { AuthUidSchema, parse } from "../../kernel/validation.js";
import type { VenueGiftRecorder } from "../../venues/ports.js";
import { incrementLiveScore } from "./mirror.js";
import { type PkBattle, PkIdSchema, type PkSide } from "./schema.js";
import { battleRef, countedGiftRef, readBattle, sidesOf, streamRef, timestampOf } from "./store.js";

const VenueGiftSchema = z
  .object({
    transactionId: PkIdSchema,
    venue: z.object({ type: z.enum(["stream", "room"]), id: PkIdSchema }).strict(),
    senderUid: AuthUidSchema,
    recipientUid: AuthUidSchema,
    coins: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    at: z.number().int().min(0),
  })
  .strict();

/** Markers only need to outlive trigger redeliveries (a TTL policy on expiresAt removes them). */
const MARKER_RETAIN_MS = 7 * 86_400_000;

/**
 * The side of `battle` a gift on `streamId` scores for, or null: only while the battle is active, only
 * gifts to that side's host, only those committed in [startedAt, endsAt).
 */
export function scoringSide(
  battle: Pick<PkBattle, "status" | "startedAt" | "endsAt" | "challenger" | "challenged">,
  gift: { streamId: string; recipientUid: string; at: number },
): PkSide | null {
  if (battle.status !== "active" || battle.startedAt === null || battle.endsAt === null) return null;
  const side = sidesOf(battle).find((s) => s.streamId === gift.streamId);
  if (!side || gift.recipientUid !== side.hostUid) return null;
  if (gift.at < battle.startedAt || gift.at >= battle.endsAt) return null;
  return side;
}

export const recordPkGift: VenueGiftRecorder = async (input) => {
  const gift = parse(VenueGiftSchema, input);
  if (gift.venue.type !== "stream") return;
  const battleId = (await streamRef(gift.venue.id).get()).get("pkBattleId");
  if (typeof battleId !== "string" || !battleId) return;
  const battle = readBattle(await battleRef(battleId).get());
  const side = battle && scoringSide(battle, { streamId: gift.venue.id, recipientUid: gift.recipientUid, at: gift.at });
  if (!battle || !side) return;

  const { FieldValue } = firestoreValues();
  try {
    await countedGiftRef(battleId, gift.transactionId).create({
      streamId: side.streamId,
      coins: gift.coins,
      at: timestampOf(gift.at),
      countedAt: FieldValue.serverTimestamp(),
      expiresAt: timestampOf(Date.now() + MARKER_RETAIN_MS),
    });
  } catch (err) {
    if (isAlreadyExists(err)) return;
    throw err;
  }
  try {
    await incrementLiveScore(battle, side.streamId, gift.coins);
  } catch (err) {
    log.warn("PK live score not incremented; the result will correct the display", {
      battleId,
      transactionId: gift.transactionId,
      error: String(err),
    });
  }
};
