/** Hourly removal of deleted and abandoned media (idempotent: overlapping or retried runs are harmless). */
import { onSchedule } from "firebase-functions/v2/scheduler";
import { REGION } from "../../kernel/config.js";
import { cleanUpMedia } from "./cleanup.js";

export const cleanUpMediaJob = onSchedule(
  { schedule: "every 60 minutes", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 540, retryCount: 1 },
  async (event) => {
    await cleanUpMedia(new Date(event.scheduleTime || Date.now()).getTime());
  },
);
