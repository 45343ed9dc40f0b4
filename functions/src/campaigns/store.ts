/** Where the campaigns domain keeps its documents, and the reading of a stored campaign's window (no schema: gifts read it on every send). */
import type { DocumentReference } from "firebase-admin/firestore";
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { millisOf } from "../kernel/fields.js";
import { shardedCounter } from "../kernel/sharded-counter.js";
import type { Campaign } from "./schema.js";

export const campaignRef = (campaignId: string): DocumentReference => db().collection(Collections.campaigns).doc(campaignId);

export const campaignClaimRef = (campaignId: string, uid: string, tier: number): DocumentReference =>
  db().collection(Collections.campaignClaims).doc(`${campaignId}__${uid}__${tier}`);

/** Spreads a popular host's concurrent gifts (as progression's point shards do). */
export const PROGRESS_SHARD_COUNT = 16;

/** campaignProgress/{campaignId}__{uid}: holds only the shards below. */
export const campaignProgressRef = (campaignId: string, uid: string): DocumentReference =>
  db().collection(Collections.campaignProgress).doc(`${campaignId}__${uid}`);

/** campaignProgress/{campaignId}__{uid}/shards/{n}: blind increments, summed on read. */
export function progressCounter(campaignId: string, uid: string) {
  return shardedCounter(campaignProgressRef(campaignId, uid), Collections.campaignProgressShards, PROGRESS_SHARD_COUNT, ["progress"]);
}

/** Whether a (parsed) campaign counts progress at `atMs`: not cancelled, and inside [startsAt, endsAt). */
export const campaignRunsAt = (campaign: Campaign, atMs: number): boolean =>
  !campaign.cancelled && campaign.startsAtMs <= atMs && atMs < campaign.endsAtMs;

/** Whether a stored campaign runs at nowMs: inside [startsAt, endsAt) and not cancelled. */
export function isCampaignRunning(data: Record<string, unknown> | undefined, nowMs: number): boolean {
  if (!data || data.cancelled === true) return false;
  const startsAt = millisOf(data.startsAt);
  const endsAt = millisOf(data.endsAt);
  return startsAt !== null && endsAt !== null && startsAt <= nowMs && nowMs < endsAt;
}
