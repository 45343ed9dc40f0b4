/** What every operation of the simulation works with. */
import type { Firestore } from "firebase-admin/firestore";
import type { Api, Background, Device, Webhooks } from "./client.js";
import type { PurchaseBook, PurchaseRecord } from "./purchases.js";
import type { Rng } from "./random.js";
import type { Tally } from "./tally.js";
import type { World } from "./world.js";

export interface SimContext {
  world: World;
  api: Api;
  webhooks: Webhooks;
  tally: Tally;
  /** Work that outlives its operation (the book's bookkeeping of late deliveries): drained before the audit. */
  background: Background;
  book: PurchaseBook;
  /** Admin SDK, only for what the product has no API for (seeding a Checkout Session record, waiting on a battle). */
  firestore: Firestore;
  /** Callables that may not be deployed yet (the functions emulator answers 404). */
  features: { reviewBalanceAdjustment: boolean };
  /** Withdrawals requested and not yet reviewed. */
  pendingWithdrawals: string[];
  /** Purchases granted to refunders, not yet reversed: candidates for refunds and disputes. */
  refundable: PurchaseRecord[];
  /** The live stream of each host on air (PK hosts), for gift contexts. */
  liveStreams: Map<string, string>;
}

/** One randomized operation: its own random stream (reproducible per operation index), the shared context. */
export type Operation = (ctx: SimContext, rng: Rng) => Promise<void>;

export function others(devices: Device[], except: Device): Device[] {
  return devices.filter((d) => d.uid !== except.uid);
}

/** Where a gift to this recipient is shown: the recipient's live stream when on air. */
export function giftContext(ctx: SimContext, rng: Rng, recipient: Device): { type: "stream" | "room"; id: string } {
  const live = ctx.liveStreams.get(recipient.uid);
  if (live) return { type: "stream", id: live };
  if (ctx.world.rooms.length && rng.chance(0.3)) return { type: "room", id: rng.pick(ctx.world.rooms).roomId };
  return { type: "stream", id: `offline-${recipient.uid.slice(0, 10)}` };
}
