/**
 * Sending gifts. One gift (or one combo of `count` gifts) is one ledger transaction keyed by the
 * client's requestId:
 *
 *   coins     sender −total            system:burn +total     (spent coins leave circulation)
 *   diamonds  system:mint −total       host +hostShare (shard)
 *                                      agency +agencyShare (shard, when the host has an agency)
 *                                      system:platform +rest  (the platform's revenue)
 *
 * Value model: 1 coin of gift value is worth 1 diamond; the diamonds minted equal the coins burnt, and
 * the platform's share is recorded as diamonds on system:platform (a ledger-only account, no document),
 * so revenue is queryable and every gift's split is visible in its entries. Host and agency are credited
 * through wallet shards (increment, no read): a popular host's wallet is never a hot document, and
 * the transaction only locks the sender's wallet. See wallet/shards.ts for folding shards back.
 *
 * After the first success (never on a replay) a compact event goes to the RTDB feed of the stream or
 * room; the money has already moved then, so a failure to publish is logged, not thrown.
 */
import type { DocumentSnapshot } from "firebase-admin/firestore";
import { campaignRef, isCampaignRunning } from "../campaigns/store.js";
import { db, rtdb } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";
import { fail, refuse } from "../kernel/errors.js";
import { millisOf } from "../kernel/fields.js";
import { log } from "../kernel/logger.js";
import { withTimeout } from "../kernel/timeout.js";
import { notifyAfterCommit } from "../notifications/after-commit.js";
import { activeVip } from "../progression/vip/store.js";
import { blockRef } from "../social/store.js";
import { VenuePaths } from "../venues/paths.js";
import { agencyAccount, SYSTEM_ACCOUNTS, userAccount, type WalletAccount } from "../wallet/accounts.js";
import { economyConfig, shareOf } from "../wallet/config.js";
import { type EntryInput, ledgerTransactionId, postLedgerTransaction } from "../wallet/ledger.js";
import { giftsConfig } from "./config.js";
import {
  GIFT_RARITIES,
  type GiftFeedEvent,
  type GiftRarity,
  type GiftRefusal,
  type SendGiftRequest,
  type SendGiftResponse,
  type SentGift,
} from "./schema.js";
import { giftRef, giftStreakRef } from "./store.js";
import { nextStreak } from "./streaks.js";

/** Delivers a feed event (the publisher stamps `t`); the default writes to the RTDB. The benchmark injects its own. */
export type GiftEventPublisher = (path: string, event: Omit<GiftFeedEvent, "t">) => Promise<void>;

export interface SendGiftOptions {
  /** Transaction attempts under contention (the ledger's default is 20). */
  maxAttempts?: number;
  publish?: GiftEventPublisher;
}

/** The split of one gift's value, all integers, summing to totalCoins. */
export interface GiftSplit {
  totalCoins: number;
  hostShare: number;
  agencyShare: number;
  platformShare: number;
}

export function splitGiftValue(totalCoins: number, shares: { hostShareBps: number; agencyShareBps: number }, hasAgency: boolean): GiftSplit {
  const hostShare = shareOf(totalCoins, shares.hostShareBps);
  const agencyShare = hasAgency ? shareOf(totalCoins, shares.agencyShareBps) : 0;
  return { totalCoins, hostShare, agencyShare, platformShare: totalCoins - hostShare - agencyShare };
}

/** The ledger entries of one gift; zero amounts are left out (the ledger refuses them). */
export function giftEntries(senderUid: string, recipientUid: string, agency: WalletAccount | null, split: GiftSplit): EntryInput[] {
  const entries: EntryInput[] = [
    { account: userAccount(senderUid), currency: "coins", amount: -split.totalCoins },
    { account: SYSTEM_ACCOUNTS.burn, currency: "coins", amount: split.totalCoins },
    { account: SYSTEM_ACCOUNTS.mint, currency: "diamonds", amount: -split.totalCoins },
  ];
  if (split.hostShare > 0) entries.push({ account: userAccount(recipientUid), currency: "diamonds", amount: split.hostShare, viaShard: true });
  if (agency && split.agencyShare > 0) entries.push({ account: agency, currency: "diamonds", amount: split.agencyShare, viaShard: true });
  if (split.platformShare > 0) entries.push({ account: SYSTEM_ACCOUNTS.platform, currency: "diamonds", amount: split.platformShare });
  return entries;
}

export interface CatalogGift {
  name: string;
  priceCoins: number;
  category: string;
  rarity: GiftRarity;
  /** Lowest VIP tier that may send it; 0 for everyone (the legacy vipOnly flag means tier 1). */
  vipMinTier: number;
  /** The campaign it is exclusive to: sendable only while that campaign runs. */
  campaignId: string | null;
  availableUntilMs: number | null;
  animationAssetId: string | null;
}

