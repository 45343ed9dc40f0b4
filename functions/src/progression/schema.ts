/** The progression domain's API contract: request and response shapes (importable by clients). */
import * as z from "zod";

export const BADGE_IDS = ["first-gift-sent", "first-gift-received", "generous-1000", "followers-100"] as const;
export type BadgeId = (typeof BADGE_IDS)[number];

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
}

export interface ListMyProgressionResponse {
  /** Points: coins spent on gifts, VIP and room entries. */
  wealth: TrackProgress;
  /** Points: diamonds received from gifts. */
  charm: TrackProgress;
  badges: BadgeView[];
}
