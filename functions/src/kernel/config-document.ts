/**
 * Admin-managed configuration documents (config/{id}): parsed with zod (so a bad edit fails loudly
 * with the offending fields, and missing fields take the schema's defaults) and cached briefly per
 * instance, because hot paths (every gift, every ledger event) read them.
 */
import type { z } from "zod";
import { db } from "./app.js";
import { Collections } from "./collections.js";
import { fail } from "./errors.js";

export interface ConfigDocument<T> {
  get(): Promise<T>;
  /** Tests change the configuration between cases. */
  clearCache(): void;
}

export function configDocument<S extends z.ZodType>(id: string, schema: S, cacheMs = 30_000): ConfigDocument<z.output<S>> {
  let cached: { value: z.output<S>; at: number } | undefined;
  return {
    async get() {
      if (cached && Date.now() - cached.at < cacheMs) return cached.value;
      const snapshot = await db().collection(Collections.config).doc(id).get();
      const parsed = schema.safeParse(snapshot.data() ?? {});
      if (!parsed.success) {
        fail("failed-precondition", `The ${id} configuration is invalid; an admin must fix config/${id}.`, {
          issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
        });
      }
      cached = { value: parsed.data, at: Date.now() };
      return parsed.data;
    },
    clearCache() {
      cached = undefined;
    },
  };
}
