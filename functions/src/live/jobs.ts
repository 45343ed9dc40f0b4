/** Scheduled jobs of live streams: the sweep (sweep.ts). */
import "../composition.js";
import { onSchedule } from "firebase-functions/v2/scheduler";
import { REGION, UPSTASH_REDIS_REST_TOKEN } from "../kernel/config.js";
import { log } from "../kernel/logger.js";
import { LIVEKIT_API_SECRET } from "../media/tokens.js";
import { sweepLiveStreams } from "./sweep.js";

export const sweepLiveStreamsJob = onSchedule(
  // The secret: ending a stream closes its media room (media/sessions.ts).
  {
    schedule: "every 1 minutes",
    timeZone: "Etc/UTC",
    region: REGION,
    timeoutSeconds: 300,
    retryCount: 0,
    secrets: [LIVEKIT_API_SECRET, UPSTASH_REDIS_REST_TOKEN],
  },
  async (event) => {
    const summary = await sweepLiveStreams(event.scheduleTime ? Date.parse(event.scheduleTime) : Date.now());
    log.info("live sweep", { ...summary });
  },
);
