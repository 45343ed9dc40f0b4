/**
 * The VIP API contract: tier configuration (config/vip), request schemas of the VIP callables and their
 * response types (importable by clients). The stored shape users/{uid}.vip = { tier, expiresAt } is
 * shared with the gifts domain (activeVip: VIP-tier gifts) and must not change.
 */
import * as z from "zod";
import { RequestIdSchema } from "../../kernel/idempotency.js";
import { KeySafeUidSchema } from "../../kernel/validation.js";

/** details.reason of the VIP callables' refusals. */
export const VipRefusalSchema = z.enum(["self-grant"]);
export type VipRefusal = z.infer<typeof VipRefusalSchema>;

/** Tier numbers are small positive integers; 0 means "no VIP" in privileges and claims. */
export const MAX_VIP_TIER = 9;
export const VipTierNumberSchema = z.number().int().min(1).max(MAX_VIP_TIER);

export const VipPrivilegesSchema = z
  .object({
    /** May send vipOnly gifts (the gifts domain checks users/{uid}.vip directly). */
    vipGifts: z.boolean().default(true),
    /** Entrance effect asset key shown when the member joins a room; null for none. */
    entranceEffect: z.string().min(1).max(64).nullable().default(null),
    /** Higher goes first in room queues (seats, mic requests). */
    roomPriority: z.number().int().min(0).max(100).default(0),
    /** Extra coins on diamond exchange, in basis points of the exchanged amount. */
    exchangeBonusBps: z.number().int().min(0).max(10_000).default(0),
  })
  .strict();
export type VipPrivileges = z.infer<typeof VipPrivilegesSchema>;

export const VipTierConfigSchema = z
  .object({
    name: z.string().trim().min(1).max(40),
    priceCoins: z.number().int().min(1).max(100_000_000),
    durationDays: z.number().int().min(1).max(366),
    privileges: VipPrivilegesSchema.prefault({}),
  })
  .strict();
export type VipTierConfig = z.infer<typeof VipTierConfigSchema>;

/** Used when config/vip (or its tiers map) is missing: the apps always have something to sell. */
export const DEFAULT_VIP_TIERS: Record<string, z.input<typeof VipTierConfigSchema>> = {
  "1": {
    name: "Silver",
    priceCoins: 1_000,
    durationDays: 30,
    privileges: { vipGifts: true, entranceEffect: "sparkle", roomPriority: 1, exchangeBonusBps: 200 },
  },
  "2": {
    name: "Gold",
    priceCoins: 5_000,
    durationDays: 30,
    privileges: { vipGifts: true, entranceEffect: "golden-wings", roomPriority: 2, exchangeBonusBps: 400 },
  },
  "3": {
    name: "Diamond",
    priceCoins: 20_000,
    durationDays: 30,
    privileges: { vipGifts: true, entranceEffect: "diamond-storm", roomPriority: 3, exchangeBonusBps: 700 },
  },
};

export const VipConfigSchema = z.object({
  tiers: z
    .record(z.string().regex(/^[1-9]$/, 'tier keys are "1".."9"'), VipTierConfigSchema)
    .refine((tiers) => Object.keys(tiers).length > 0, "at least one tier is required")
    .default(() => structuredClone(DEFAULT_VIP_TIERS) as Record<string, VipTierConfig>),
});
export type VipConfig = z.infer<typeof VipConfigSchema>;

/** users/{uid}.vip as stored. expiresAt is a Firestore Timestamp (anything with toMillis()). */
export interface StoredVip {
  tier: number;
  expiresAt: { toMillis(): number };
}

export const PurchaseVipRequestSchema = z.object({ tier: VipTierNumberSchema, requestId: RequestIdSchema }).strict();
export type PurchaseVipRequest = z.infer<typeof PurchaseVipRequestSchema>;

export const AdminGrantVipRequestSchema = z
  .object({
    uid: KeySafeUidSchema,
    tier: VipTierNumberSchema,
    days: z.number().int().min(1).max(366),
    reason: z.string().trim().min(3, "reason is required for the audit log").max(500),
    requestId: RequestIdSchema,
  })
  .strict();
export type AdminGrantVipRequest = z.infer<typeof AdminGrantVipRequestSchema>;

/** How a purchase or grant changed the membership. */
export type VipChangeKind = "new" | "extend" | "upgrade";

export interface VipMembershipResponse {
  uid: string;
  tier: number;
  /** ISO 8601. */
  expiresAt: string;
  change: VipChangeKind;
  /** The ledger transaction (purchases) or null (admin grants). */
  transactionId: string | null;
  /** The `vip` claim reaches the user's ID token at its next refresh (at most an hour, or forced by the app). */
  claimTakesEffect: "next-token-refresh";
}
export type PurchaseVipResponse = VipMembershipResponse & { priceCoins: number; coins: number };
export type AdminGrantVipResponse = VipMembershipResponse;
