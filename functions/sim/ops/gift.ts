/** A fan (sometimes a reseller or a host) sends a gift; the hot host receives a large share of them. */
import type { Device } from "../client.js";
import { giftContext, type SimContext } from "../context.js";
import type { Rng } from "../random.js";

export function pickRecipient(ctx: SimContext, rng: Rng, sender: Device): Device {
  const { hosts, pkPairs, fans } = ctx.world;
  const roll = rng.next();
  let recipient: Device;
  if (roll < 0.45) recipient = hosts[0] as Device;
  else if (roll < 0.8) recipient = rng.pick([...hosts.slice(1), ...pkPairs.flat()]);
  else recipient = rng.pick(fans);
  return recipient.uid === sender.uid ? (hosts[0] as Device) : recipient;
}

export async function giftTo(
  ctx: SimContext,
  rng: Rng,
  sender: Device,
  recipient: Device,
  context = giftContext(ctx, rng, recipient),
): Promise<void> {
  const gift = rng.chance(0.05)
    ? (ctx.world.gifts.find((g) => g.vipOnly) ?? rng.pick(ctx.world.gifts))
    : rng.pick(ctx.world.gifts.filter((g) => !g.vipOnly));
  const count = rng.chance(0.8) ? 1 : rng.int(2, 12);
  const requestId = rng.id("gift");
  await ctx.api.call(
    sender,
    "sendGift",
    { giftId: gift.id, recipientUid: recipient.uid, count, context, requestId },
    { ledger: { owner: sender.uid, key: requestId } },
  );
}

export async function sendGift(ctx: SimContext, rng: Rng): Promise<void> {
  const { fans, resellers, hosts } = ctx.world;
  const roll = rng.next();
  const sender = roll < 0.85 ? rng.pick(fans) : roll < 0.95 ? rng.pick(resellers) : rng.pick(hosts);
  await giftTo(ctx, rng, sender, pickRecipient(ctx, rng, sender));
}
