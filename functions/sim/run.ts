/**
 * One run of the randomized economy against a running local stack (the stack's own project, served by
 * the functions emulator): the world is set up, then `operations` randomized operations run with
 * `concurrency` in flight while PK battles are fought alongside; then every redelivery and retry is let
 * through, battles close, triggers settle, and the economy is audited (audit.ts) and reconciled by the
 * project's own runReconciliation over HTTP.
 */
import { deleteApp, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { getFirestore } from "firebase-admin/firestore";
import { type AuditFigures, audit, type Mismatch } from "./audit.js";
import { Api, Background, type Device, type SimEndpoints, Webhooks } from "./client.js";
import type { Operation, SimContext } from "./context.js";
import { adjustBalance, requestAdjustment } from "./ops/adjustment.js";
import { exchangeDiamonds } from "./ops/exchange.js";
import { sendGift } from "./ops/gift.js";
import { invalidOperation } from "./ops/invalid.js";
import { type Budget, pkLane } from "./ops/pk.js";
import { resellerTransfer } from "./ops/reseller.js";
import { fundThroughStore, storePurchase, storeRefund, storeRefundBeforePurchase } from "./ops/revenuecat.js";
import { enterPaidRoom } from "./ops/room-entry.js";
import { checkoutDispute, checkoutPurchase, checkoutRefund, checkoutRefundBeforePurchase, fundThroughCheckout } from "./ops/stripe.js";
import { purchaseVip } from "./ops/vip.js";
import { requestWithdrawal, reviewWithdrawal } from "./ops/withdrawal.js";
import { PurchaseBook } from "./purchases.js";
import { Rng } from "./random.js";
import { Tally } from "./tally.js";
import { buildWorld, PACKAGES, refreshToken, type SimPackage, seedConfiguration, type WorldSize } from "./world.js";

export interface SimOptions {
  /** Randomized operations to run (setup and the PK lanes' operations are counted apart). */
  operations: number;
  concurrency: number;
  seed: number;
  size: WorldSize;
  /** Refunds delivered before their purchase (both providers). */
  earlyRefunds: boolean;
  log: (line: string) => void;
}

export interface SimReport {
  options: Omit<SimOptions, "log">;
  tally: Tally;
  mismatches: Mismatch[];
  figures: AuditFigures;
  reconciliation: { ok: boolean; detail: string };
  /** Scenarios that could not run against this build (a callable not deployed). */
  skipped: string[];
  /** Webhook outcomes recorded by the backend: provider, type, status, reason → count. */
  webhookOutcomes: Map<string, number>;
  setupSeconds: number;
  runSeconds: number;
  settleSeconds: number;
  /** Operations of the randomized phase (its own plus the PK lanes'). */
  phaseOperations: number;
}

/** The mix of the randomized phase: relative weights. */
export const MIX: Record<string, { weight: number; run: Operation }> = {
  sendGift: { weight: 34, run: sendGift },
  exchangeDiamonds: { weight: 6, run: exchangeDiamonds },
  resellerTransfer: { weight: 7, run: resellerTransfer },
  requestWithdrawal: { weight: 4, run: requestWithdrawal },
  reviewWithdrawal: { weight: 4, run: reviewWithdrawal },
  enterPaidRoom: { weight: 6, run: enterPaidRoom },
  purchaseVip: { weight: 3, run: purchaseVip },
  adjustBalance: { weight: 4, run: adjustBalance },
  storePurchase: { weight: 8, run: storePurchase },
  storeRefund: { weight: 1.5, run: storeRefund },
  checkoutPurchase: { weight: 6, run: checkoutPurchase },
  checkoutRefund: { weight: 1.2, run: checkoutRefund },
  checkoutDispute: { weight: 0.5, run: checkoutDispute },
  storeRefundBeforePurchase: { weight: 0.6, run: storeRefundBeforePurchase },
  checkoutRefundBeforePurchase: { weight: 0.6, run: checkoutRefundBeforePurchase },
  invalid: { weight: 8, run: invalidOperation },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A reproducible random stream per operation, whatever the interleaving of the others. */
const rngFor = (seed: number, index: number) => new Rng((seed * 2654435761 + index * 40503 + 1) >>> 0);

async function pool(count: number, limit: number, job: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

/** The ledger and the battles stop moving: no timer, trigger or delivery is still at work. */
async function settle(ctx: SimContext, log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + 180_000;
  let last = -1;
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    const [ledger, openBattles] = await Promise.all([
      ctx.firestore.collection("ledger").count().get(),
      ctx.firestore.collection("pkBattles").where("phase", "in", ["pending", "battle", "punishment"]).count().get(),
    ]);
    const count = ledger.data().count;
    if (count !== last || openBattles.data().count > 0) {
      last = count;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= 4000) {
      return;
    }
    await sleep(1000);
  }
  log("  the ledger or a PK battle was still moving after 3 minutes; auditing anyway");
}

export async function runEconomySim(endpoints: SimEndpoints, options: SimOptions): Promise<SimReport> {
  const started = Date.now();
  const log = (line: string) => options.log(`${line} [${((Date.now() - started) / 1000).toFixed(0)} s]`);
  const app = initializeApp({ projectId: endpoints.projectId }, `economy-sim-${process.pid}-${Date.now()}`);
  const firestore = getFirestore(app);
  const tally = new Tally();
  const background = new Background();
  const setupRng = new Rng(options.seed ^ 0x5f3759df);
  const api = new Api(endpoints, tally);
  api.signInAgain = (device) => refreshToken({ endpoints }, device);
  const webhooks = new Webhooks(endpoints, tally, background, () => setupRng.int(500, 15_000));
  const skipped: string[] = [];
  try {
    const begun = Date.now();
    await seedConfiguration(firestore);
    const features = { reviewBalanceAdjustment: await api.exists("reviewBalanceAdjustment") };
    if (!features.reviewBalanceAdjustment) {
      skipped.push("reviewBalanceAdjustment (second-admin approval of large adjustments): not deployed, the functions emulator answers 404");
    }
    const world = await buildWorld({ endpoints, firestore, auth: getAuth(app), api, rng: setupRng, log }, options.size);
    const ctx: SimContext = {
      world,
      api,
      webhooks,
      tally,
      background,
      book: new PurchaseBook(),
      firestore,
      features,
      pendingWithdrawals: [],
      refundable: [],
      liveStreams: new Map(),
    };

    // First coins, bought as fans buy them (store and web in turn); resellers stock up and get a large
    // grant through two admins; verified users get some diamonds from support, so withdrawals can start.
    const buyers = world.fans;
    await pool(buyers.length, 3, async (i) => {
      const buyer = buyers[i] as Device;
      const pkg = PACKAGES[1 + (i % 2)] as SimPackage;
      await (i % 2 ? fundThroughCheckout(ctx, setupRng, buyer.uid, pkg) : fundThroughStore(ctx, setupRng, buyer.uid, pkg));
    });
    await pool(world.resellers.length, 4, async (i) => {
      const reseller = world.resellers[i] as Device;
      await fundThroughCheckout(ctx, setupRng, reseller.uid, PACKAGES[3] as SimPackage);
      await requestAdjustment(ctx, setupRng, world.granters[i % world.granters.length] as Device, reseller, "coins", 4000, "approve");
    });
    await pool(world.verified.length, 4, async (i) => {
      await requestAdjustment(ctx, setupRng, world.granters[i % world.granters.length] as Device, world.verified[i] as Device, "diamonds", 600);
    });
    await background.drain();
    log(`  first coins bought and granted (${ctx.book.records.length} purchases)`);
    const setupSeconds = (Date.now() - begun) / 1000;
    log(`  setup done in ${setupSeconds.toFixed(1)} s (${tally.totals().attempted} operations)`);

    // The randomized phase: the mix on `concurrency` workers, PK battles alongside, one shared budget.
    const setupAttempted = tally.totals().attempted;
    let remaining = options.operations;
    const budget: Budget = { take: () => remaining-- > 0 };
    const mixWeights = Object.fromEntries(
      Object.entries(MIX)
        .filter(([name]) => options.earlyRefunds || !name.endsWith("RefundBeforePurchase"))
        .map(([name, op]) => [name, op.weight]),
    );
    if (!options.earlyRefunds) skipped.push("refunds before their purchase: turned off (SIM_EARLY_REFUNDS=0)");
    const runBegun = Date.now();
    let drawn = 0;
    let progressAt = Date.now();
    const worker = async (first: number) => {
      // The first worker starts with every kind once, in order (withdrawals before their review, purchases
      // before refunds), so even a short run exercises each; then it joins the others on the random mix.
      if (first === 0) {
        for (const name of Object.keys(mixWeights)) {
          if (!budget.take()) return;
          await (MIX[name] as { run: Operation }).run(ctx, rngFor(options.seed, drawn++));
        }
      }
      while (budget.take()) {
        const rng = rngFor(options.seed, drawn++);
        const name = rng.weighted(mixWeights);
        await (MIX[name] as { run: Operation }).run(ctx, rng);
        if (Date.now() - progressAt > 15_000) {
          progressAt = Date.now();
          const done = options.operations - Math.max(0, remaining);
          log(`  ${done}/${options.operations} operations, ${(done / ((Date.now() - runBegun) / 1000)).toFixed(1)}/s`);
        }
      }
    };
    const lanes = world.pkPairs.map((pair, i) => pkLane(ctx, rngFor(options.seed ^ 0x9e3779b9, i), pair, budget));
    await Promise.all([...Array.from({ length: options.concurrency }, (_, i) => worker(i)), ...lanes]);
    const runSeconds = (Date.now() - runBegun) / 1000;
    const phaseOperations = tally.totals().attempted - setupAttempted;

    const settleBegun = Date.now();
    log(`  randomized phase done in ${runSeconds.toFixed(1)} s; letting redeliveries, retries, timers and triggers finish ...`);
    await background.drain();
    await settle(ctx, log);
    const settleSeconds = (Date.now() - settleBegun) / 1000;

    const { mismatches, figures } = await audit(firestore, ctx.book, tally, world);
    const reconciled = await api.call<{ ok: boolean; mismatchCount: number; mismatches: unknown[] }>(world.root, "runReconciliation", null, {
      timeoutMs: 540_000,
    });
    const reconciliation = reconciled.ok
      ? {
          ok: reconciled.result.ok,
          detail: `${reconciled.result.mismatchCount} mismatch(es)${reconciled.result.ok ? "" : `: ${JSON.stringify(reconciled.result.mismatches).slice(0, 2000)}`}`,
        }
      : { ok: false, detail: `answered ${reconciled.code}: ${reconciled.message}` };
    if (!reconciliation.ok) mismatches.push({ kind: "project reconciliation", detail: reconciliation.detail });

    const webhookOutcomes = new Map<string, number>();
    for (const doc of (await firestore.collection("webhookEvents").get()).docs) {
      const key = `${doc.get("provider")} ${doc.get("type")} → ${doc.get("status")}${doc.get("reason") ? ` (${doc.get("reason")})` : ""}`;
      webhookOutcomes.set(key, (webhookOutcomes.get(key) ?? 0) + 1);
    }
    const { log: _, ...reported } = options;
    return {
      options: reported,
      tally,
      mismatches,
      figures,
      reconciliation,
      skipped,
      webhookOutcomes,
      setupSeconds,
      runSeconds,
      settleSeconds,
      phaseOperations,
    };
  } finally {
    await background.drain();
    await deleteApp(app);
  }
}