/** Reads a catalog entry defensively (defaults for optional fields); null when it is missing or priced wrongly. */
export function catalogGiftOf(snapshot: Pick<DocumentSnapshot, "exists" | "id" | "data">): CatalogGift | null {
  if (!snapshot.exists) return null;
  const data = snapshot.data() ?? {};
  const price = data.priceCoins;
  if (typeof price !== "number" || !Number.isSafeInteger(price) || price < 1) {
    log.error("gift with an invalid price in the catalog", { giftId: snapshot.id, priceCoins: price });
    return null;
  }
  const tier = data.vipMinTier;
  return {
    name: typeof data.name === "string" ? data.name : snapshot.id,
    priceCoins: price,
    category: typeof data.category === "string" && data.category ? data.category : "general",
    rarity: GIFT_RARITIES.includes(data.rarity) ? data.rarity : "common",
    vipMinTier: Number.isSafeInteger(tier) && tier >= 1 ? tier : data.vipOnly === true ? 1 : 0,
    campaignId: typeof data.campaignId === "string" && data.campaignId ? data.campaignId : null,
    availableUntilMs: millisOf(data.activeUntil),
    animationAssetId: typeof data.animationAssetId === "string" ? data.animationAssetId : null,
  };
}

/** Why the catalog entry cannot be sent by anyone at nowMs (inactive or outside [activeFrom, activeUntil)), or null. */
export function availabilityRefusal(data: Record<string, unknown> | undefined, nowMs: number): GiftRefusal | null {
  if (data?.active !== true) return "gift-unavailable";
  const from = millisOf(data.activeFrom);
  const until = millisOf(data.activeUntil);
  if (from !== null && nowMs < from) return "gift-not-yet-available";
  if (until !== null && nowMs >= until) return "gift-expired";
  return null;
}

/** Why this sender cannot send the gift (VIP tier, campaign not running), or null. */
export function senderRefusal(gift: CatalogGift, senderVipTier: number, campaignRunning: boolean): GiftRefusal | null {
  if (gift.campaignId !== null && !campaignRunning) return "campaign-not-running";
  if (senderVipTier < gift.vipMinTier) return "vip-tier-required";
  return null;
}

const REFUSAL_MESSAGES: Record<GiftRefusal, string> = {
  "gift-unavailable": "This gift is not available.",
  "gift-not-yet-available": "This gift is not available yet.",
  "gift-expired": "This gift is no longer available.",
  "campaign-not-running": "This gift belongs to an event that is not running.",
  "vip-tier-required": "This gift is for VIP members of a higher tier.",
};

export function refuseGift(reason: GiftRefusal, giftId: string): never {
  return refuse<GiftRefusal>(reason === "vip-tier-required" ? "permission-denied" : "failed-precondition", reason, REFUSAL_MESSAGES[reason], {
    giftId,
  });
}

/** Refuses a catalog entry that cannot be sent now: missing, priced wrongly, inactive, or outside its window. */
export function sendableGift(snapshot: Pick<DocumentSnapshot, "exists" | "id" | "data">, nowMs: number): CatalogGift {
  if (!snapshot.exists) fail("not-found", "No such gift.");
  const gift = catalogGiftOf(snapshot);
  if (!gift) return refuseGift("gift-unavailable", snapshot.id);
  const refusal = availabilityRefusal(snapshot.data(), nowMs);
  if (refusal) refuseGift(refusal, snapshot.id);
  return gift;
}

const PUBLISH_TIMEOUT_MS = 5_000;

/** Appends to the feed; bounded in time because the RTDB client queues writes forever when offline. */
export const publishToRtdb: GiftEventPublisher = async (path, event) => {
  const { ServerValue } = require("firebase-admin/database") as typeof import("firebase-admin/database");
  await withTimeout(
    rtdb()
      .ref(path)
      .push({ ...event, t: ServerValue.TIMESTAMP }),
    PUBLISH_TIMEOUT_MS,
    () => new Error(`RTDB write timed out after ${PUBLISH_TIMEOUT_MS} ms`),
  );
};

