/**
 * Broadcast topics: each device's push token is subscribed to its owner's country, language and role
 * topics (country-IN, lang-hi, role-host), kept in step with the device document, and operators broadcast
 * announcements to a topic or a condition over them.
 */
import { randomUUID } from "node:crypto";
import type { DocumentData } from "firebase-admin/firestore";
import { db } from "../kernel/app.js";
import { recordAudit } from "../kernel/audit.js";
import { Collections, userRef } from "../kernel/collections.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";
import { messaging } from "./push.js";
import { AnnouncementRoleSchema, type SendAnnouncementRequest, type SendAnnouncementResponse } from "./schema.js";
import { renderNotification } from "./templates.js";

/** Every device with a token is in this topic: announcements to everyone go there. */
export const EVERYONE_TOPIC = "all";

/** The country, language and role topics of a profile: country-{CC}, lang-{xx} (primary language subtag), role-{role}. */
function profileTopics(profile: DocumentData | undefined): string[] {
  const topics: string[] = [];
  const country = profile?.country;
  if (typeof country === "string" && /^[A-Z]{2}$/.test(country)) topics.push(`country-${country}`);
  const language = typeof profile?.language === "string" ? profile.language.split(/[-_]/)[0]?.toLowerCase() : undefined;
  if (language && /^[a-z]{2,3}$/.test(language)) topics.push(`lang-${language}`);
  // The baseline role is everyone's: the "all" topic already reaches them.
  const roles: unknown[] = Array.isArray(profile?.roles) ? profile.roles : [];
  for (const role of roles) if (AnnouncementRoleSchema.safeParse(role).success) topics.push(`role-${role}`);
  return topics;
}

/** The topics a profile's devices belong to. */
export function topicsForProfile(profile: DocumentData | undefined): string[] {
  return [EVERYONE_TOPIC, ...profileTopics(profile)];
}

/** Subscribes or unsubscribes one token; per-token refusals (a dead token) are FCM's to forget, not errors. */
async function manage(action: "subscribe" | "unsubscribe", token: string, topics: string[]): Promise<void> {
  const client = messaging();
  for (const topic of topics) {
    if (action === "subscribe") await client.subscribeToTopic(token, topic);
    else await client.unsubscribeFromTopic(token, topic);
  }
}

export type TopicSync = "unchanged" | "synced" | "superseded";

/**
 * Brings a device's topic subscriptions in line with its token and its owner's profile: the token the
 * topics were subscribed with (topicsToken) leaves the topics it no longer should be in (all of them when
 * the token changed or the device is gone), the current token joins the wanted ones, and the device
 * records { topics, topicsToken } — only if it still has that token. State-based, so a repeat is harmless.
 * `removed` describes a deleted device (its last state), whose token leaves all its topics.
 */
export async function syncDeviceTopics(uid: string, deviceId: string, removed?: DocumentData): Promise<TopicSync> {
  const deviceRef = userRef(uid).collection(Collections.devices).doc(deviceId);
  const [device, profile] = await db().getAll(deviceRef, userRef(uid));
  const state = device.exists ? device.data() : removed;
  if (!state) return "unchanged";
  const token: string | null = device.exists ? (device.get("fcmToken") ?? null) : null;
  const subscribedToken: string | null = state.topicsToken ?? null;
  const subscribed: string[] = state.topics ?? [];
  const wanted = token ? topicsForProfile(profile.data()) : [];
  const sameTopics = subscribed.length === wanted.length && wanted.every((topic) => subscribed.includes(topic));
  if (token === subscribedToken && sameTopics) return "unchanged";

  if (subscribedToken) {
    const leaving = subscribedToken === token ? subscribed.filter((topic) => !wanted.includes(topic)) : subscribed;
    await manage("unsubscribe", subscribedToken, leaving);
  }
  if (token) {
    const joining = token === subscribedToken ? wanted.filter((topic) => !subscribed.includes(topic)) : wanted;
    await manage("subscribe", token, joining);
  }
  if (!device.exists) return "synced";
  return runTransaction(async (tx) => {
    const current = await tx.get(deviceRef);
    if (!current.exists || (current.get("fcmToken") ?? null) !== token) return "superseded";
    tx.update(deviceRef, { topics: wanted, topicsToken: token });
    return "synced";
  });
}

/** Unsubscribes a token from the topics recorded for it; failures are logged (the token is being dropped anyway). */
export async function leaveTopics(token: string, topics: string[]): Promise<void> {
  try {
    await manage("unsubscribe", token, topics);
  } catch (err) {
    log.warn("topic unsubscribe failed", { topics, error: String(err) });
  }
}

/**
 * The FCM target of an announcement: everyone, or the devices in any of the countries, any of the roles
 * and the language given (a single topic, or a condition).
 */
export function announcementTarget(
  request: Pick<SendAnnouncementRequest, "country" | "countries" | "language" | "roles">,
): { topic: string } | { condition: string } {
  const countries = request.countries ?? (request.country ? [request.country] : []);
  const groups = [
    countries.map((country) => `country-${country}`),
    (request.roles ?? []).map((role) => `role-${role}`),
    request.language ? [`lang-${request.language}`] : [],
  ].filter((group) => group.length > 0);
  if (groups.length === 0) return { topic: EVERYONE_TOPIC };
  if (groups.length === 1 && groups[0]?.length === 1) return { topic: groups[0][0] as string };
  const anyOf = (group: string[]) => {
    const terms = group.map((topic) => `'${topic}' in topics`);
    return terms.length === 1 ? (terms[0] as string) : `(${terms.join(" || ")})`;
  };
  return { condition: groups.map(anyOf).join(" && ") };
}

/**
 * Broadcasts an operator's announcement to a topic or condition and records it in the audit log. The
 * audit entry is written first: an announcement that reached phones is always on record.
 */
export async function sendAnnouncement(caller: Caller, request: SendAnnouncementRequest): Promise<SendAnnouncementResponse> {
  const announcementId = randomUUID();
  const target = announcementTarget(request);
  const rendered = renderNotification("announcement", request.language ?? "en", {
    headline: request.title,
    message: request.body,
    announcementId,
  });
  const batch = db().batch();
  recordAudit(batch, {
    action: "notifications.announcement.send",
    actorUid: caller.uid,
    targetUid: null,
    details: { announcementId, title: request.title, body: request.body, ...target },
  });
  await batch.commit();
  const messageName = await messaging().send({
    ...target,
    notification: { title: request.title, body: request.body },
    data: { type: "announcement", announcementId, deepLink: rendered.deepLink },
    android: { priority: "normal" },
    apns: { headers: { "apns-priority": "5" } },
  });
  log.info("announcement sent", { announcementId, ...target, messageName });
  return { announcementId, messageName, ...target };
}
