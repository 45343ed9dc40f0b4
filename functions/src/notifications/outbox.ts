/**
 * What a domain hands to notify() and what notify() leaves in the outbox: every notification type, the
 * template data, the input and the outbox record with its delivery state. Kept apart from the rest of the
 * contract (schema.ts re-exports it) so that every domain that notifies builds only these schemas when
 * its function starts, not the notification callables' requests.
 */
import * as z from "zod";

/**
 * Every notification type. A domain adds its moments here; the template catalog (templates.ts) must
 * cover each one in every supported language, and a unit test checks that it does.
 */
export const NotificationTypeSchema = z.enum([
  // social graph
  "follow",
  // gifts (aggregated per recipient within a window)
  "gift-received",
  // live streams and PK
  "go-live",
  "pk-challenge",
  "pk-result",
  "guest-invite",
  // voice rooms
  "seat-invite",
  // progression and VIP
  "level-up",
  "badge-earned",
  "vip-expiring",
  "vip-expired",
  // money
  "withdrawal-approved",
  "withdrawal-rejected",
  "withdrawal-paid",
  // account
  "kyc-approved",
  "kyc-rejected",
  "account-suspended",
  "account-banned",
  "new-device",
  // operators
  "announcement",
  // social
  "post-mention",
  "post-like",
  "post-comment",
  "comment-reply",
  "content-removed",
  "story-reply",
  "dm-message",
  // rankings
  "ranking-reward",
  // agencies
  "agency-approved",
  "agency-rejected",
  "agency-invitation",
  "agency-application",
  "agency-request-accepted",
  "agency-request-declined",
  "agency-member-removed",
  "agency-deleted",
  "agency-announcement",
  // campaigns
  "campaign-tier-reached",
  // admin: moderation
  "moderation-warning",
  "moderation-muted",
  "moderation-content-removed",
  "appeal-upheld",
  "appeal-overturned",
  // live monitoring (operations staff)
  "stream-ended-by-staff",
  "room-closed-by-staff",
  // system announcements (admins, fanned out to their audience)
  "system-announcement",
]);
export type NotificationType = z.infer<typeof NotificationTypeSchema>;

/** Template parameters and deep-link ids: flat strings and numbers only (FCM data payloads are strings). */
export const NotificationDataSchema = z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,39}$/), z.union([z.string().max(500), z.number().finite()]));
export type NotificationData = z.infer<typeof NotificationDataSchema>;

/** What a domain passes to notify(). The dedupe key names the event (e.g. the ledger transaction id). */
export const NotifyInputSchema = z
  .object({
    recipient: z.string().min(1).max(128),
    type: NotificationTypeSchema,
    data: NotificationDataSchema,
    dedupeKey: z.string().min(1).max(300),
    /** The user who caused it (a follower, a gifter), for aggregation ("Mia and 12 others") and block checks. */
    actorUid: z.string().min(1).max(128).optional(),
  })
  .strict();
export type NotifyInput = z.infer<typeof NotifyInputSchema>;

export const DeliveryStatusSchema = z.enum(["pending", "sent", "failed", "dead"]);
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>;

export const ChannelSchema = z.enum(["inbox", "push", "email"]);
export type Channel = z.infer<typeof ChannelSchema>;

/**
 * notificationOutbox/{id}: written once per (recipient, type, dedupe key) by notify(); the delivery
 * pipeline moves it from pending to sent, failed (retrying) or dead (retries exhausted, visible to admins).
 */
export interface OutboxRecord extends NotifyInput {
  createdAt: FirebaseFirestore.Timestamp;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: FirebaseFirestore.Timestamp | null;
  /** Per channel: what delivery did ("sent", "skipped:<why>", "failed:<why>"). */
  channels: Partial<Record<Channel, string>>;
}
