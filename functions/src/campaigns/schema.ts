/** The campaigns domain's API contract: time-limited events with a goal and reward tiers (importable by clients). */
import * as z from "zod";
import { KeySafeIdSchema } from "../kernel/validation.js";

/**
 * What a campaign counts, per user: from gift ledger transactions, gifts (units, a combo of 5 is 5) or
 * their value in coins, sent by the sender or received by the recipient, optionally of one gift only;
 * rooms the user created (rooms-hosted); game rounds the user played, one per round however many bets
 * (games-played).
 */
export const GIFT_METRICS = ["gifts-sent", "gifts-received", "gift-coins-sent", "gift-coins-received"] as const;
export const ACTIVITY_METRICS = ["rooms-hosted", "games-played"] as const;
export const CAMPAIGN_METRICS = [...GIFT_METRICS, ...ACTIVITY_METRICS] as const;
export type CampaignMetric = (typeof CAMPAIGN_METRICS)[number];
export type ActivityMetric = (typeof ACTIVITY_METRICS)[number];

export const CampaignGoalSchema = z
  .object({
    metric: z.enum(CAMPAIGN_METRICS),
    giftId: KeySafeIdSchema.optional(),
  })
  .strict()
  .refine((goal) => goal.giftId === undefined || (GIFT_METRICS as readonly string[]).includes(goal.metric), {
    message: "giftId only narrows a gift metric",
    path: ["giftId"],
  });
export type CampaignGoal = z.infer<typeof CampaignGoalSchema>;

export const BADGE_RARITIES = ["common", "rare", "epic", "legendary"] as const;

/** A rare event badge, awarded as users/{uid}/badges/{id} with category "event". */
export const EventBadgeSchema = z
  .object({
    id: z.string().regex(/^event-[a-z0-9-]{1,40}$/, "event badge ids are event-<kebab-case>"),
    name: z.string().trim().min(1).max(40),
    rarity: z.enum(BADGE_RARITIES).default("rare"),
  })
  .strict();
export type EventBadge = z.infer<typeof EventBadgeSchema>;

export const CampaignTierSchema = z
  .object({
    /** Progress (in the goal's unit) that unlocks the tier. */
    threshold: z.number().int().min(1).max(1_000_000_000),
    coins: z.number().int().min(0).max(10_000_000).default(0),
    badge: EventBadgeSchema.optional(),
    /** An avatar frame (users/{uid}/frames/{frameId}); days 0: permanent, else extended by that many days. */
    frame: z
      .object({ frameId: KeySafeIdSchema, days: z.number().int().min(0).max(3650) })
      .strict()
      .optional(),
    /** VIP membership days at a tier (a member of a higher tier keeps theirs). */
    vip: z
      .object({ tier: z.number().int().min(1), days: z.number().int().min(1).max(3650) })
      .strict()
      .optional(),
  })
  .strict()
  .refine(
    (tier) => tier.coins > 0 || tier.badge !== undefined || tier.frame !== undefined || tier.vip !== undefined,
    "a tier rewards coins, a badge, a frame or VIP days",
  );
export type CampaignTier = z.infer<typeof CampaignTierSchema>;

export const CampaignTiersSchema = z
  .array(CampaignTierSchema)
  .min(1)
  .max(10)
  .refine((tiers) => tiers.every((t, i) => i === 0 || t.threshold > (tiers[i - 1] as CampaignTier).threshold), "thresholds must increase");

export const AdminCreateCampaignRequestSchema = z
  .object({
    campaignId: KeySafeIdSchema,
    title: z.string().trim().min(1).max(80),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    /** Days after the end during which reached tiers may still be claimed. */
    claimDays: z.number().int().min(0).max(90).default(7),
    goal: CampaignGoalSchema,
    tiers: CampaignTiersSchema,
  })
  .strict()
  .refine((c) => Date.parse(c.endsAt) > Date.parse(c.startsAt), { message: "endsAt must be after startsAt", path: ["endsAt"] });
export type AdminCreateCampaignRequest = z.infer<typeof AdminCreateCampaignRequestSchema>;

export const ListMyCampaignsRequestSchema = z.object({}).strict().nullish();

export const ClaimCampaignRewardRequestSchema = z
  .object({
    campaignId: KeySafeIdSchema,
    /** Index of the tier in the campaign's tiers. */
    tier: z.number().int().min(0).max(9),
  })
  .strict();
export type ClaimCampaignRewardRequest = z.infer<typeof ClaimCampaignRewardRequestSchema>;

export const CampaignRefusalSchema = z.enum([
  /** adminCreateCampaign: the id is taken (already-exists). */
  "campaign-exists",
  /** No such campaign or tier (not-found). */
  "campaign-not-found",
  "tier-not-found",
  /** Before its start, or past its claim period (failed-precondition). */
  "campaign-not-started",
  "campaign-closed",
  /** The caller's progress is below the tier's threshold (failed-precondition). */
  "goal-not-reached",
  /** A tier granting VIP days claimed by a user without a profile (failed-precondition). */
  "profile-missing",
]);
export type CampaignRefusal = z.infer<typeof CampaignRefusalSchema>;

/** campaigns/{campaignId} as read back (times in ms). */
export interface Campaign {
  id: string;
  title: string;
  startsAtMs: number;
  endsAtMs: number;
  claimUntilMs: number;
  cancelled: boolean;
  goal: CampaignGoal;
  tiers: CampaignTier[];
}

export interface CampaignTierView extends CampaignTier {
  reached: boolean;
  claimed: boolean;
}

export interface CampaignView {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  claimUntil: string;
  running: boolean;
  goal: CampaignGoal;
  progress: number;
  tiers: CampaignTierView[];
}

export interface ListMyCampaignsResponse {
  campaigns: CampaignView[];
}

export interface ClaimCampaignRewardResponse {
  campaignId: string;
  tier: number;
  coins: number;
  badgeId: string | null;
  frameId: string | null;
  vip: { tier: number; days: number } | null;
  /** True when this tier had been claimed before: nothing more was granted. */
  alreadyClaimed: boolean;
}

export interface AdminCreateCampaignResponse {
  campaignId: string;
}
