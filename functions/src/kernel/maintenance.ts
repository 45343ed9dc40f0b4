/**
 * Maintenance mode (config/maintenance): while enabled, every callable refuses everyone but admins with
 * `unavailable`, so operators can work on a quiet platform. Webhooks, triggers and jobs are not callables
 * and keep running (store payments must still land). Read through a 5 s cache: every callable reads it.
 */
import * as z from "zod";
import { configDocument } from "./config-document.js";
import { refuse } from "./errors.js";
import type { Caller } from "./guards.js";

export const MaintenanceConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Shown to users while the platform is down. */
    message: z.string().trim().max(500).default("The platform is under maintenance. Please try again later."),
    /** When the maintenance is expected to end (ISO 8601), for the apps to show; informative only. */
    endsAt: z.iso.datetime({ offset: true }).nullable().default(null),
  })
  .strict();
export type MaintenanceConfig = z.output<typeof MaintenanceConfigSchema>;

export const MaintenanceRefusalSchema = z.enum(["maintenance"]);
export type MaintenanceRefusal = z.infer<typeof MaintenanceRefusalSchema>;

export const MAINTENANCE_CACHE_MS = 5_000;

// An invalid document must not take the platform down: it reads as "no maintenance" (and is logged).
const maintenance = configDocument("maintenance", MaintenanceConfigSchema, { cacheMs: MAINTENANCE_CACHE_MS, whenInvalid: "defaults" });

export const maintenanceConfig = (): Promise<MaintenanceConfig> => maintenance.get();

/** Refuses a non-admin caller while maintenance is on: unavailable, { reason: "maintenance", message, endsAt }. */
export async function refuseDuringMaintenance(caller: Caller): Promise<void> {
  if (caller.roles.includes("admin")) return;
  const config = await maintenanceConfig();
  if (!config.enabled) return;
  refuse<MaintenanceRefusal>("unavailable", "maintenance", config.message, { message: config.message, endsAt: config.endsAt });
}
