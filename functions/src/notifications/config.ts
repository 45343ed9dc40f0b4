/**
 * Notification delivery settings (config/notifications, admin-managed): retries and their backoff, the
 * delivery lease, the per-user push rate, and when the sweep takes over from a lost trigger or task.
 */
import * as z from "zod";
import { configDocument } from "../kernel/config-document.js";

export const NotificationsConfigSchema = z
  .object({
    /** Delivery attempts before a record is dead (visible to admins, retried only by hand). */
    maxAttempts: z.number().int().min(1).max(20).default(6),
    /** The wait after the first failed attempt; it doubles per attempt up to backoffMaxSeconds. */
    backoffBaseSeconds: z.number().int().min(1).max(3_600).default(30),
    backoffMaxSeconds: z.number().int().min(1).max(86_400).default(3_600),
    /** How long one delivery holds a record; a crashed delivery's record is free again after it. */
    leaseSeconds: z.number().int().min(10).max(600).default(120),
    /** Pushes per user per hour; beyond it push is skipped (the inbox still gets it). Critical types are exempt. */
    pushesPerHour: z.number().int().min(1).max(1_000).default(20),
    /** A record still pending this long after creation lost its trigger: the sweep delivers it. */
    sweepPendingAfterSeconds: z.number().int().min(30).max(86_400).default(180),
  })
  .strict();
export type NotificationsConfig = z.infer<typeof NotificationsConfigSchema>;

const notifications = configDocument("notifications", NotificationsConfigSchema);

export const notificationsConfig = (): Promise<NotificationsConfig> => notifications.get();

/** The wait before attempt `attempts + 1`, after `attempts` failed ones. */
export function backoffSeconds(config: NotificationsConfig, attempts: number): number {
  return Math.min(config.backoffMaxSeconds, config.backoffBaseSeconds * 2 ** Math.max(0, attempts - 1));
}
