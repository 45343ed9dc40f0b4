/**
 * Recognition in the venue: a level reached through a gift is announced in the feed of the stream or room
 * the gift was sent in (RTDB recognitions/{venueKey}/{pushId} { u, tr, l, t }), besides the user's own
 * "level-up" notice. A level-up is returned only by the settle that raised the level, so a redelivered
 * ledger event announces nothing again; the announcement is display only, so a failure is logged.
 * A room that closes a period near the top of the rooms board is announced in its own feed too, under a
 * key of the snapshot, so a repeated close writes the same entry.
 */
import { rtdb } from "../kernel/app.js";
import { log } from "../kernel/logger.js";
import { type Venue, VenuePaths } from "../venues/paths.js";
import type { LevelUp } from "./levels.js";

/** The venue a gift transaction was sent in (meta.context), or null for anything else. */
function giftVenueOf(ledger: Record<string, unknown>): Venue | null {
  const context = (ledger.meta as { context?: { type?: unknown; id?: unknown } } | undefined)?.context;
  if (ledger.type !== "gift" || (context?.type !== "stream" && context?.type !== "room") || typeof context.id !== "string") return null;
  return { type: context.type, id: context.id };
}

export async function announceLevelUpsInVenue(transactionId: string, ledger: Record<string, unknown>, levelUps: LevelUp[]): Promise<number> {
  const venue = giftVenueOf(ledger);
  if (!venue || levelUps.length === 0) return 0;
  const { ServerValue } = require("firebase-admin/database") as typeof import("firebase-admin/database");
  const feed = rtdb().ref(VenuePaths.recognitions(venue));
  let announced = 0;
  for (const levelUp of levelUps) {
    try {
      await feed.push({ u: levelUp.uid, tr: levelUp.track, l: levelUp.to, t: ServerValue.TIMESTAMP });
      announced++;
    } catch (err) {
      log.error("level-up not announced in the venue", { transactionId, uid: levelUp.uid, error: String(err) });
    }
  }
  return announced;
}

export interface RoomRank {
  roomId: string;
  rank: number;
  snapshotId: string;
  period: string;
  periodKey: string;
}

/** Announces a room's place on a closed rooms board in that room's feed: recognitions/room_{id}/rank_{snapshotId}. */
export async function announceRoomRank(rank: RoomRank): Promise<void> {
  const { ServerValue } = require("firebase-admin/database") as typeof import("firebase-admin/database");
  try {
    await rtdb()
      .ref(`${VenuePaths.recognitions({ type: "room", id: rank.roomId })}/rank_${rank.snapshotId}`)
      .set({ k: "rank", b: "rooms", r: rank.rank, p: rank.period, pk: rank.periodKey, t: ServerValue.TIMESTAMP });
  } catch (err) {
    log.error("room rank not announced in the room", { ...rank, error: String(err) });
  }
}
