/**
 * Gift configuration (config/gifts, admin-managed): the streak window. zod-validated with defaults, cached
 * briefly per instance because every gift reads it.
 */
import * as z from "zod";
import { configDocument } from "../kernel/config-document.js";

export const GiftsConfigSchema = z.object({
  /** A send continues the streak when it follows the previous send of the same gift, sender and recipient within this. */
  streakWindowSeconds: z.number().int().min(1).max(3_600).default(30),
});
export type GiftsConfig = z.infer<typeof GiftsConfigSchema>;

const gifts = configDocument("gifts", GiftsConfigSchema);

export const giftsConfig = (): Promise<GiftsConfig> => gifts.get();
