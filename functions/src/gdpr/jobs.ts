/** Scheduled jobs of the GDPR domain. */
import "../composition.js";
import { onSchedule } from "firebase-functions/v2/scheduler";
import { REGION, UPSTASH_REDIS_REST_TOKEN } from "../kernel/config.js";
import { log } from "../kernel/logger.js";
import { LIVEKIT_API_SECRET } from "../media/tokens.js";
import { resumeStaleDeletions } from "./deletion.js";

/** Deletions interrupted by a crash or timeout are finished here, even if the user never returns. */
export const resumeAccountDeletions = onSchedule(
  { schedule: "every 30 minutes", region: REGION, timeoutSeconds: 540, secrets: [LIVEKIT_API_SECRET, UPSTASH_REDIS_REST_TOKEN] },
  async () => {
    const resumed = await resumeStaleDeletions();
    if (resumed) log.info("account deletions resumed", { resumed });
  },
);
