/**
 * Economy configuration (config/economy, admin-managed): revenue split, exchange, withdrawals, velocity
 * limits. Parsed with zod so a bad edit fails loudly, cached briefly per instance because every gift
 * reads it. All shares are basis points (1/100 of a percent) so amounts stay integers.
 */
import * as z from "zod";
import { configDocument } from "../kernel/config-document.js";

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
    /**
     * Withdrawals of at least this many diamonds are paid only after two approvals by different
     * reviewers; 0 or null: every withdrawal is. The default is half the default per-request maximum.
     */
    withdrawalDualApprovalDiamonds: z.number().int().min(0).nullable().default(50_000),
    /**
     * Resellers: most coins one transfer may move, and their commission in coins (earned only on
     * transfers to ordinary users). Per reseller and UTC day: transfers beyond the transfer cap are
     * refused; commission beyond the commission cap is not paid.
     */
    resellerMaxTransferCoins: z.number().int().min(1).default(100_000),
    resellerCommissionBps: z.number().int().min(0).max(10_000).default(300),
    resellerDailyTransferCapCoins: z.number().int().min(1).default(1_000_000),
    resellerDailyCommissionCapCoins: z.number().int().min(0).default(30_000),
    /** A→B then B→A within this many hours goes to the review queue. */
    resellerRingWindowHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .default(72),
    /** Admin adjustments whose absolute amount reaches this need a second admin's approval. */
    adjustmentApprovalThreshold: z
      .object({
        coins: z.number().int().min(1).default(10_000),
        diamonds: z.number().int().min(1).default(10_000),
      })
      .strict()
      .prefault({}),
    /**
     * Days during which an admin who adjusted, KYC-approved or granted VIP to an account may not approve
     * that account's withdrawals.
     */
    fourEyesWindowDays: z.number().int().min(1).max(365).default(30),
    /** Velocity: purchases per user per hour before review; refunds/purchases ratio before review. */
    maxPurchasesPerHour: z.number().int().min(1).default(10),
    maxRefundRatioBps: z.number().int().min(0).max(10_000).default(3000),
  })
  .refine((c) => c.hostShareBps + c.agencyShareBps <= 10_000, "host and agency shares exceed 100%");
export type EconomyConfig = z.infer<typeof EconomyConfigSchema>;

const economy = configDocument("economy", EconomyConfigSchema);

export const economyConfig = (): Promise<EconomyConfig> => economy.get();

/** floor(amount × bps / 10000), exact for the integers involved. */
export function shareOf(amount: number, bps: number): number {
  return Math.floor((amount * bps) / 10_000);
}
