/**
 * The badge showcase: up to MAX_SHOWCASED_BADGES badges the user owns, in the order chosen, on the public
 * profile (users/{uid}.badgeShowcase). Ownership is checked in the transaction that writes the showcase.
 */
import { Collections, userRef } from "../kernel/collections.js";
import { fail, refuse } from "../kernel/errors.js";
import { runTransaction } from "../kernel/transactions.js";
import type { BadgeCategory, BadgeId, ProgressionRefusal, SetBadgeShowcaseRequest, SetBadgeShowcaseResponse } from "./schema.js";

/** The category of a badge by id: the fixed badges by what they reward, campaign badges (event-*) "event". */
export function badgeCategory(badgeId: string): BadgeCategory {
  const fixed: Record<BadgeId, BadgeCategory> = {
    "first-gift-sent": "gifting",
    "first-gift-received": "gifting",
    "generous-1000": "wealth",
    "followers-100": "social",
  };
  return fixed[badgeId as BadgeId] ?? "event";
}

export async function setBadgeShowcase(uid: string, request: SetBadgeShowcaseRequest): Promise<SetBadgeShowcaseResponse> {
  const { badgeIds } = request;
  await runTransaction(async (tx) => {
    const badges = userRef(uid).collection(Collections.badges);
    const [profile, ...owned] = await tx.getAll(userRef(uid), ...badgeIds.map((id) => badges.doc(id)));
    if (!profile?.exists) fail("not-found", "Your profile does not exist.");
    const missing = badgeIds.filter((_, i) => !owned[i]?.exists);
    if (missing.length)
      refuse<ProgressionRefusal>("failed-precondition", "badge-not-owned", "You can only showcase badges you own.", { badgeIds: missing });
    tx.update(userRef(uid), { badgeShowcase: badgeIds });
  });
  return { badgeIds };
}
