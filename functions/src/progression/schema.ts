/** The progression domain's API contract: request and response shapes (importable by clients). */
import * as z from "zod";

export const BADGE_IDS = ["first-gift-sent", "first-gift-received", "generous-1000", "followers-100"] as const;
export type BadgeId = (typeof BADGE_IDS)[number];

/** Badge categories: ledger and profile badges by what they reward; campaign badges are "event". */
export const BADGE_CATEGORIES = ["gifting", "wealth", "social", "event"] as const;
export type BadgeCategory = (typeof BADGE_CATEGORIES)[number];

/** How many owned badges a profile shows (users/{uid}.badgeShowcase). */
export const MAX_SHOWCASED_BADGES = 3;

/** The badges to show on the caller's profile, in order; an empty list clears the showcase. */
export const SetBadgeShowcaseRequestSchema = z
  .object({
    badgeIds: z
      .array(z.string().regex(/^[a-z0-9-]{1,60}$/, "badge ids are kebab-case"))
      .max(MAX_SHOWCASED_BADGES)
      .refine((ids) => new Set(ids).size === ids.length, "a badge is showcased once"),
  })
  .strict();
export type SetBadgeShowcaseRequest = z.infer<typeof SetBadgeShowcaseRequestSchema>;

export const ProgressionRefusalSchema = z.enum([
  /** setBadgeShowcase: one of the badges is not the caller's (failed-precondition). */
  "badge-not-owned",
]);
export type ProgressionRefusal = z.infer<typeof ProgressionRefusalSchema>;

export interface SetBadgeShowcaseResponse {
  badgeIds: string[];
}

/** Takes no input: null (what the client SDKs send) or an empty object. */
export const ListMyProgressionRequestSchema = z.object({}).strict().nullish();
export type ListMyProgressionRequest = z.infer<typeof ListMyProgressionRequestSchema>;

/** progression/{uid}: levels settled from the point shards by the ledger trigger only. */
export interface ProgressionDoc {
  uid: string;
  wealthLevel: number;
  charmLevel: number;
  /** Highest level per track whose rewards were granted. */
  rewarded: { wealth: number; charm: number };
  /** Ledger badges held (a cache of users/{uid}/badges, so settling skips them without reads). */
  badges: string[];
}

export interface TrackProgress {
  level: number;
  points: number;
  /** Points at which the next level starts; null at the top level. */
  nextLevelAt: number | null;
}

export interface BadgeView {
  id: string;
  awardedAt: string | null;
  source: string;
  category: BadgeCategory;
  /** Event badges carry theirs; the others are "common". */
  rarity: string;
}

export interface ListMyProgressionResponse {
  /** Points: coins spent on gifts, VIP and room entries. */
  wealth: TrackProgress;
  /** Points: diamonds received from gifts. */
  charm: TrackProgress;
  badges: BadgeView[];
}
