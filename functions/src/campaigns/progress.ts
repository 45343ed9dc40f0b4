/**
 * Campaign progress from the ledger. Each gift transaction adds, for every campaign whose window holds
 * its commit time and whose goal it matches, the gifts (or coins) to the sender's or the recipient's
 * progress. Counted once per ledger transaction (the idempotency record keyed by the transaction id is
 * written with the increments), as blind increments on campaignProgress/{campaignId}__{uid}/shards/{n}:
 * a popular host's progress is never a hot document.
 */
import { millisOf } from "../kernel/fields.js";
import { runOncePerEvent } from "../kernel/idempotency.js";
import { notify } from "../notifications/notify.js";
import { currentCampaigns } from "./active.js";
import { type ActivityMetric, type Campaign, type CampaignMetric, GIFT_METRICS } from "./schema.js";
import { campaignRunsAt, progressCounter } from "./store.js";

export interface ProgressDelta {
  campaignId: string;
  uid: string;
  amount: number;
}

const isGiftMetric = (metric: CampaignMetric): boolean => (GIFT_METRICS as readonly string[]).includes(metric);

/** What one ledger transaction adds to campaigns' progress (pure; nothing for other transactions). */
export function campaignProgressDeltas(ledger: Record<string, unknown>, campaigns: Campaign[]): ProgressDelta[] {
  if (ledger.type !== "gift") return [];
  const meta = (ledger.meta ?? {}) as Record<string, unknown>;
  const at = millisOf(ledger.createdAt);
  const sender = ledger.owner;
  const recipient = meta.recipientUid;
  const { count, totalCoins } = meta;
  if (at === null || typeof sender !== "string" || typeof recipient !== "string") return [];
  if (!Number.isSafeInteger(count) || !Number.isSafeInteger(totalCoins)) return [];
  const deltas: ProgressDelta[] = [];
  for (const campaign of campaigns) {
    if (!campaignRunsAt(campaign, at)) continue;
    const { metric, giftId } = campaign.goal;
    if (!isGiftMetric(metric)) continue;
    if (giftId !== undefined && giftId !== meta.giftId) continue;
    const uid = metric === "gifts-sent" || metric === "gift-coins-sent" ? sender : recipient;
    const amount = (metric === "gifts-sent" || metric === "gifts-received" ? count : totalCoins) as number;
    if (amount > 0) deltas.push({ campaignId: campaign.id, uid, amount });
  }
  return deltas;
}

/** Counts one ledger transaction into the running campaigns, once per transaction id. */
export async function applyLedgerToCampaigns(transactionId: string, ledger: Record<string, unknown>): Promise<ProgressDelta[]> {
  // Most transactions are not gifts: no read at all for them.
  if (ledger.type !== "gift") return [];
  const deltas = campaignProgressDeltas(ledger, await currentCampaigns());
  if (deltas.length === 0) return [];
  const { replayed } = await runOncePerEvent("campaigns.ledger", transactionId, async (tx) => {
    for (const delta of deltas) progressCounter(delta.campaignId, delta.uid).increment(tx, { progress: delta.amount });
    return null;
  });
  // Also on a replay: a delivery that failed after counting still owes the notices (keyed, so queued once).
  await notifyTiersReached(deltas);
  return replayed ? [] : deltas;
}

/**
 * Counts one activity (a room created, a game round joined) for each of its users into the running
 * campaigns with that goal whose window holds atMs, once per activity key.
 */
export async function applyActivityToCampaigns(metric: ActivityMetric, activityKey: string, uids: string[], atMs: number): Promise<ProgressDelta[]> {
  const campaigns = (await currentCampaigns()).filter((c) => c.goal.metric === metric && campaignRunsAt(c, atMs));
  const deltas = campaigns.flatMap((campaign) => [...new Set(uids)].map((uid) => ({ campaignId: campaign.id, uid, amount: 1 })));
  if (deltas.length === 0) return [];
  const { replayed } = await runOncePerEvent(`campaigns.${metric}`, activityKey, async (tx) => {
    for (const delta of deltas) progressCounter(delta.campaignId, delta.uid).increment(tx, { progress: delta.amount });
    return null;
  });
  await notifyTiersReached(deltas);
  return replayed ? [] : deltas;
}

/**
 * Tells a participant when this transaction took them past a tier's threshold. The total read after the
 * increment is at least this transaction's share later than before it, so (total − amount, total] holds
 * the thresholds this transaction crossed; concurrent increments may move both ends, and then a notice
 * can be missed, never doubled (listMyCampaigns shows every reached tier anyway).
 */
async function notifyTiersReached(deltas: ProgressDelta[]): Promise<void> {
  const campaigns = new Map((await currentCampaigns()).map((c) => [c.id, c]));
  for (const delta of deltas) {
    const campaign = campaigns.get(delta.campaignId);
    if (!campaign) continue;
    const total = (await progressCounter(delta.campaignId, delta.uid).read()).progress;
    for (const [index, tier] of campaign.tiers.entries()) {
      if (tier.threshold > total || tier.threshold <= total - delta.amount) continue;
      await notify({
        recipient: delta.uid,
        type: "campaign-tier-reached",
        data: { campaignTitle: campaign.title, campaignId: campaign.id, tier: index + 1 },
        dedupeKey: `${campaign.id}:${index}`,
      });
    }
  }
}
