/** Expired stories are deleted here (with their viewers, and their media marked), ahead of the TTL policy. */
import { onSchedule } from "firebase-functions/v2/scheduler";
import { REGION } from "../../kernel/config.js";
import { cleanupExpiredStories } from "./stories.js";

const ROUNDS = 10;

export const cleanupExpiredStoriesJob = onSchedule(
  { schedule: "every 60 minutes", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 540, retryCount: 0 },
  async () => {
    const batch = 200;
    for (let round = 0; round < ROUNDS; round++) {
      if ((await cleanupExpiredStories(Date.now(), batch)) < batch) return;
    }
  },
);
