/** Verified users ask to withdraw diamonds; admins who never granted them anything pay or reject. */
import type { SimContext } from "../context.js";
import type { Rng } from "../random.js";

export async function requestWithdrawal(ctx: SimContext, rng: Rng): Promise<void> {
  const actor = rng.pick(ctx.world.verified);
  const requestId = rng.id("withdraw");
  const answer = await ctx.api.call<{ withdrawalId: string }>(
    actor,
    "requestWithdrawal",
    { diamonds: rng.int(50, 500), payoutMethod: { type: rng.pick(["paypal", "wise"] as const), accountRef: `${actor.label}@pay.test` }, requestId },
    { ledger: { owner: actor.uid, key: requestId } },
  );
  if (answer.ok) ctx.pendingWithdrawals.push(answer.result.withdrawalId);
}

export async function reviewWithdrawal(ctx: SimContext, rng: Rng): Promise<void> {
  if (!ctx.pendingWithdrawals.length) return requestWithdrawal(ctx, rng);
  const index = rng.int(0, ctx.pendingWithdrawals.length - 1);
  const [withdrawalId] = ctx.pendingWithdrawals.splice(index, 1) as [string];
  const payer = rng.pick(ctx.world.payers);
  const approve = rng.chance(0.7);
  const requestId = rng.id("payout");
  await ctx.api.call(
    payer,
    "reviewWithdrawal",
    { withdrawalId, decision: approve ? "approve" : "reject", reason: approve ? "payout sent" : "payout details rejected", requestId },
    { ledger: { owner: payer.uid, key: requestId } },
  );
}
