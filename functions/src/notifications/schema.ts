/**
 * The notifications contract: every type of notification the platform sends, the record a domain's
 * notify() leaves in the outbox, and the delivery state the pipeline keeps on it. Importable by clients.
 */
import * as z from "zod";
import { RequestIdSchema } from "../kernel/idempotency.js";
import { BASELINE_ROLE, RoleSchema } from "../kernel/roles.js";
import { CursorSchema, keySafeId, nullMeansDefaults } from "../kernel/validation.js";
import { type Channel, type NotificationData, type NotificationType, NotificationTypeSchema } from "./outbox.js";

export type {
  Channel,
  DeliveryStatus,
  NotificationData,
  NotificationType,
  NotifyInput,
  OutboxRecord,
} from "./outbox.js";
export {
  ChannelSchema,
  DeliveryStatusSchema,
  NotificationDataSchema,
  NotificationTypeSchema,
  NotifyInputSchema,
} from "./outbox.js";

/** One push as the pipeline hands it to delivery; `data` travels to the app with `deepLink` added. */
export type PushMessage = {
  title: string;
  body: string;
  deepLink: string;
  data: Record<string, string>;
  priority: "high" | "normal";
  collapseKey?: string;
  badge?: number;
};

/** What one pushToUser did: devices with a token, sends accepted, dead tokens removed, other failures. */
export type PushOutcome = { devices: number; sent: number; pruned: number; failed: number; retryableError?: string };

/** Per type, which channels the user switched on or off (a missing switch means the type's default). */
export const ChannelSwitchesSchema = z.object({ inbox: z.boolean(), push: z.boolean(), email: z.boolean() }).partial().strict();
export type ChannelSwitches = z.infer<typeof ChannelSwitchesSchema>;

const ClockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time of day as HH:MM (00:00–23:59)");

/** An IANA time zone name Intl knows (e.g. Asia/Kolkata). */
const TimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, "timeZone must be an IANA time zone (e.g. Asia/Kolkata)");

/** No push between start and end in the user's time zone; end before start crosses midnight. */
export const QuietHoursSchema = z
  .object({ start: ClockTimeSchema, end: ClockTimeSchema, timeZone: TimeZoneSchema })
  .strict()
  .refine((hours) => hours.start !== hours.end, { message: "start and end must differ", path: ["end"] });
export type QuietHours = z.infer<typeof QuietHoursSchema>;

/** users/{uid}/private/notificationPrefs, as stored. */
export const NotificationPreferencesSchema = z
  .object({
    types: z.partialRecord(NotificationTypeSchema, ChannelSwitchesSchema).default({}),
    quietHours: QuietHoursSchema.nullable().default(null),
  })
  .strict();
export type NotificationPreferences = z.infer<typeof NotificationPreferencesSchema>;

/** Switches given are merged into the stored ones; quietHours replaces them (null: none). */
export const SetNotificationPreferencesRequestSchema = z
  .object({
    types: z.partialRecord(NotificationTypeSchema, ChannelSwitchesSchema).optional(),
    quietHours: QuietHoursSchema.nullable().optional(),
  })
  .strict()
  .refine((request) => request.types !== undefined || request.quietHours !== undefined, "give types, quietHours or both");
export type SetNotificationPreferencesRequest = z.infer<typeof SetNotificationPreferencesRequestSchema>;

/** The effective switches of every type (defaults applied; only the channels the type uses) and the quiet hours. */
export interface NotificationPreferencesResponse {
  types: Record<NotificationType, ChannelSwitches>;
  quietHours: QuietHours | null;
}

/** What delivery does with one channel: send, or skip and why. */
export type ChannelDecision = "send" | "skip:preference" | "skip:quiet-hours" | "skip:rate";

/** Roles an announcement may target (every account is a viewer: an announcement to everyone names none). */
export const AnnouncementRoleSchema = RoleSchema.exclude([BASELINE_ROLE]);

const CountryCodeSchema = z.string().regex(/^[A-Z]{2}$/, "country must be an ISO 3166-1 alpha-2 code (e.g. IN)");

/** FCM evaluates a condition of at most five topics. */
export const MAX_ANNOUNCEMENT_TOPICS = 5;

/**
 * sendAnnouncement (admins): a notification to every user, or to an audience: any of some countries, any of
 * some roles, one language (each given narrows it). One announcement per requestId.
 */
export const SendAnnouncementRequestSchema = z
  .object({
    requestId: RequestIdSchema,
    title: z.string().trim().min(1).max(100),
    body: z.string().trim().min(1).max(500),
    country: CountryCodeSchema.optional(),
    countries: z.array(CountryCodeSchema).min(1).max(MAX_ANNOUNCEMENT_TOPICS).optional(),
    roles: z.array(AnnouncementRoleSchema).min(1).max(MAX_ANNOUNCEMENT_TOPICS).optional(),
    language: z
      .string()
      .regex(/^[a-z]{2,3}$/, "language must be a primary language subtag (e.g. hi)")
      .optional(),
  })
  .strict()
  .refine((request) => !(request.country && request.countries), "give country or countries, not both")
  .refine(
    (request) =>
      (request.countries?.length ?? (request.country ? 1 : 0)) + (request.roles?.length ?? 0) + (request.language ? 1 : 0) <= MAX_ANNOUNCEMENT_TOPICS,
    `an audience names at most ${MAX_ANNOUNCEMENT_TOPICS} countries, roles and languages in all`,
  );
