/**
 * Campaign rewards: a reached tier is claimed once per user. The claim record
 * (campaignClaims/{campaignId}__{uid}__{tier}), the tier's event badge, avatar frame and VIP days are written in one transaction
 * that first reads the record, so concurrent or repeated claims create them once; the coins go through
 * the ledger keyed by campaign, user and tier, so they are paid once too, and a claim that crashed
 * between the two is paid by the next attempt (which reports alreadyClaimed).
 */
import { db, firestoreValues } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";
import { refuse } from "../kernel/errors.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";
import { frameRef, grantFrame, grantVipDays } from "../progression/grants.js";
import { syncVipClaim } from "../progression/vip/memberships.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../wallet/accounts.js";
import { postLedgerTransaction } from "../wallet/ledger.js";
import { campaignOf } from "./active.js";
import type {
  Campaign,
  CampaignRefusal,
  CampaignView,
  ClaimCampaignRewardRequest,
  ClaimCampaignRewardResponse,
  ListMyCampaignsResponse,
} from "./schema.js";
import { campaignClaimRef, campaignRef, progressCounter } from "./store.js";

async function loadCampaign(campaignId: string): Promise<Campaign> {
  const campaign = campaignOf(campaignId, (await campaignRef(campaignId).get()).data());
  if (!campaign || campaign.cancelled) return refuse<CampaignRefusal>("not-found", "campaign-not-found", "No such campaign.");
  return campaign;
}

export async function readProgress(campaignId: string, uid: string): Promise<number> {
  return (await progressCounter(campaignId, uid).read()).progress;
}

export async function claimCampaignReward(uid: string, request: ClaimCampaignRewardRequest): Promise<ClaimCampaignRewardResponse> {
  const campaign = await loadCampaign(request.campaignId);
  const tier = campaign.tiers[request.tier];
  if (!tier) refuse<CampaignRefusal>("not-found", "tier-not-found", "This campaign has no such tier.");
  const nowMs = Date.now();
  if (nowMs < campaign.startsAtMs) refuse<CampaignRefusal>("failed-precondition", "campaign-not-started", "This campaign has not started.");
  if (nowMs >= campaign.claimUntilMs)
    refuse<CampaignRefusal>("failed-precondition", "campaign-closed", "This campaign's rewards can no longer be claimed.");
  // Progress only grows, so a total read outside the transaction that reaches the threshold stays reached.
  const progress = await readProgress(campaign.id, uid);
  if (progress < tier.threshold) {
    refuse<CampaignRefusal>("failed-precondition", "goal-not-reached", "This tier's goal is not reached yet.", {
      progress,
      threshold: tier.threshold,
    });
  }

  const claimRef = campaignClaimRef(campaign.id, uid, request.tier);
  const badgeRef = tier.badge ? userRef(uid).collection(Collections.badges).doc(tier.badge.id) : null;
  const source = `campaign:${campaign.id}:${request.tier}`;
  const fresh = await runTransaction(async (tx) => {
    const [claim, badge, frame, profile] = await Promise.all([
      tx.get(claimRef),
      badgeRef ? tx.get(badgeRef) : undefined,
      tier.frame ? tx.get(frameRef(uid, tier.frame.frameId)) : undefined,
      tier.vip ? tx.get(userRef(uid)) : undefined,
    ]);
    if (claim.exists) return false;
    if (profile && !profile.exists) refuse<CampaignRefusal>("failed-precondition", "profile-missing", "VIP days need a profile; create yours first.");
    const nowMs = Date.now();
    const { FieldValue } = firestoreValues();
    const claimedAt = FieldValue.serverTimestamp();
    tx.create(claimRef, {
      uid,
      campaignId: campaign.id,
      tier: request.tier,
      threshold: tier.threshold,
      coins: tier.coins,
      badgeId: tier.badge?.id ?? null,
      frame: tier.frame ?? null,
      vip: tier.vip ?? null,
      claimedAt,
    });
    if (tier.frame) grantFrame(tx, uid, tier.frame, frame, source, nowMs);
    if (tier.vip && profile) {
      const history = {
        id: `campaign_${campaign.id}_${request.tier}`,
        source: "campaign-reward" as const,
        campaignId: campaign.id,
        campaignTier: request.tier,
      };
      grantVipDays(tx, uid, profile, tier.vip, { ...history, days: tier.vip.days }, nowMs);
    }
    if (badgeRef && tier.badge && !badge?.exists) {
      tx.create(badgeRef, {
        awardedAt: claimedAt,
        source,
        category: "event",
        name: tier.badge.name,
        rarity: tier.badge.rarity,
      });
    }
    return true;
  });

  if (tier.coins > 0) {
    const outcome = await postLedgerTransaction(
      {
        type: "reward",
        owner: "campaigns",
        key: `${campaign.id}:${uid}:${request.tier}`,
        payload: { campaignId: campaign.id, uid, tier: request.tier },
        actor: "campaigns",
      },
      async () => ({
        entries: [
          { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -tier.coins },
          { account: userAccount(uid), currency: "coins", amount: tier.coins },
        ],
        result: { coins: tier.coins },
        meta: { reason: "campaign", campaignId: campaign.id, uid, tier: request.tier },
      }),
    );
    if (!outcome.replayed)
      log.info("campaign reward paid", { campaignId: campaign.id, uid, tier: request.tier, transactionId: outcome.transactionId });
  }
  // Also after a replay: a claim whose commit was not followed by the claim sync gets it now.
  if (tier.vip) await syncVipClaim(uid).catch((err) => log.warn("VIP claim sync after a campaign reward failed", { uid, error: String(err) }));
  return {
    campaignId: campaign.id,
    tier: request.tier,
    coins: tier.coins,
    badgeId: tier.badge?.id ?? null,
    frameId: tier.frame?.frameId ?? null,
    vip: tier.vip ?? null,
    alreadyClaimed: !fresh,
  };
}

/** listMyCampaigns: campaigns running or still claimable (and upcoming), with the caller's progress and claims. */
export async function listMyCampaigns(uid: string): Promise<ListMyCampaignsResponse> {
  const nowMs = Date.now();
  const { Timestamp } = firestoreValues();
  const snapshot = await db().collection(Collections.campaigns).where("claimUntil", ">", Timestamp.fromMillis(nowMs)).get();
  const campaigns = snapshot.docs.flatMap((doc) => {
    const campaign = campaignOf(doc.id, doc.data());
    return campaign && !campaign.cancelled ? [campaign] : [];
  });
  const views: CampaignView[] = await Promise.all(
    campaigns.map(async (campaign) => {
      const [progress, claims] = await Promise.all([
        readProgress(campaign.id, uid),
        db().getAll(...campaign.tiers.map((_, i) => campaignClaimRef(campaign.id, uid, i))),
      ]);
      return {
        id: campaign.id,
        title: campaign.title,
        startsAt: new Date(campaign.startsAtMs).toISOString(),
        endsAt: new Date(campaign.endsAtMs).toISOString(),
        claimUntil: new Date(campaign.claimUntilMs).toISOString(),
        running: campaign.startsAtMs <= nowMs && nowMs < campaign.endsAtMs,
        goal: campaign.goal,
        progress,
        tiers: campaign.tiers.map((tier, i) => ({ ...tier, reached: progress >= tier.threshold, claimed: claims[i]?.exists === true })),
      };
    }),
  );
  views.sort((a, b) => a.endsAt.localeCompare(b.endsAt) || a.id.localeCompare(b.id));
  return { campaigns: views };
}
