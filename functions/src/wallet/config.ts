/**
 * Economy configuration (config/economy, admin-managed): revenue split, exchange, withdrawals, velocity
 * limits. Parsed with zod so a bad edit fails loudly, cached briefly per instance because every gift
 * reads it. All shares are basis points (1/100 of a percent) so amounts stay integers.
 */
import { z } from "zod";
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";

export const EconomyConfigSchema = z
  .object({
    /** Of a gift's coin price, the diamonds credited to the host (1 coin = 1 diamond of value). */
    hostShareBps: z.number().int().min(0).max(10_000).default(5000),
    /** Of a gift's coin price, the diamonds credited to the host's agency, if any. */
    agencyShareBps: z.number().int().min(0).max(10_000).default(1000),
    /** Coins received per diamond exchanged, before the fee. */
    exchangeCoinsPerDiamond: z.number().int().min(1).default(1),
    exchangeFeeBps: z.number().int().min(0).max(10_000).default(500),
    withdrawMinDiamonds: z.number().int().min(1).default(1000),
    withdrawMaxDiamondsPerRequest: z.number().int().min(1).default(100_000),
    withdrawMaxDiamondsPerDay: z.number().int().min(1).default(100_000),
    withdrawFeeBps: z.number().int().min(0).max(10_000).default(200),
    /** Cents paid out per diamond withdrawn (after the fee). */
    withdrawCentsPerDiamond: z.number().int().min(1).default(1),
    /** Resellers: most coins one transfer may move, and their commission in coins. */
    resellerMaxTransferCoins: z.number().int().min(1).default(100_000),
    resellerCommissionBps: z.number().int().min(0).max(10_000).default(300),
    /** Velocity: purchases per user per hour before review; refunds/purchases ratio before review. */
    maxPurchasesPerHour: z.number().int().min(1).default(10),
    maxRefundRatioBps: z.number().int().min(0).max(10_000).default(3000),
  })
  .refine((c) => c.hostShareBps + c.agencyShareBps <= 10_000, "host and agency shares exceed 100%");
export type EconomyConfig = z.infer<typeof EconomyConfigSchema>;

const CACHE_MS = 30_000;
let cached: { value: EconomyConfig; at: number } | undefined;

export async function economyConfig(): Promise<EconomyConfig> {
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.value;
  const snapshot = await db().collection(Collections.config).doc("economy").get();
  const parsed = EconomyConfigSchema.safeParse(snapshot.data() ?? {});
  if (!parsed.success) {
    fail("failed-precondition", "The economy configuration is invalid; an admin must fix config/economy.", {
      issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
    });
  }
  cached = { value: parsed.data, at: Date.now() };
  return parsed.data;
}

/** Tests change the configuration between cases. */
export function clearEconomyConfigCache(): void {
  cached = undefined;
}

/** floor(amount × bps / 10000), exact for the integers involved. */
export function shareOf(amount: number, bps: number): number {
  return Math.floor((amount * bps) / 10_000);
}
