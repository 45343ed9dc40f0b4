/** Scheduled jobs of the venues: the presence sweep. */
import "../composition.js";
import { onSchedule } from "firebase-functions/v2/scheduler";
import { REGION, UPSTASH_REDIS_REST_TOKEN } from "../kernel/config.js";
import { log } from "../kernel/logger.js";
import { LIVEKIT_API_SECRET } from "../media/tokens.js";
import { sweepVenuePresence } from "./presence.js";

/**
 * Frees seats, guest slots and viewer counts held by clients whose onDisconnect never fired, and trims
 * gift feeds. Idempotent, so an overlapping or retried run is harmless. The LiveKit secret: removals also
 * end joined media sessions (media/sessions.ts).
 */
export const sweepVenuePresenceJob = onSchedule(
  {
    schedule: "every 1 minutes",
    timeZone: "Etc/UTC",
    region: REGION,
    timeoutSeconds: 120,
    retryCount: 0,
    secrets: [LIVEKIT_API_SECRET, UPSTASH_REDIS_REST_TOKEN],
  },
  async () => {
    const summary = await sweepVenuePresence();
    if (summary.failures > 0) log.warn("venue presence sweep finished with failures", { ...summary });
    else log.info("venue presence sweep", { ...summary });
  },
);
