/**
 * Every deployed callable with the roles it admits, read from the functions themselves: each module of
 * the registry is loaded from src and its exports carrying `.access` (defineCallable attaches it) are
 * kept. roles null: any signed-in user.
 */
import { join } from "node:path";
import type { CallableAccess } from "../../src/kernel/callable.js";
import { registry } from "../../src/registry.js";

export interface CatalogEntry {
  /** The deployed name (the registry's key, the URL's last segment). */
  name: string;
  roles: CallableAccess["access"]["roles"];
}

const SRC = join(__dirname, "..", "..", "src");

export async function listCallables(): Promise<CatalogEntry[]> {
  const entries: CatalogEntry[] = [];
  for (const [name, module] of Object.entries(registry).sort(([a], [b]) => a.localeCompare(b))) {
    const exported = (require(join(SRC, module)) as Record<string, unknown>)[name] as Partial<CallableAccess> | undefined;
    if (exported?.access) entries.push({ name, roles: exported.access.roles });
  }
  return entries;
}