export type SendAnnouncementRequest = z.infer<typeof SendAnnouncementRequestSchema>;

/** created is false when the requestId had already sent this announcement (nothing new is sent). */
export interface SendAnnouncementResponse {
  announcementId: string;
  created: boolean;
}

export const GetAnnouncementRequestSchema = z.object({ id: keySafeId({ label: "id" }) }).strict();
export type GetAnnouncementRequest = z.infer<typeof GetAnnouncementRequestSchema>;

/** An announcement and its fan-out: pages done of pages (null until the last page is known), users scanned and reached. */
export interface AnnouncementProgress {
  id: string;
  title: string;
  body: string;
  countries: string[] | null;
  roles: string[] | null;
  language: string | null;
  createdBy: string;
  createdAt: string | null;
  status: "running" | "done";
  pagesDone: number;
  pages: number | null;
  usersScanned: number;
  usersReached: number;
  completedAt: string | null;
}

/** The payload of one fan-out page task (fanOutGoLive). */
export const FanoutTaskSchema = z.object({ fanoutId: z.string().min(1).max(200), page: z.number().int().min(0) }).strict();
/** The payload of a retryNotificationDelivery task. */
export const RetryDeliveryTaskSchema = z.object({ id: z.string().min(1).max(128) }).strict();
/** The payload of a notificationWindowSummary task. */
export const WindowSummaryTaskSchema = z
  .object({ uid: z.string().min(1).max(128), type: NotificationTypeSchema, windowId: z.string().min(1).max(128) })
  .strict();

/** Why a notifications callable refuses (details.reason). */
export const NotificationRefusalSchema = z.enum(["notification-not-found", "not-dead", "announcement-not-found"]);
export type NotificationRefusal = z.infer<typeof NotificationRefusalSchema>;

/** An inbox entry or outbox record id: the outbox id (hex) or an older key-safe id. */
const NotificationIdSchema = keySafeId({ label: "id" });

const PageRequestSchema = z
  .object({
    limit: z.number().int().min(1).max(50).default(20),
    cursor: CursorSchema.nullish(),
  })
  .strict();

export const ListNotificationsRequestSchema = nullMeansDefaults(PageRequestSchema);
export type ListNotificationsRequest = z.infer<typeof ListNotificationsRequestSchema>;

export const MarkNotificationsReadRequestSchema = z.object({ ids: z.array(NotificationIdSchema).min(1).max(100) }).strict();
export type MarkNotificationsReadRequest = z.infer<typeof MarkNotificationsReadRequestSchema>;

export const MarkAllNotificationsReadRequestSchema = nullMeansDefaults(z.object({}).strict());

export const DeleteNotificationRequestSchema = z.object({ id: NotificationIdSchema }).strict();
export type DeleteNotificationRequest = z.infer<typeof DeleteNotificationRequestSchema>;

export const ListDeadNotificationsRequestSchema = nullMeansDefaults(PageRequestSchema);
export type ListDeadNotificationsRequest = z.infer<typeof ListDeadNotificationsRequestSchema>;

export const RetryDeadNotificationRequestSchema = z.object({ id: NotificationIdSchema, reason: z.string().trim().min(3).max(500) }).strict();
export type RetryDeadNotificationRequest = z.infer<typeof RetryDeadNotificationRequestSchema>;

/** One inbox entry as the app shows it; count is set on an aggregated entry ("Mia and 12 others"). */
export interface InboxItem {
  id: string;
  type: NotificationType;
  title: string;
  body: string;
  deepLink: string;
  data: NotificationData;
  read: boolean;
  createdAt: string | null;
  actorUid: string | null;
  count: number | null;
}

export interface ListNotificationsResponse {
  items: InboxItem[];
  nextCursor: string | null;
  unreadCount: number;
}

/** After marking read or deleting: how many entries changed and the exact unread count. */
export interface InboxChangeResponse {
  changed: number;
  unreadCount: number;
}

export interface DeadNotification {
  id: string;
  recipient: string;
  type: NotificationType;
  attempts: number;
  lastError: string | null;
  channels: Partial<Record<Channel, string>>;
  createdAt: string | null;
  deadAt: string | null;
}

export interface ListDeadNotificationsResponse {
  items: DeadNotification[];
  nextCursor: string | null;
}

export interface RetryDeadNotificationResponse {
  id: string;
  /** The delivery attempt made at once: sent, failed (retrying again) or dead. */
  outcome: string;
  channels: Partial<Record<Channel, string>>;
}

export const GetNotificationPreferencesRequestSchema = nullMeansDefaults(z.object({}).strict());
