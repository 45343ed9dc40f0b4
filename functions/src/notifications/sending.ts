/** Pushing a rendered notification: the per-user push rate, the FCM data payload, the badge. */
import { userRef } from "../kernel/collections.js";
import { enforceRateLimit } from "../kernel/ratelimit.js";
import type { NotificationsConfig } from "./config.js";
import { pushToUser } from "./push.js";
import type { NotificationData, OutboxRecord, PushMessage } from "./schema.js";
import { unreadCount } from "./store.js";
import { type RenderedNotification, TEMPLATES } from "./templates.js";

export interface Recipient {
  exists: boolean;
  language: string | null;
}

export async function readRecipient(uid: string): Promise<Recipient> {
  const snap = await userRef(uid).get();
  return { exists: snap.exists, language: (snap.get("language") as string | undefined) ?? null };
}

const PUSH_RATE = "notifications.push";

/** Consumes one of the user's hourly pushes; false when they are spent (a Redis outage lets pushes through). */
async function withinPushRate(uid: string, config: NotificationsConfig): Promise<boolean> {
  try {
    await enforceRateLimit({ name: PUSH_RATE, tokens: config.pushesPerHour, windowSeconds: 3_600 }, uid);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === "resource-exhausted") return false;
    throw err;
  }
}

/** FCM data payloads carry strings only. */
function pushData(id: string, record: Pick<OutboxRecord, "type">, data: NotificationData): Record<string, string> {
  return { ...Object.fromEntries(Object.entries(data).map(([key, value]) => [key, String(value)])), type: record.type, notificationId: id };
}

/** The template's collapse key, suffixed with its collapse parameter's value when it has one ("dm-a__b"). */
export function collapseKeyOf(key: string, param: string | undefined, data: NotificationData): string {
  const value = param ? data[param] : undefined;
  return value === undefined ? key : `${key}-${value}`;
}

/**
 * Pushes one rendered notification to the user's devices, within the push rate unless `critical`. The
 * result is the channel's record: sent, skipped (rate, no device) or failed (retryable).
 */
export async function pushRendered(
  uid: string,
  id: string,
  record: Pick<OutboxRecord, "type" | "data">,
  rendered: RenderedNotification,
  config: NotificationsConfig,
): Promise<string> {
  const template = TEMPLATES[record.type];
  if (!template.critical && !(await withinPushRate(uid, config))) return "skipped:rate";
  const message: PushMessage = {
    ...rendered,
    data: pushData(id, record, record.data),
    priority: template.push.priority,
    ...(template.push.collapseKey ? { collapseKey: collapseKeyOf(template.push.collapseKey, template.push.collapseParam, record.data) } : {}),
    badge: await unreadCount(uid),
  };
  const outcome = await pushToUser(uid, message);
  if (outcome.retryableError) return `failed:${outcome.retryableError}`;
  return outcome.devices === 0 ? "skipped:no-devices" : "sent";
}
