/**
 * Teen Patti configuration: config/games, field teenPatti (admin-managed; the other games keep their own
 * fields in the same document). Missing fields take the defaults of TeenPattiConfigSchema; the bounds
 * must enclose the defaults, or every read fails until an admin fixes the document.
 */
import * as z from "zod";
import { configDocument } from "../../kernel/config-document.js";
import { type TeenPattiConfig, TeenPattiConfigSchema } from "./schema.js";

const within = (config: TeenPattiConfig, [min, value, max]: [keyof TeenPattiConfig, keyof TeenPattiConfig, keyof TeenPattiConfig]) =>
  (config[min] as number) <= (config[value] as number) && (config[value] as number) <= (config[max] as number);

export const GamesConfigSchema = z.object({
  teenPatti: TeenPattiConfigSchema.prefault({})
    .refine((c) => c.minBoot <= c.maxBoot, "minBoot must not exceed maxBoot")
    .refine((c) => within(c, ["minPotLimitBoots", "defaultPotLimitBoots", "maxPotLimitBoots"]), "defaultPotLimitBoots must lie within its bounds")
    .refine((c) => within(c, ["minBlindTurns", "defaultBlindTurns", "maxBlindTurns"]), "defaultBlindTurns must lie within its bounds")
    .refine((c) => within(c, ["minTurnSeconds", "defaultTurnSeconds", "maxTurnSeconds"]), "defaultTurnSeconds must lie within its bounds")
    .refine((c) => c.seenMinMultiplier <= c.seenMaxMultiplier, "seenMinMultiplier must not exceed seenMaxMultiplier"),
});

const games = configDocument("games", GamesConfigSchema);

export const teenPattiConfig = async (): Promise<TeenPattiConfig> => (await games.get()).teenPatti;
