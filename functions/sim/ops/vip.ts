/** A fan buys (extends, upgrades) a VIP tier with coins; a lower tier than the one held is refused. */
import type { SimContext } from "../context.js";
import type { Rng } from "../random.js";

export async function purchaseVip(ctx: SimContext, rng: Rng): Promise<void> {
  const buyer = rng.pick(ctx.world.fans);
  const requestId = rng.id("vip");
  await ctx.api.call(buyer, "purchaseVip", { tier: rng.chance(0.7) ? 1 : 2, requestId }, { ledger: { owner: buyer.uid, key: requestId } });
}
