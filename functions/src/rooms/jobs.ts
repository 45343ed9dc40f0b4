/** Scheduled upkeep of voice rooms (each run is idempotent: overlapping or retried runs are harmless). */
import { onSchedule } from "firebase-functions/v2/scheduler";
import { REGION } from "../kernel/config.js";
import { log } from "../kernel/logger.js";
import { trimRoomActivity } from "./activity.js";
import { roomsConfig } from "./config.js";
import { foldRoomGiftShards, roomsWithGiftShards } from "./level.js";
import { refreshMemberCounts } from "./lifecycle.js";

/** Folds gift shards into room levels and refreshes member counts (discovery's "popular"). */
export async function runRoomsMaintenance(): Promise<{ roomsFolded: number; memberCountsUpdated: number }> {
  let roomsFolded = 0;
  for (const roomId of await roomsWithGiftShards()) {
    try {
      await foldRoomGiftShards(roomId);
      roomsFolded++;
    } catch (err) {
      log.error("room gift shards not folded; next run retries", { roomId, error: String(err) });
    }
  }
  const memberCountsUpdated = await refreshMemberCounts();
  return { roomsFolded, memberCountsUpdated };
}

export const roomsMaintenanceJob = onSchedule(
  { schedule: "every 5 minutes", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 540, retryCount: 1 },
  async () => {
    log.info("rooms maintenance", { ...(await runRoomsMaintenance()) });
  },
);

export const trimRoomActivityJob = onSchedule(
  { schedule: "every day 03:30", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 540, retryCount: 1 },
  async (event) => {
    const config = await roomsConfig();
    const nowMs = new Date(event.scheduleTime || Date.now()).getTime();
    const deleted = await trimRoomActivity(nowMs - config.activityRetentionDays * 86_400_000);
    log.info("room activity trimmed", { deleted });
  },
);
