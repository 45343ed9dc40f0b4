/**
 * Admin-managed configuration documents (config/{id}): parsed with zod (so a bad edit fails loudly with
 * the offending fields, and missing fields take the schema's defaults) and cached briefly per instance,
 * because hot paths (every gift, every ledger event) read them. Every reader is registered here, so one
 * clearConfigCaches() makes the next read of each go to Firestore.
 */
import type * as z from "zod";
import { db } from "./app.js";
import { Collections } from "./collections.js";
import { fail } from "./errors.js";
import { log } from "./logger.js";

export interface ConfigDocument<T> {
  get(): Promise<T>;
}

export interface ConfigOptions {
  cacheMs?: number;
  /**
   * What an invalid document means: "refuse" (the default) fails every read with failed-precondition until
   * an admin fixes it; "defaults" logs it and applies the schema's defaults, for documents whose typo must
   * not lock users out (sign-up and sign-in policy).
   */
  whenInvalid?: "refuse" | "defaults";
}

const registry = new Set<{ clear(): void }>();

/** Forgets every cached configuration document (tests change configuration between cases). */
export function clearConfigCaches(): void {
  for (const cache of registry) cache.clear();
}

/**
 * Fields the configuration editor stamps on config/{id} beside the settings (its optimistic version and
 * who changed it last): not settings, so they are removed before parsing (many schemas are strict).
 */
export const CONFIG_METADATA_FIELDS = ["version", "updatedAt", "updatedBy"] as const;

/** The settings of a config/{id} document: its data without the editor's metadata. */
export function configSettings(raw: unknown): Record<string, unknown> {
  if (!raw || typeof raw !== "object") return {};
  const settings = { ...(raw as Record<string, unknown>) };
  for (const field of CONFIG_METADATA_FIELDS) delete settings[field];
  return settings;
}

/** Parses config/{id} as `whenInvalid` says. */
export function parseConfig<S extends z.ZodType>(
  id: string,
  schema: S,
  raw: unknown,
  whenInvalid: ConfigOptions["whenInvalid"] = "refuse",
): z.output<S> {
  const parsed = schema.safeParse(configSettings(raw));
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  if (whenInvalid === "defaults") {
    log.error(`config/${id} is invalid; using defaults`, { issues });
    return schema.parse({});
  }
  return fail("failed-precondition", `The ${id} configuration is invalid; an admin must fix config/${id}.`, { issues });
}

/** How long an instance keeps a configuration document unless its reader says otherwise. */
export const DEFAULT_CONFIG_CACHE_MS = 30_000;

export function configDocument<S extends z.ZodType>(id: string, schema: S, options: ConfigOptions = {}): ConfigDocument<z.output<S>> {
  const cacheMs = options.cacheMs ?? DEFAULT_CONFIG_CACHE_MS;
  let cached: { value: z.output<S>; at: number } | undefined;
  registry.add({
    clear() {
      cached = undefined;
    },
  });
  return {
    async get() {
      if (cached && Date.now() - cached.at < cacheMs) return cached.value;
      const snapshot = await db().collection(Collections.config).doc(id).get();
      const value = parseConfig(id, schema, snapshot.data(), options.whenInvalid);
      cached = { value, at: Date.now() };
      return value;
    },
  };
}
