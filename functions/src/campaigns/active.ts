/**
 * The campaigns not yet over, cached per instance: every gift's ledger trigger asks for them, and they
 * change rarely (an admin creates a handful per season). A campaign created on another instance is seen
 * here within CACHE_MS; the trigger still counts only transactions inside each campaign's window.
 */
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { millisOf } from "../kernel/fields.js";
import { log } from "../kernel/logger.js";
import { type Campaign, CampaignGoalSchema, CampaignTiersSchema } from "./schema.js";

const CACHE_MS = 30_000;
let cached: { campaigns: Campaign[]; at: number } | undefined;

/** Campaigns whose end is after now (running or upcoming), not cancelled. */
export async function currentCampaigns(): Promise<Campaign[]> {
  const nowMs = Date.now();
  if (cached && nowMs - cached.at < CACHE_MS) return cached.campaigns;
  const { Timestamp } = firestoreValues();
  const snapshot = await db().collection(Collections.campaigns).where("endsAt", ">", Timestamp.fromMillis(nowMs)).get();
  const campaigns = snapshot.docs.flatMap((doc) => {
    const campaign = campaignOf(doc.id, doc.data());
    return campaign && !campaign.cancelled ? [campaign] : [];
  });
  cached = { campaigns, at: nowMs };
  return campaigns;
}

/** After a change on this instance (and between tests). */
export function forgetCurrentCampaigns(): void {
  cached = undefined;
}

/** A stored campaign read defensively: null when its window, goal or tiers are malformed. */
export function campaignOf(id: string, data: Record<string, unknown> | undefined): Campaign | null {
  if (!data) return null;
  const startsAtMs = millisOf(data.startsAt);
  const endsAtMs = millisOf(data.endsAt);
  const claimUntilMs = millisOf(data.claimUntil) ?? endsAtMs;
  const goal = CampaignGoalSchema.safeParse(data.goal);
  const tiers = CampaignTiersSchema.safeParse(data.tiers);
  if (startsAtMs === null || endsAtMs === null || claimUntilMs === null || !goal.success || !tiers.success) {
    log.error("malformed campaign ignored", { campaignId: id });
    return null;
  }
  const title = typeof data.title === "string" ? data.title : id;
  return { id, title, startsAtMs, endsAtMs, claimUntilMs, cancelled: data.cancelled === true, goal: goal.data, tiers: tiers.data };
}
