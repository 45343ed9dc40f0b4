/** Shared set-up for the VIP tests: a user with a profile and coins, and a known tier configuration. */
import { Timestamp } from "firebase-admin/firestore";
import { db } from "../../src/kernel/app.js";
import { clearVipConfigCache } from "../../src/progression/vip/memberships.js";
import { createProfile, grantCoins } from "./economy-world.js";
import { createTestUser, type TestUser } from "./users.js";

export const DAY_MS = 86_400_000;

export const TIERS = {
  "1": {
    name: "Silver",
    priceCoins: 100,
    durationDays: 30,
    privileges: { vipGifts: true, entranceEffect: "sparkle", roomPriority: 1, exchangeBonusBps: 200 },
  },
  "2": {
    name: "Gold",
    priceCoins: 300,
    durationDays: 30,
    privileges: { vipGifts: true, entranceEffect: "wings", roomPriority: 2, exchangeBonusBps: 400 },
  },
  "3": { name: "Diamond", priceCoins: 900, durationDays: 10, privileges: { entranceEffect: "storm", roomPriority: 3 } },
} as const;

export async function seedVipConfig(): Promise<void> {
  clearVipConfigCache();
  await db().doc("config/vip").set({ tiers: TIERS });
}

export async function vipMember(coins: number, fields: Record<string, unknown> = {}, roles?: TestUser["claims"]["roles"]): Promise<TestUser> {
  const user = await createTestUser(roles ? { roles: roles as never } : {});
  await createProfile(user.uid, fields);
  if (coins > 0) await grantCoins(user.uid, coins);
  return user;
}

export const vipAt = (tier: number, expiresAtMs: number) => ({ vip: { tier, expiresAt: Timestamp.fromMillis(expiresAtMs) } });

export function millisOf(value: unknown): number {
  return (value as Timestamp).toMillis();
}
