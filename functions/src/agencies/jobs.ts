/** Scheduled work of agencies: leave requests past their timeout, and the salary of the last closed period. */
import { onSchedule } from "firebase-functions/v2/scheduler";
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { REGION } from "../kernel/config.js";
import { log } from "../kernel/logger.js";
import { agenciesConfig } from "./config.js";
import { releaseExpiredLeaves } from "./membership.js";
import { previousPeriod } from "./salary.js";
import { settleAgencyPeriod } from "./statements.js";
import { statementRef } from "./store.js";

export const releaseAgencyLeaves = onSchedule(
  { schedule: "every 60 minutes", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 540, retryCount: 0 },
  async () => {
    const released = await releaseExpiredLeaves();
    if (released > 0) log.info("agency leave requests took effect", { released });
  },
);

/**
 * Settles the last closed period of every active top-level agency whose statement is not paid yet
 * (settling is idempotent: a retried or overlapping run pays nothing twice).
 */
export async function settleLastPeriod(nowMs = Date.now()): Promise<number> {
  const config = await agenciesConfig();
  const period = previousPeriod(nowMs, config);
  if (nowMs < period.endMs + config.settleDelayMinutes * 60_000) return 0;
  const agencies = await db().collection(Collections.agencies).where("status", "==", "active").where("parentAgencyId", "==", null).select().get();
  let settled = 0;
  for (const agency of agencies.docs) {
    if ((await statementRef(agency.id, period.key).get()).get("paidAt")) continue;
    try {
      await settleAgencyPeriod(agency.id, period.key, nowMs);
      settled++;
    } catch (err) {
      log.error("agency period not settled", { agencyId: agency.id, period: period.key, error: String(err) });
    }
  }
  return settled;
}

export const settleAgencyPeriods = onSchedule(
  { schedule: "every 60 minutes", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 540, retryCount: 0 },
  async () => {
    const settled = await settleLastPeriod();
    if (settled > 0) log.info("agency periods settled", { settled });
  },
);
