/** Platform jobs: the daily Firestore export (backup.ts). */
import { onSchedule } from "firebase-functions/v2/scheduler";
import { REGION } from "../../kernel/config.js";
import { exportFirestore } from "./backup.js";

export const exportFirestoreBackup = onSchedule(
  { schedule: "0 3 * * *", timeZone: "Etc/UTC", region: REGION, timeoutSeconds: 120, retryCount: 2 },
  async () => {
    await exportFirestore();
  },
);
