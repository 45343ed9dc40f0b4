/**
 * PK battles, fought by pairs of hosts on their live streams while the rest of the economy runs: a
 * challenge, an answer (mostly accepted), gifts from fans to both sides during the battle, and now and
 * then the challenged host ending its stream mid-battle (a forfeit: no reward may be paid for it).
 * The result and the reward come from the pkBattleTimer tasks (Cloud Tasks emulator); the lane waits
 * for each battle to close before the next.
 */
import type { Device } from "../client.js";
import type { SimContext } from "../context.js";
import type { Rng } from "../random.js";
import { giftTo } from "./gift.js";

export interface Budget {
  /** Takes one operation from the run's budget; false once it is spent. */
  take(): boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function goLive(ctx: SimContext, rng: Rng, host: Device): Promise<boolean> {
  const answer = await ctx.api.call<{ streamId: string }>(host, "startStream", {
    requestId: rng.id("stream"),
    title: `${host.label} on air`,
    category: "chat",
    visibility: "public",
    country: "BR",
    region: "latam",
  });
  if (answer.ok) ctx.liveStreams.set(host.uid, answer.result.streamId);
  return answer.ok;
}

/** Waits until the battle is over for the apps (closed, declined, expired or cancelled). */
async function battleClosed(ctx: SimContext, battleId: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const battle = await ctx.firestore.doc(`pkBattles/${battleId}`).get();
    if (battle.get("phase") === "finished") return true;
    await sleep(500);
  }
  return false;
}

export async function pkLane(ctx: SimContext, rng: Rng, pair: [Device, Device], budget: Budget): Promise<void> {
  for (const host of pair) if (!ctx.liveStreams.has(host.uid) && !(await goLive(ctx, rng, host))) return;
  while (budget.take()) {
    const [challenger, challenged] = rng.chance(0.5) ? pair : ([pair[1], pair[0]] as [Device, Device]);
    const challengerStream = ctx.liveStreams.get(challenger.uid) as string;
    const challengedStream = ctx.liveStreams.get(challenged.uid) as string;
    const challenge = await ctx.api.call<{ battleId: string }>(challenger, "challengePk", {
      streamId: challengerStream,
      opponentStreamId: challengedStream,
      requestId: rng.id("pk"),
    });
    if (!challenge.ok) {
      await sleep(1000);
      continue;
    }
    const { battleId } = challenge.result;
    if (!budget.take()) {
      await ctx.api.call(challenger, "cancelPk", { battleId, requestId: rng.id("pk-cancel") });
      await battleClosed(ctx, battleId, 30_000);
      return;
    }
    const accept = rng.chance(0.9);
    const answer = await ctx.api.call<{ endsAt: number | null }>(challenged, "respondPk", { battleId, accept, requestId: rng.id("pk-answer") });
    if (!answer.ok || !accept || !answer.result.endsAt) {
      ctx.tally.note(accept ? `PK battles not started (respondPk answered ${answer.ok ? "without endsAt" : answer.code})` : "PK challenges declined");
      if (!(await battleClosed(ctx, battleId, 30_000))) ctx.tally.note("PK battles not closed in time");
      continue;
    }
    const endsAt = answer.result.endsAt;
    const forfeit = rng.chance(0.2);
    const forfeitAt = Date.now() + (endsAt - Date.now()) / 2;
    let forfeited = false;
    while (Date.now() < endsAt - 500 && budget.take()) {
      if (forfeit && !forfeited && Date.now() >= forfeitAt) {
        forfeited = true;
        await ctx.api.call(challenged, "endStream", { streamId: challengedStream, reason: "host left mid-battle" });
        ctx.liveStreams.delete(challenged.uid);
        continue;
      }
      const recipient = forfeited || rng.chance(0.5) ? challenger : challenged;
      const stream = recipient === challenger ? challengerStream : challengedStream;
      await giftTo(ctx, rng, rng.pick(ctx.world.fans), recipient, { type: "stream", id: stream });
      await sleep(rng.int(100, 500));
    }
    ctx.tally.note(forfeited ? "PK battles forfeited (stream ended mid-battle)" : "PK battles fought to the end");
    if (!(await battleClosed(ctx, battleId, Math.max(0, endsAt - Date.now()) + 45_000))) ctx.tally.note("PK battles not closed in time");
    if (forfeited && !(await goLive(ctx, rng, challenged))) return;
  }
}
