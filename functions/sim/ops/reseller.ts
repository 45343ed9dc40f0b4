/**
 * A reseller sells coins to a user by transferring them; now and then to another reseller or to staff
 * (no commission is due on those: checked afterwards from the ledger).
 */
import type { Device } from "../client.js";
import { others, type SimContext } from "../context.js";
import type { Rng } from "../random.js";

export async function resellerTransfer(ctx: SimContext, rng: Rng): Promise<void> {
  const { resellers, fans, granters, moderator } = ctx.world;
  const reseller = rng.pick(resellers);
  const roll = rng.next();
  let recipient: Device;
  if (roll < 0.86 || resellers.length < 2) recipient = rng.pick(fans);
  else if (roll < 0.94) recipient = rng.pick(others(resellers, reseller));
  else recipient = rng.pick([...granters, moderator]);
  const requestId = rng.id("transfer");
  await ctx.api.call(
    reseller,
    "resellerTransfer",
    { toUid: recipient.uid, coins: rng.int(20, 900), requestId },
    { ledger: { owner: reseller.uid, key: requestId } },
  );
}
