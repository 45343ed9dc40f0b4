/** How the apps reach VIP memberships. */
import { defineCallable } from "../../kernel/callable.js";
import * as vip from "./memberships.js";
import { AdminGrantVipRequestSchema, PurchaseVipRequestSchema } from "./schema.js";

/** Buys (or extends/upgrades) a VIP tier with coins; idempotent by requestId. */
export const purchaseVip = defineCallable({
  name: "progression.purchaseVip",
  verifySession: true,
  input: PurchaseVipRequestSchema,
  rateLimit: { perUid: { tokens: 20, windowSeconds: 60 } },
  handler: ({ caller, data }) => vip.purchaseVip(caller, data),
});

/** Grants a tier for `days` without coins (support, promotions); admins only, audited, idempotent. */
export const adminGrantVip = defineCallable({
  name: "progression.adminGrantVip",
  input: AdminGrantVipRequestSchema,
  roles: ["admin"],
  rateLimit: { perUid: { tokens: 30, windowSeconds: 60 } },
  handler: ({ caller, data }) => vip.adminGrantVip(caller, data),
});
