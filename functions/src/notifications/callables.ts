/** How the apps reach their inbox and notification preferences, and how admins see dead letters and send announcements. */
import { defineCallable } from "../kernel/callable.js";
import { UPSTASH_REDIS_REST_TOKEN } from "../kernel/config.js";
import { getAnnouncement as readAnnouncement, sendAnnouncement as startAnnouncement } from "./announcements.js";
import { listDeadNotifications as listDead, retryDeadNotification as retryDead } from "./dead-letters.js";
import { deleteNotification as deleteEntry, listNotifications as listInbox, markAllRead, markRead } from "./inbox.js";
import { SMTP_PASSWORD } from "./mail.js";
import { getPreferences, setPreferences } from "./preferences.js";
import {
  DeleteNotificationRequestSchema,
  GetAnnouncementRequestSchema,
  GetNotificationPreferencesRequestSchema,
  ListDeadNotificationsRequestSchema,
  ListNotificationsRequestSchema,
  MarkAllNotificationsReadRequestSchema,
  MarkNotificationsReadRequestSchema,
  RetryDeadNotificationRequestSchema,
  SendAnnouncementRequestSchema,
  SetNotificationPreferencesRequestSchema,
} from "./schema.js";

export const getNotificationPreferences = defineCallable({
  name: "notifications.getPreferences",
  input: GetNotificationPreferencesRequestSchema,
  handler: ({ caller }) => getPreferences(caller.uid),
});

export const setNotificationPreferences = defineCallable({
  name: "notifications.setPreferences",
  input: SetNotificationPreferencesRequestSchema,
  rateLimit: { perUid: { tokens: 20, windowSeconds: 60 } },
  handler: ({ caller, data }) => setPreferences(caller.uid, data),
});

export const listNotifications = defineCallable({
  name: "notifications.list",
  input: ListNotificationsRequestSchema,
  handler: ({ caller, data }) => listInbox(caller.uid, data),
});

export const markNotificationsRead = defineCallable({
  name: "notifications.markRead",
  input: MarkNotificationsReadRequestSchema,
  handler: ({ caller, data }) => markRead(caller.uid, data),
});

export const markAllNotificationsRead = defineCallable({
  name: "notifications.markAllRead",
  input: MarkAllNotificationsReadRequestSchema,
  rateLimit: { perUid: { tokens: 10, windowSeconds: 60 } },
  handler: ({ caller }) => markAllRead(caller.uid),
});

export const deleteNotification = defineCallable({
  name: "notifications.delete",
  input: DeleteNotificationRequestSchema,
  handler: ({ caller, data }) => deleteEntry(caller.uid, data),
});

export const listDeadNotifications = defineCallable({
  name: "notifications.listDead",
  input: ListDeadNotificationsRequestSchema,
  roles: ["admin"],
  handler: ({ data }) => listDead(data),
});

export const retryDeadNotification = defineCallable({
  name: "notifications.retryDead",
  input: RetryDeadNotificationRequestSchema,
  roles: ["admin"],
  // The retry delivers at once: it may send e-mail and counts against the push rate.
  options: { secrets: [SMTP_PASSWORD, UPSTASH_REDIS_REST_TOKEN], timeoutSeconds: 120 },
  handler: ({ caller, data }) => retryDead(caller, data),
});

export const sendAnnouncement = defineCallable({
  name: "notifications.sendAnnouncement",
  input: SendAnnouncementRequestSchema,
  roles: ["admin"],
  rateLimit: { perUid: { tokens: 10, windowSeconds: 60 } },
  handler: ({ caller, data }) => startAnnouncement(caller, data),
});

export const getAnnouncement = defineCallable({
  name: "notifications.getAnnouncement",
  input: GetAnnouncementRequestSchema,
  roles: ["admin"],
  handler: ({ data }) => readAnnouncement(data),
});
