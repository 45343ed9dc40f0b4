/**
 * The moderation queue's contract: queue items (one per user report and per automated flag), the actions
 * moderators take on them, the sanctions those leave on a subject, appeals against sanctions, and the
 * metrics over actions. Importable by clients (the console codes against these types).
 */
import * as z from "zod";
import { RequestIdSchema } from "../../kernel/idempotency.js";
import { CursorSchema, KeySafeIdSchema } from "../../kernel/validation.js";

export const ModerationRefusalSchema = z.enum([
  /** The item was already actioned or dismissed. */
  "item-closed",
  /** The action needs a subject account and the item names none. */
  "no-subject",
  /** remove-content on an item whose content has no removal (only posts, comments and chat messages do). */
  "content-not-removable",
  /** submitAppeal about a sanction of someone else. */
  "not-your-sanction",
  "already-appealed",
  "appeal-decided",
  /** decideAppeal by the moderator who imposed the sanction. */
  "same-moderator",
  /** A country-scoped moderator acting on an account of another country (kernel/staff-scope.ts). */
  "out-of-country-scope",
]);
export type ModerationRefusal = z.infer<typeof ModerationRefusalSchema>;

export const ITEM_KINDS = ["report", "flag"] as const;
export const ITEM_SOURCES = [
  "user-report",
  "chat-filter",
  "media",
  "game-collusion",
  "payment-velocity",
  "payment-review",
  "reseller-ring",
  "other",
] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];
export type ItemSource = (typeof ITEM_SOURCES)[number];
export const ITEM_STATUSES = ["open", "actioned", "dismissed"] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** What an item is about: a post ("postId"), a comment ("postId/commentId"), a chat message ("venueKey/messageId"), ... */
export interface ContentRef {
  type: string;
  id: string;
}

/** moderationItems/{id}: report__{reportId}, flag__{reviewQueueId}__{openedAtMs} or chat-filter__{uid}__{messageId}. */
export interface ModerationItemView {
  itemId: string;
  kind: ItemKind;
  source: ItemSource;
  /** The account the item is about; null when the source names none. */
  subjectUid: string | null;
  /**
   * The subject's country when the item opened (users/{uid}.country), null without one. A country-scoped
   * moderator's queue holds the items of its countries only.
   */
  subjectCountry: string | null;
  /** Other accounts involved (the second member of a reseller ring or a colluding pair). */
  relatedUids: string[];
  contentRef: ContentRef | null;
  /** The report (reports/{id}) or review entry (reviewQueue/{id}) it came from. */
  sourceRef: string;
  /** Why the source raised it: the report's reason, the flag's reason. */
  reason: string;
  priority: number;
  status: ItemStatus;
  createdAt: string | null;
  actionedAt: string | null;
  actorUid: string | null;
  outcome: ModerationOutcome | null;
  sanctionId: string | null;
}

export const ACTIONS = ["dismiss", "warn", "remove-content", "mute", "suspend", "ban", "escalate"] as const;
export type ModerationAction = (typeof ACTIONS)[number];
/** What an action did: "escalate" resolves to the ladder's step. */
export type ModerationOutcome = Exclude<ModerationAction, "escalate">;
export const OUTCOMES: readonly ModerationOutcome[] = ["dismiss", "warn", "remove-content", "mute", "suspend", "ban"];

const ReasonSchema = z.string().trim().min(3, "reason is required for the audit log").max(500);
/** Up to a year; a permanent ban is "ban". */
export const MAX_SANCTION_MINUTES = 365 * 24 * 60;

export const ListModerationQueueRequestSchema = z
  .object({
    status: z.enum(ITEM_STATUSES).default("open"),
    kind: z.enum(ITEM_KINDS).optional(),
    source: z.enum(ITEM_SOURCES).optional(),
    minPriority: z.number().int().min(0).max(100).optional(),
    cursor: CursorSchema.optional(),
    limit: z.number().int().min(1).max(100).default(25),
  })
  .strict();
export type ListModerationQueueRequest = z.output<typeof ListModerationQueueRequestSchema>;

export interface ListModerationQueueResponse {
  items: ModerationItemView[];
  nextCursor: string | null;
}

export const GetModerationItemRequestSchema = z.object({ itemId: KeySafeIdSchema }).strict();
export type GetModerationItemRequest = z.output<typeof GetModerationItemRequestSchema>;

export interface GetModerationItemResponse {
  item: ModerationItemView;
  /** The report with its evidence (signed URLs), for report items. */
  report: import("../../social/schema.js").ReportView | null;
  /** The review entry as its domain wrote it, for flag items from reviewQueue. */
  flag: Record<string, unknown> | null;
  /** The subject's sanctions within the ladder's window, newest first. */
  recentSanctions: SanctionView[];
}

