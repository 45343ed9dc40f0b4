/** A fan opens a paid room (a new visit: a new visitId, charged once however often it is resent), then usually leaves. */
import type { SimContext } from "../context.js";
import type { Rng } from "../random.js";

export async function enterPaidRoom(ctx: SimContext, rng: Rng): Promise<void> {
  const room = rng.pick(ctx.world.rooms);
  const visitor = rng.pick(ctx.world.fans.filter((f) => f.uid !== room.ownerUid));
  const visitId = rng.id("visit");
  const entered = await ctx.api.call(
    visitor,
    "enterRoom",
    { roomId: room.roomId, visitId },
    { ledger: { owner: visitor.uid, key: `${room.roomId}:${visitId}` } },
  );
  if (entered.ok && rng.chance(0.85)) await ctx.api.call(visitor, "leaveRoom", { roomId: room.roomId });
}
