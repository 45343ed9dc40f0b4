/** Scheduled jobs of the rankings. */
import { onSchedule } from "firebase-functions/v2/scheduler";
import { REGION, UPSTASH_REDIS_REST_TOKEN } from "../kernel/config.js";
import { log } from "../kernel/logger.js";
import { closeDuePeriods } from "./close.js";

/** Hourly: closes the periods that ended (snapshot, rewards, notices); idempotent, so overlaps and retries are harmless. */
export const closeLeaderboardPeriods = onSchedule(
  { schedule: "every 60 minutes", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 540, retryCount: 2, secrets: [UPSTASH_REDIS_REST_TOKEN] },
  async (event) => {
    const outcomes = await closeDuePeriods(Date.parse(event.scheduleTime) || Date.now());
    const closed = outcomes.filter((o) => o.status === "closed");
    log.info("leaderboard periods closed", { closed: closed.length, paid: closed.reduce((sum, o) => sum + o.paid, 0) });
  },
);
