/**
 * Notification preferences: per type and channel on/off, and quiet hours in the user's time zone. Stored
 * server-side (users/{uid}/private/notificationPrefs); decideChannels is the pure rule delivery applies.
 */
import { firestoreValues } from "../kernel/app.js";
import { runTransaction } from "../kernel/transactions.js";
import {
  type Channel,
  type ChannelDecision,
  type ChannelSwitches,
  type NotificationPreferences,
  type NotificationPreferencesResponse,
  NotificationPreferencesSchema,
  type NotificationType,
  NotificationTypeSchema,
  type QuietHours,
  type SetNotificationPreferencesRequest,
} from "./schema.js";
import { preferencesRef } from "./store.js";
import { TEMPLATES } from "./templates.js";

export const DEFAULT_PREFERENCES: NotificationPreferences = { types: {}, quietHours: null };

/** A stored document that no longer parses (a type removed since) falls back to the defaults. */
export function preferencesFrom(raw: { types?: unknown; quietHours?: unknown } | undefined): NotificationPreferences {
  const parsed = NotificationPreferencesSchema.safeParse({ types: raw?.types, quietHours: raw?.quietHours });
  return parsed.success ? parsed.data : DEFAULT_PREFERENCES;
}

export async function readPreferences(uid: string): Promise<NotificationPreferences> {
  const snapshot = await preferencesRef(uid).get();
  return preferencesFrom(snapshot.data());
}

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(":").map(Number);
  return (hours as number) * 60 + (minutes as number);
}

/** The minute of the day at `nowMs` in `timeZone`. */
function localMinute(nowMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(nowMs);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return part("hour") * 60 + part("minute");
}

/** True inside [start, end) local time; a window whose end is before its start spans midnight. */
export function inQuietHours(quietHours: QuietHours, nowMs: number): boolean {
  const now = localMinute(nowMs, quietHours.timeZone);
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/**
 * Per channel of the type: send, or skip because the user switched it off or (push only) because it is
 * quiet time for them. Critical notices ignore quiet hours. The per-user push rate is delivery's concern.
 */
export function decideChannels(type: NotificationType, prefs: NotificationPreferences, nowMs: number): Partial<Record<Channel, ChannelDecision>> {
  const template = TEMPLATES[type];
  const switches = prefs.types[type] ?? {};
  const decisions: Partial<Record<Channel, ChannelDecision>> = {};
  for (const channel of template.channels) {
    if (switches[channel] === false) decisions[channel] = "skip:preference";
    else if (channel === "push" && !template.critical && prefs.quietHours && inQuietHours(prefs.quietHours, nowMs))
      decisions[channel] = "skip:quiet-hours";
    else decisions[channel] = "send";
  }
  return decisions;
}

function effective(prefs: NotificationPreferences): NotificationPreferencesResponse {
  const types = Object.fromEntries(
    NotificationTypeSchema.options.map((type) => {
      const switches: ChannelSwitches = {};
      for (const channel of TEMPLATES[type].channels) switches[channel] = prefs.types[type]?.[channel] ?? true;
      return [type, switches];
    }),
  ) as Record<NotificationType, ChannelSwitches>;
  return { types, quietHours: prefs.quietHours };
}

export async function getPreferences(uid: string): Promise<NotificationPreferencesResponse> {
  return effective(await readPreferences(uid));
}

export async function setPreferences(uid: string, request: SetNotificationPreferencesRequest): Promise<NotificationPreferencesResponse> {
  const ref = preferencesRef(uid);
  const next = await runTransaction(async (tx) => {
    const current = preferencesFrom((await tx.get(ref)).data());
    const types = { ...current.types };
    for (const [type, switches] of Object.entries(request.types ?? {}) as [NotificationType, ChannelSwitches][])
      types[type] = { ...types[type], ...switches };
    const updated: NotificationPreferences = {
      types,
      quietHours: request.quietHours === undefined ? current.quietHours : request.quietHours,
    };
    tx.set(ref, { ...updated, updatedAt: firestoreValues().FieldValue.serverTimestamp() });
    return updated;
  });
  return effective(next);
}
