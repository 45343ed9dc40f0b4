/** Agencies settings (config/agencies, admin-managed), with defaults for every field. */
import * as z from "zod";
import { configDocument } from "../kernel/config-document.js";

const BpsSchema = z.number().int().min(0).max(10_000);

export const CommissionTierSchema = z.object({ minVolume: z.number().int().min(0), ratioBps: BpsSchema }).strict();
export type CommissionTier = z.infer<typeof CommissionTierSchema>;

export const AgenciesConfigSchema = z
  .object({
    /** Salary periods: ISO weeks (Monday) or calendar months, each starting at cutoffHourUtc. */
    period: z.enum(["weekly", "monthly"]).default("weekly"),
    cutoffHourUtc: z.number().int().min(0).max(23).default(0),
    /** A period is settled only this long after its end, so no gift of it is still committing. */
    settleDelayMinutes: z.number().int().min(0).max(1440).default(15),
    /** Agency ratio by the 30-day host volume (diamonds): the highest tier whose minVolume is reached. */
    commissionTiers: z
      .array(CommissionTierSchema)
      .min(1)
      .max(20)
      .default([
        { minVolume: 0, ratioBps: 1000 },
        { minVolume: 100_000, ratioBps: 1500 },
        { minVolume: 1_000_000, ratioBps: 2000 },
      ]),
    /** Of each qualified host's counted earnings, a bonus paid to the host per period (0: none). */
    hostBonusBps: BpsSchema.default(0),
    /** Venues whose gifts count toward earnings. */
    qualifyingVenues: z
      .array(z.enum(["stream", "room"]))
      .min(1)
      .default(["stream", "room"]),
    /** A host counts only with this many live hours in the period (0: no minimum). */
    minLiveHours: z.number().min(0).max(744).default(0),
    /** ... and this many valid days (a UTC day with at least validDayMinutes live; 0: no minimum). */
    minValidDays: z.number().int().min(0).max(31).default(0),
    validDayMinutes: z.number().int().min(1).max(1440).default(60),
    /** A host's leave request takes effect by itself after this long when the owner has not approved it. */
    leaveTimeoutHours: z.number().int().min(1).max(2160).default(168),
    /** After leaving, a host may join no other agency for this long. */
    rejoinCooldownHours: z.number().int().min(0).max(2160).default(72),
    defaultMaxMembers: z.number().int().min(1).max(10_000).default(500),
  })
  .strict();
export type AgenciesConfig = z.infer<typeof AgenciesConfigSchema>;

const agencies = configDocument("agencies", AgenciesConfigSchema);

export const agenciesConfig = (): Promise<AgenciesConfig> => agencies.get();