export const TakeModerationActionRequestSchema = z
  .object({
    itemId: KeySafeIdSchema,
    action: z.enum(ACTIONS),
    reason: ReasonSchema,
    requestId: RequestIdSchema,
    /** mute and suspend: how long; omitted, mute takes config muteMinutes and suspend the ladder's next suspension. */
    durationMinutes: z.number().int().min(1).max(MAX_SANCTION_MINUTES).optional(),
  })
  .strict()
  .refine((r) => r.durationMinutes === undefined || r.action === "mute" || r.action === "suspend", {
    message: "durationMinutes applies to mute and suspend only",
    path: ["durationMinutes"],
  });
export type TakeModerationActionRequest = z.output<typeof TakeModerationActionRequestSchema>;

export interface TakeModerationActionResponse {
  itemId: string;
  outcome: ModerationOutcome;
  /** Null for dismiss. */
  sanctionId: string | null;
  /** The ladder step the sanction counts as (0-based: the subject's sanctions within the window before it). */
  step: number | null;
  /** ISO end of a mute or suspension; null otherwise. */
  until: string | null;
}

/** sanctions/{id}. */
export interface SanctionView {
  sanctionId: string;
  subjectUid: string;
  action: Exclude<ModerationOutcome, "dismiss">;
  step: number;
  until: string | null;
  itemId: string;
  actorUid: string;
  reason: string;
  status: "active" | "overturned";
  createdAt: string | null;
}

const AppealTextSchema = z.string().trim().min(10, "tell us why, in at least 10 characters").max(2000);

export const SubmitAppealRequestSchema = z.object({ sanctionId: KeySafeIdSchema, text: AppealTextSchema, requestId: RequestIdSchema }).strict();
export type SubmitAppealRequest = z.output<typeof SubmitAppealRequestSchema>;

export interface SubmitAppealResponse {
  appealId: string;
  status: "pending";
}

export const APPEAL_STATUSES = ["pending", "upheld", "overturned"] as const;
export type AppealStatus = (typeof APPEAL_STATUSES)[number];

export const ListAppealsRequestSchema = z
  .object({
    status: z.enum(APPEAL_STATUSES).default("pending"),
    cursor: CursorSchema.optional(),
    limit: z.number().int().min(1).max(100).default(25),
  })
  .strict();
export type ListAppealsRequest = z.output<typeof ListAppealsRequestSchema>;

/** appeals/{sanctionId}: one per sanction. */
export interface AppealView {
  appealId: string;
  sanctionId: string;
  subjectUid: string;
  /** The subject's country when the appeal was filed; a country-scoped moderator lists its countries' appeals. */
  subjectCountry: string | null;
  text: string;
  status: AppealStatus;
  /** Who imposed the sanction (cannot decide the appeal). */
  sanctionActorUid: string;
  deciderUid: string | null;
  decisionReason: string | null;
  createdAt: string | null;
  decidedAt: string | null;
}

export interface ListAppealsResponse {
  appeals: AppealView[];
  nextCursor: string | null;
}

export const DecideAppealRequestSchema = z
  .object({
    appealId: KeySafeIdSchema,
    decision: z.enum(["uphold", "overturn"]),
    reason: ReasonSchema,
    requestId: RequestIdSchema,
  })
  .strict();
export type DecideAppealRequest = z.output<typeof DecideAppealRequestSchema>;

export interface DecideAppealResponse {
  appealId: string;
  status: Exclude<AppealStatus, "pending">;
}

/** Metrics ranges: at most this many days, both ends included. */
export const MAX_METRICS_DAYS = 92;
const IsoDateSchema = z.iso.date();

export const GetModerationMetricsRequestSchema = z
  .object({ from: IsoDateSchema, to: IsoDateSchema })
  .strict()
  .refine((r) => r.from <= r.to, { message: "from must not be after to", path: ["to"] })
  .refine((r) => (Date.parse(r.to) - Date.parse(r.from)) / 86_400_000 + 1 <= MAX_METRICS_DAYS, {
    message: `at most ${MAX_METRICS_DAYS} days`,
    path: ["to"],
  });
export type GetModerationMetricsRequest = z.output<typeof GetModerationMetricsRequestSchema>;

export interface ActionStats {
  /** Actions by outcome. */
  actions: Record<ModerationOutcome, number>;
  total: number;
  /** Over the items actioned: createdAt → actionedAt, in seconds; null without actions. */
  medianSecondsToAction: number | null;
  p90SecondsToAction: number | null;
}

export interface ModerationMetricsResponse {
  from: string;
  to: string;
  /** Days with actions, oldest first; per moderator within each. */
  days: ({ day: string; moderators: ({ moderatorUid: string } & ActionStats)[] } & ActionStats)[];
  /** The whole range per moderator. */
  moderators: ({ moderatorUid: string } & ActionStats)[];
  total: ActionStats;
}
