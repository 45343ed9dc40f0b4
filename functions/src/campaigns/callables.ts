/** How the apps and operators reach campaigns. */
import { defineCallable } from "../kernel/callable.js";
import { createCampaign } from "./admin.js";
import { claimCampaignReward as claim, listMyCampaigns as listMine } from "./claims.js";
import { AdminCreateCampaignRequestSchema, ClaimCampaignRewardRequestSchema, ListMyCampaignsRequestSchema } from "./schema.js";

export const adminCreateCampaign = defineCallable({
  name: "campaigns.adminCreate",
  input: AdminCreateCampaignRequestSchema,
  roles: ["admin"],
  handler: ({ caller, data }) => createCampaign(caller, data),
});

export const listMyCampaigns = defineCallable({
  name: "campaigns.listMine",
  input: ListMyCampaignsRequestSchema,
  handler: ({ caller }) => listMine(caller.uid),
});

export const claimCampaignReward = defineCallable({
  name: "campaigns.claimReward",
  input: ClaimCampaignRewardRequestSchema,
  // Coins move: also check that the session is still valid.
  verifySession: true,
  handler: ({ caller, data }) => claim(caller.uid, data),
});