export async function sendGift(senderUid: string, request: SendGiftRequest, options: SendGiftOptions = {}): Promise<SendGiftResponse> {
  if (request.recipientUid === senderUid) fail("failed-precondition", "You cannot send a gift to yourself.");
  // Cached per instance (30 s): every gift needs it, and it is not part of the transaction's consistency.
  const [config, { streakWindowSeconds }] = await Promise.all([economyConfig(), giftsConfig()]);
  const transactionId = ledgerTransactionId("gift", senderUid, request.requestId);
  const { requestId, ...payload } = request;
  // Read by the transaction, for the receiver's notice (the name of the moment, the diamonds credited).
  let notice: { senderName: string; diamonds: number } | undefined;

  const outcome = await postLedgerTransaction<SendGiftResponse>(
    { type: "gift", owner: senderUid, key: requestId, payload, actor: senderUid },
    async ({ tx, wallet, get }) => {
      const nowMs = Date.now();
      // One round trip for the documents, in parallel with the sender's wallet (the ledger reads it anyway).
      const streakRef = giftStreakRef(senderUid, request.recipientUid, request.giftId);
      const [[giftSnap, senderSnap, recipientSnap, blockedByRecipient, blockedBySender, streakSnap], sender] = await Promise.all([
        tx.getAll(
          giftRef(request.giftId),
          userRef(senderUid),
          userRef(request.recipientUid),
          blockRef(request.recipientUid, senderUid),
          blockRef(senderUid, request.recipientUid),
          streakRef,
        ),
        wallet(userAccount(senderUid)),
      ]);
      // A deleted account (GDPR) keeps a pseudonymous profile stub: it can no longer receive gifts.
      if (!recipientSnap.exists || recipientSnap.get("deleted") === true) fail("not-found", "The recipient does not exist.");
      const gift = sendableGift(giftSnap, nowMs);
      if (blockedByRecipient.exists || blockedBySender.exists) fail("permission-denied", "Gifts between these users are blocked.");
      const campaignRunning = gift.campaignId !== null && isCampaignRunning((await get(campaignRef(gift.campaignId))).data(), nowMs);
      const refusal = senderRefusal(gift, activeVip(senderSnap.data(), nowMs)?.tier ?? 0, campaignRunning);
      if (refusal) refuseGift(refusal, request.giftId);

      // The host's agency earns its share only if it exists; otherwise the platform keeps it.
      const agencyId = recipientSnap.get("agencyId");
      let agency: WalletAccount | null = null;
      if (typeof agencyId === "string" && agencyId) {
        const agencySnap = await get(db().collection(Collections.agencies).doc(agencyId));
        if (agencySnap.exists) agency = agencyAccount(agencyId);
        else log.warn("host's agency does not exist; its share goes to the platform", { recipientUid: request.recipientUid, agencyId });
      }

      const split = splitGiftValue(gift.priceCoins * request.count, config, agency !== null);
      const streak = nextStreak(streakSnap?.data(), nowMs, streakWindowSeconds * 1000);
      const senderName = senderSnap.get("displayName");
      notice = { senderName: typeof senderName === "string" ? senderName : "", diamonds: split.hostShare };
      const sent: SentGift = {
        id: request.giftId,
        name: gift.name,
        priceCoins: gift.priceCoins,
        count: request.count,
        totalCoins: split.totalCoins,
        animationAssetId: gift.animationAssetId,
        streak: streak.count,
      };
      return {
        // An insufficient balance is refused by the ledger after this plan; then this result is never stored.
        entries: giftEntries(senderUid, request.recipientUid, agency, split),
        result: { coins: sender.coins - split.totalCoins, transactionId, gift: sent },
        meta: {
          giftId: request.giftId,
          count: request.count,
          recipientUid: request.recipientUid,
          agencyId: agency ? agencyId : null,
          context: request.context,
          ...split,
          streak: streak.count,
        },
        writes: (writer) => {
          writer.set(streakRef, {
            senderUid,
            recipientUid: request.recipientUid,
            giftId: request.giftId,
            ...streak,
            lastTransactionId: transactionId,
          });
        },
      };
    },
    { maxAttempts: options.maxAttempts },
  );

  if (!outcome.replayed) {
    const event = {
      g: request.giftId,
      n: request.count,
      f: senderUid,
      r: request.recipientUid,
      v: outcome.result.gift.totalCoins,
      k: outcome.result.gift.streak,
    };
    try {
      await (options.publish ?? publishToRtdb)(VenuePaths.giftFeed(request.context), event);
    } catch (err) {
      log.error("gift sent, but its feed event was not published", { transactionId, error: String(err) });
    }
    if (notice) {
      await notifyAfterCommit({
        recipient: request.recipientUid,
        type: "gift-received",
        actorUid: senderUid,
        data: {
          senderUid,
          senderName: notice.senderName,
          giftId: request.giftId,
          giftName: outcome.result.gift.name,
          count: request.count,
          diamonds: notice.diamonds,
          venueType: request.context.type,
          venueId: request.context.id,
          transactionId,
        },
        dedupeKey: transactionId,
      });
    }
  }
  return outcome.result;
}
