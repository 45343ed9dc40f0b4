/** adminCreateCampaign: an operator schedules a campaign; the id is its own idempotency key (created once). */
import { firestoreValues } from "../kernel/app.js";
import { recordAudit } from "../kernel/audit.js";
import { refuse } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { runTransaction } from "../kernel/transactions.js";
import { forgetCurrentCampaigns } from "./active.js";
import type { AdminCreateCampaignRequest, AdminCreateCampaignResponse, CampaignRefusal } from "./schema.js";
import { campaignRef } from "./store.js";

const DAY_MS = 86_400_000;

export async function createCampaign(caller: Caller, request: AdminCreateCampaignRequest): Promise<AdminCreateCampaignResponse> {
  const { Timestamp, FieldValue } = firestoreValues();
  const ref = campaignRef(request.campaignId);
  const endsAtMs = Date.parse(request.endsAt);
  await runTransaction(async (tx) => {
    if ((await tx.get(ref)).exists) refuse<CampaignRefusal>("already-exists", "campaign-exists", "A campaign with this id exists.");
    const stored = {
      title: request.title,
      startsAt: Timestamp.fromMillis(Date.parse(request.startsAt)),
      endsAt: Timestamp.fromMillis(endsAtMs),
      claimUntil: Timestamp.fromMillis(endsAtMs + request.claimDays * DAY_MS),
      goal: request.goal,
      tiers: request.tiers,
      cancelled: false,
      createdBy: caller.uid,
      createdAt: FieldValue.serverTimestamp(),
    };
    tx.create(ref, stored);
    recordAudit(tx, { action: "campaigns.create", actorUid: caller.uid, targetUid: null, after: request });
  });
  forgetCurrentCampaigns();
  return { campaignId: request.campaignId };
}
