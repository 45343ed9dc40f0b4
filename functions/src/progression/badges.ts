/**
 * Badges: awarded by the server when a rule first holds, once per user and badge. An awarded badge is
 * users/{uid}/badges/{badgeId} { awardedAt, source }, created only after reading that it is missing
 * inside the same transaction (so a second award, a re-run or a race is a no-op, never an overwrite).
 */
import type { DocumentReference, DocumentSnapshot, Transaction } from "firebase-admin/firestore";
import { firestoreValues } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";
import { numberOf } from "../kernel/fields.js";
import { runOncePerEvent } from "../kernel/idempotency.js";
import { notify } from "../notifications/notify.js";
import type { BadgeId } from "./schema.js";

export const GENEROUS_COINS = 1000;
export const FOLLOWERS_BADGE_AT = 100;

/** Any badge id: the ledger rules' BadgeIds, and the ones config/rankings rewards name. */
export function badgeRef(uid: string, badgeId: string): DocumentReference {
  return userRef(uid).collection(Collections.badges).doc(badgeId);
}

/** What one ledger transaction did for a user, as far as badge rules care. */
export interface LedgerBadgeFacts {
  sentGift: boolean;
  receivedGift: boolean;
  /** coinsSpent after this transaction. */
  coinsSpent: number;
}

/** Badge rules evaluated on ledger events. */
export function ledgerBadgeCandidates(facts: LedgerBadgeFacts): BadgeId[] {
  const badges: BadgeId[] = [];
  if (facts.sentGift) badges.push("first-gift-sent");
  if (facts.receivedGift) badges.push("first-gift-received");
  if (facts.coinsSpent >= GENEROUS_COINS) badges.push("generous-1000");
  return badges;
}

/**
 * Creates the badges among `candidates` whose snapshots (read earlier in `tx`) are missing.
 * Returns the ids actually awarded.
 */
export function awardMissingBadges<Id extends string = BadgeId>(
  tx: Transaction,
  uid: string,
  candidates: Id[],
  snapshots: DocumentSnapshot[],
  source: string,
  awardedAt: unknown,
): Id[] {
  const awarded: Id[] = [];
  candidates.forEach((badgeId, i) => {
    if (snapshots[i]?.exists) return;
    tx.create(badgeRef(uid, badgeId), { awardedAt, source });
    awarded.push(badgeId);
  });
  return awarded;
}

/**
 * The user hears of each badge awarded (keyed by the badge: once per user and badge). Called from
 * triggers after the award committed; a failure throws, so the trigger's retry queues it.
 */
export async function notifyBadges(uid: string, badgeIds: BadgeId[]): Promise<void> {
  for (const badgeId of badgeIds) {
    await notify({ recipient: uid, type: "badge-earned", data: { badgeId, badgeName: BADGE_NAMES[badgeId] }, dedupeKey: badgeId });
  }
}

/** The badges' names in notices (the apps show their own localised names from the id). */
const BADGE_NAMES: Record<BadgeId, string> = {
  "first-gift-sent": "First Gift Sent",
  "first-gift-received": "First Gift Received",
  "generous-1000": "Generous",
  "followers-100": "100 Followers",
};

/**
 * users/{uid} updated: award "followers-100" when followersCount crosses the mark. Most profile updates
 * (including the level mirror) do not cross it and return without any read or write.
 */
export async function awardFollowersBadgeOnUpdate(
  eventId: string,
  uid: string,
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): Promise<BadgeId[]> {
  if (!after || numberOf(before?.followersCount) >= FOLLOWERS_BADGE_AT || numberOf(after?.followersCount) < FOLLOWERS_BADGE_AT) return [];
  const { FieldValue } = firestoreValues();
  const { result } = await runOncePerEvent("progression.followersBadge", eventId, async (tx) => {
    const snapshot = await tx.get(badgeRef(uid, "followers-100"));
    return awardMissingBadges(tx, uid, ["followers-100"], [snapshot], `followers:${eventId}`, FieldValue.serverTimestamp());
  });
  // Also on a replay of the event: the award's result is remembered, so a retry queues what a failure left.
  await notifyBadges(uid, result);
  return result;
}
