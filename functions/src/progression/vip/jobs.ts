/** Scheduled jobs of VIP memberships. */
import { onSchedule } from "firebase-functions/v2/scheduler";
import { REGION } from "../../kernel/config.js";
import { log } from "../../kernel/logger.js";
import { expireVipMemberships, remindExpiringVipMemberships } from "./memberships.js";

/** Ends lapsed memberships (field, claim, notification); idempotent, so overlapping or retried runs are harmless. */
export const expireVipMembershipsJob = onSchedule(
  { schedule: "every 15 minutes", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 540, retryCount: 1 },
  async (event) => {
    const summary = await expireVipMemberships(new Date(event.scheduleTime || Date.now()));
    log.info("vip memberships expired", { ...summary });
  },
);

/** Daily: members whose membership ends within 3 days are reminded, once per membership period. */
export const remindExpiringVipMembershipsJob = onSchedule(
  { schedule: "every day 10:00", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 540, retryCount: 1 },
  async (event) => {
    const summary = await remindExpiringVipMemberships(new Date(event.scheduleTime || Date.now()));
    log.info("vip expiry reminders", { ...summary });
  },
);
