/** Scheduled jobs of the wallet domain. */
import { onSchedule } from "firebase-functions/v2/scheduler";
import { REGION } from "../kernel/config.js";
import { log } from "../kernel/logger.js";
import { runReconciliation } from "./reconciliation.js";
import { foldAllWalletShards } from "./shards.js";

/** Daily conservation check; mismatches are logged with log.error (alert on it) and kept in the report. */
export const reconcileLedgerDaily = onSchedule(
  { schedule: "every day 03:30", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 540, memory: "1GiB", retryCount: 1 },
  async () => {
    await runReconciliation("schedule");
  },
);

/** Folds hot wallets' credit shards into their wallet documents; idempotent, safe to overlap with gifts. */
export const foldWalletShards = onSchedule(
  { schedule: "every 10 minutes", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 540, retryCount: 1 },
  async () => {
    const summary = await foldAllWalletShards();
    log.info("wallet shards folded", { ...summary });
  },
);
