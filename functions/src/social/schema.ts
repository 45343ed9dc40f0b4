/** The social domain's API contract: request schemas and response types of its callables. */
import * as z from "zod";
import { RequestIdSchema } from "../kernel/idempotency.js";
import { CursorSchema, KeySafeIdSchema, KeySafeUidSchema, LanguageTagSchema, nullMeansDefaults } from "../kernel/validation.js";
import { type MediaContentType, MediaIdSchema, type MediaKind } from "../media/uploads/schema.js";

export const VISIBILITIES = ["everyone", "friends", "nobody"] as const;
export const VisibilitySchema = z.enum(VISIBILITIES);
export type Visibility = z.infer<typeof VisibilitySchema>;

/**
 * "Who may message me" (read by the messages domain when a conversation is not yet open): senders it does
 * not admit open a message request instead. "nobody" admits no one directly: every new conversation is a request.
 */
export const MESSAGE_PRIVACY = ["everyone", "followers", "friends", "nobody"] as const;
export type MessagePrivacy = (typeof MESSAGE_PRIVACY)[number];

export const PrivacySchema = z
  .object({ followers: VisibilitySchema, messages: z.enum(MESSAGE_PRIVACY), activity: VisibilitySchema })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, "privacy needs at least one setting");

/** Stored on users/{uid}.privacy; a missing setting means "everyone". */
export interface PrivacySettings {
  followers: Visibility;
  messages: MessagePrivacy;
  activity: Visibility;
}

export const UpdateProfileRequestSchema = z
  .object({
    displayName: z.string().trim().min(1).max(40),
    bio: z.string().trim().max(300),
    interests: z
      .array(z.string().trim().min(1).max(30))
      .max(10)
      .refine((list) => new Set(list.map((s) => s.toLowerCase())).size === list.length, "interests must not repeat"),
    country: z.string().regex(/^[A-Z]{2}$/, "country must be an ISO 3166-1 alpha-2 code (e.g. BR)"),
    language: LanguageTagSchema,
    privacy: PrivacySchema,
  })
  .partial()
  .strict()
  .refine((r) => Object.keys(r).length > 0, "nothing to update");
export type UpdateProfileRequest = z.infer<typeof UpdateProfileRequestSchema>;

export interface UpdateProfileResponse {
  uid: string;
  updated: string[];
}

/** The profile photo: an upload of purpose "avatar" (requestMediaUpload), ready. The photo it replaces is released for cleanup. */
export const SetProfilePhotoRequestSchema = z.object({ mediaId: MediaIdSchema }).strict();
export type SetProfilePhotoRequest = z.infer<typeof SetProfilePhotoRequestSchema>;

/** What users/{uid} now holds: avatarMediaId, avatarPath (the original) and avatarThumbnailPath (a JPEG). */
export interface SetProfilePhotoResponse {
  avatarMediaId: string;
  avatarPath: string;
  avatarThumbnailPath: string | null;
  /** The previous photo's media, marked for deletion; null when there was none or it is the same. */
  replacedMediaId: string | null;
}

export const USERNAME_PATTERN = /^[a-z0-9_.]{3,20}$/;
export const USERNAME_COOLDOWN_DAYS = 30;

/** Case is kept for display; uniqueness and the format are on the lowercase form. */
export const SetUsernameRequestSchema = z
  .object({
    username: z.string().refine((u) => USERNAME_PATTERN.test(u.toLowerCase()), "username must be 3-20 of a-z, 0-9, _ and ."),
  })
  .strict();
export type SetUsernameRequest = z.infer<typeof SetUsernameRequestSchema>;

export interface SetUsernameResponse {
  username: string;
  /** ISO time from which the next change is allowed. */
  nextChangeAllowedAt: string;
}

export const TargetUserRequestSchema = z.object({ uid: KeySafeUidSchema }).strict();
export type TargetUserRequest = z.infer<typeof TargetUserRequestSchema>;

export interface FollowResponse {
  /** false when the call found the graph already in the requested state (nothing written). */
  changed: boolean;
}

export interface BlockResponse {
  changed: boolean;
}

export const ListEdgesRequestSchema = z
  .object({
    uid: KeySafeUidSchema,
    limit: z.number().int().min(1).max(100).default(20),
    cursor: CursorSchema.nullish(),
  })
  .strict();
export type ListEdgesRequest = z.infer<typeof ListEdgesRequestSchema>;

export interface UserListItem {
  uid: string;
  displayName: string | null;
  username: string | null;
  avatarPath: string | null;
  /** Both follow each other ("friends"), seen from the owner of the list. */
  mutual: boolean;
  followedAt: string | null;
}

export interface ListEdgesResponse {
  items: UserListItem[];
  /** Pass back to get the next page; null at the end. A page may be shorter than limit (hidden users). */
  nextCursor: string | null;
}

export const SuggestionsRequestSchema = nullMeansDefaults(z.object({ limit: z.number().int().min(1).max(50).default(20) }).strict());
export type SuggestionsRequest = z.output<typeof SuggestionsRequestSchema>;

export interface Suggestion {
  uid: string;
  displayName: string | null;
  username: string | null;
  avatarPath: string | null;
  reason: "friends-of-friends" | "popular-host";
  /** How many of the people I follow follow this user (friends of friends only). */
  mutualCount: number;
  followersCount: number;
}

export interface SuggestionsResponse {
  items: Suggestion[];
}

export const REPORT_TARGET_TYPES = ["user", "stream", "room", "post", "message", "comment", "story"] as const;
export const REPORT_REASONS = [
  "spam",
  "harassment",
  "hate",
  "nudity",
  "violence",
  "self_harm",
  "minor_safety",
  "scam",
  "impersonation",
  "copyright",
  "other",
] as const;

export const MAX_REPORT_EVIDENCE = 5;

export const ReportRequestSchema = z
  .object({
    targetType: z.enum(REPORT_TARGET_TYPES),
    targetId: z
      .string()
      .min(1)
      .max(256)
      .regex(/^[A-Za-z0-9_.:/-]+$/, "targetId has invalid characters"),
    reason: z.enum(REPORT_REASONS),
    details: z.string().trim().min(1, "details must not be empty: omit them instead").max(2000).optional(),
    /** Uploads of purpose "report-evidence" by the reporter, ready and not used elsewhere. */
    evidenceMediaIds: z
      .array(MediaIdSchema)
      .max(MAX_REPORT_EVIDENCE)
      .refine((ids) => new Set(ids).size === ids.length, "evidenceMediaIds must not repeat")
      .optional(),
    requestId: RequestIdSchema,
  })
  .strict();
export type ReportRequest = z.infer<typeof ReportRequestSchema>;

export interface ReportResponse {
  reportId: string;
  status: "open";
}

/** What a report keeps of each evidence upload (reports/{id}.evidence). */
export interface ReportEvidence {
  mediaId: string;
  kind: MediaKind;
  contentType: MediaContentType;
  path: string;
  thumbnailPath: string | null;
}

export const GetReportRequestSchema = z.object({ reportId: KeySafeIdSchema }).strict();
export type GetReportRequest = z.infer<typeof GetReportRequestSchema>;

/** A report as moderators read it: evidence with signed read URLs, valid until urlExpiresAt. */
export interface ReportView {
  reportId: string;
  reporterUid: string;
  targetType: (typeof REPORT_TARGET_TYPES)[number];
  targetId: string;
  reason: (typeof REPORT_REASONS)[number];
  details: string | null;
  status: string;
  createdAt: string | null;
  evidence: (Omit<ReportEvidence, "path" | "thumbnailPath"> & { url: string; thumbnailUrl: string | null; urlExpiresAt: string })[];
}
