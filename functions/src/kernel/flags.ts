/**
 * Feature flags (config/flags), evaluated on the server: a flag is on for a user when it is enabled, the
 * user's country and roles are among those it targets (when it names any), and the user's bucket (0..99,
 * a hash of flag name and uid: the same user always gets the same answer, and each flag draws its own
 * sample) is below the rollout percentage. A flag the document does not name is off.
 */
import { createHash } from "node:crypto";
import * as z from "zod";
import { configDocument } from "./config-document.js";
import { RoleSchema } from "./roles.js";

export const FeatureFlagSchema = z
  .object({
    enabled: z.boolean(),
    rolloutPercent: z.number().int().min(0).max(100).default(100),
    countries: z
      .array(z.string().regex(/^[A-Z]{2}$/, "countries are ISO 3166-1 alpha-2 codes (e.g. IN)"))
      .max(250)
      .optional(),
    roles: z.array(RoleSchema).max(20).optional(),
  })
  .strict();
export type FeatureFlag = z.output<typeof FeatureFlagSchema>;

export const FlagsConfigSchema = z
  .object({
    flags: z
      .record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_.-]{0,63}$/, "flag names are letters, digits, _ . - (up to 64)"), FeatureFlagSchema)
      .default({}),
  })
  .strict();
export type FlagsConfig = z.output<typeof FlagsConfigSchema>;

export interface FlagSubject {
  uid: string;
  country?: string | null;
  roles?: readonly string[];
}

// Short: flags are read on many calls, and an operator turning one off expects it to take effect quickly.
const flags = configDocument("flags", FlagsConfigSchema, { cacheMs: 5_000 });

export const flagsConfig = (): Promise<FlagsConfig> => flags.get();

/** The user's bucket for a flag, 0..99: stable per (flag, uid). */
export function rolloutBucket(name: string, uid: string): number {
  return createHash("sha256").update(`${name}\n${uid}`).digest().readUInt32BE(0) % 100;
}

export function evaluateFlag(name: string, flag: FeatureFlag | undefined, subject: FlagSubject): boolean {
  if (!flag?.enabled) return false;
  if (flag.countries && flag.countries.length > 0 && !(subject.country && flag.countries.includes(subject.country))) return false;
  if (flag.roles && flag.roles.length > 0 && !flag.roles.some((role) => subject.roles?.includes(role))) return false;
  return rolloutBucket(name, subject.uid) < flag.rolloutPercent;
}

export async function isFeatureEnabled(name: string, subject: FlagSubject): Promise<boolean> {
  const config = await flagsConfig();
  return evaluateFlag(name, Object.hasOwn(config.flags, name) ? config.flags[name] : undefined, subject);
}

/** Every flag of the document, evaluated for one user. */
export async function evaluateAllFlags(subject: FlagSubject): Promise<Record<string, boolean>> {
  const config = await flagsConfig();
  return Object.fromEntries(Object.entries(config.flags).map(([name, flag]) => [name, evaluateFlag(name, flag, subject)]));
}
