/**
 * Admin balance adjustments: small ones apply at once; at or above config/economy's approval threshold
 * they wait for a second, different admin (reviewBalanceAdjustment), who approves or rejects. Now and
 * then the requesting admin tries to approve its own adjustment first: that must be refused.
 */
import type { Device } from "../client.js";
import { others, type SimContext } from "../context.js";
import type { Rng } from "../random.js";
import { ECONOMY } from "../world.js";

interface AdjustAnswer {
  status?: "applied" | "pending";
  adjustmentId?: string;
}

function pickTarget(ctx: SimContext, rng: Rng): Device {
  const { fans, resellers, hosts } = ctx.world;
  const roll = rng.next();
  return roll < 0.6 ? rng.pick(fans) : roll < 0.85 ? rng.pick(resellers) : rng.pick(hosts);
}

export async function adjustBalance(ctx: SimContext, rng: Rng): Promise<void> {
  const admin = rng.pick(ctx.world.granters);
  const target = pickTarget(ctx, rng);
  const roll = rng.next();
  const currency = rng.chance(0.7) ? "coins" : "diamonds";
  let amount: number;
  if (roll < 0.75) amount = rng.int(10, 500);
  else if (roll < 0.88) amount = -rng.int(5, 120);
  else amount = rng.int(ECONOMY.adjustmentApprovalThreshold[currency], ECONOMY.adjustmentApprovalThreshold[currency] * 2);
  await requestAdjustment(ctx, rng, admin, target, currency, amount);
}

/** Requests an adjustment; when it waits for a second admin, one reviews it (approving, unless `decision` says). */
export async function requestAdjustment(
  ctx: SimContext,
  rng: Rng,
  admin: Device,
  target: Device,
  currency: "coins" | "diamonds",
  amount: number,
  decision?: "approve",
): Promise<void> {
  const requestId = rng.id("adjust");
  const answer = await ctx.api.call<AdjustAnswer>(
    admin,
    "adminAdjustBalance",
    { uid: target.uid, currency, amount, reason: amount > 0 ? "support compensation" : "correction of a mistaken credit", requestId },
    // An applied adjustment posts under the requester's key; a pending one posts nothing until approved.
    { ledger: { owner: admin.uid, key: requestId } },
  );
  if (!answer.ok || answer.result.status !== "pending" || !answer.result.adjustmentId) return;
  ctx.tally.note("adjustments pending a second admin");
  if (!ctx.features.reviewBalanceAdjustment) return;
  await reviewAdjustment(ctx, rng, admin, answer.result.adjustmentId, decision);
}

async function reviewAdjustment(ctx: SimContext, rng: Rng, requester: Device, adjustmentId: string, decision?: "approve"): Promise<void> {
  if (rng.chance(0.1)) {
    await ctx.api.call(
      requester,
      "reviewBalanceAdjustment",
      { adjustmentId, decision: "approve", reason: "approving my own request", requestId: rng.id("self-review") },
      { kind: "reviewBalanceAdjustment (own request)" },
    );
  }
  const second = rng.pick(others(ctx.world.granters, requester));
  const approve = decision === "approve" || rng.chance(0.85);
  await ctx.api.call(second, "reviewBalanceAdjustment", {
    adjustmentId,
    decision: approve ? "approve" : "reject",
    reason: approve ? "checked the ticket" : "no ticket for this",
    requestId: rng.id("review"),
  });
}
