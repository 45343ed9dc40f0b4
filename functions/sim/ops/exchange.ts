/** Diamonds → coins, mostly by hosts (who earn diamonds), sometimes by fans who hold few or none. */
import type { SimContext } from "../context.js";
import type { Rng } from "../random.js";

export async function exchangeDiamonds(ctx: SimContext, rng: Rng): Promise<void> {
  const { hosts, pkPairs, fans } = ctx.world;
  const actor = rng.chance(0.75) ? rng.pick([...hosts, ...pkPairs.flat()]) : rng.pick(fans);
  const requestId = rng.id("exchange");
  await ctx.api.call(actor, "exchangeDiamonds", { diamonds: rng.int(5, 400), requestId }, { ledger: { owner: actor.uid, key: requestId } });
}
