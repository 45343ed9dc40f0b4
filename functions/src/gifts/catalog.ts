/**
 * listGiftCatalog: the gifts the caller may see now and whether each may be sent. Gifts outside their
 * window and those of campaigns not running are left out; VIP-exclusive ones above the caller's tier
 * are listed locked (the apps show them as an incentive), with the reason sendGift would give.
 */

import { campaignRef, isCampaignRunning } from "../campaigns/store.js";
import { db } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";
import { activeVip } from "../progression/vip/store.js";
import type { CatalogEntry, ListGiftCatalogRequest, ListGiftCatalogResponse } from "./schema.js";
import { availabilityRefusal, catalogGiftOf, senderRefusal } from "./send-gift.js";

export async function listGiftCatalog(uid: string, request: ListGiftCatalogRequest): Promise<ListGiftCatalogResponse> {
  const nowMs = Date.now();
  const [catalog, profile] = await Promise.all([db().collection(Collections.gifts).where("active", "==", true).get(), userRef(uid).get()]);
  const vipTier = activeVip(profile.data(), nowMs)?.tier ?? 0;
  const available = catalog.docs.flatMap((snapshot) => {
    const gift = catalogGiftOf(snapshot);
    if (!gift || availabilityRefusal(snapshot.data(), nowMs) !== null) return [];
    if (request?.category !== undefined && gift.category !== request.category) return [];
    return [{ id: snapshot.id, gift }];
  });
  const campaignIds = [...new Set(available.flatMap(({ gift }) => (gift.campaignId ? [gift.campaignId] : [])))];
  const campaigns = campaignIds.length ? await db().getAll(...campaignIds.map(campaignRef)) : [];
  const running = new Set(campaigns.filter((c) => isCampaignRunning(c.data(), nowMs)).map((c) => c.id));

  const gifts: CatalogEntry[] = [];
  for (const { id, gift } of available) {
    const campaignRunning = gift.campaignId !== null && running.has(gift.campaignId);
    if (gift.campaignId !== null && !campaignRunning) continue;
    const lockedReason = senderRefusal(gift, vipTier, campaignRunning);
    gifts.push({
      id,
      name: gift.name,
      priceCoins: gift.priceCoins,
      category: gift.category,
      rarity: gift.rarity,
      animationAssetId: gift.animationAssetId,
      availableUntil: gift.availableUntilMs === null ? null : new Date(gift.availableUntilMs).toISOString(),
      vipMinTier: gift.vipMinTier,
      campaignId: gift.campaignId,
      sendable: lockedReason === null,
      lockedReason,
    });
  }
  gifts.sort((a, b) => a.category.localeCompare(b.category) || a.priceCoins - b.priceCoins || a.id.localeCompare(b.id));
  return { gifts };
}
