/**
 * Every deployed callable with the roles it admits, read from the functions themselves: each module of
 * the registry is loaded from src and its exports carrying `.access` (defineCallable attaches it) are
 * kept. roles null: any signed-in user.
 */
import { join } from "node:path";
import type { CallableFunction } from "firebase-functions/v2/https";
import type { CallableAccess } from "../../src/kernel/callable.js";
import { registry } from "../../src/registry.js";

export interface CatalogEntry {
  /** The deployed name (the registry's key, the URL's last segment). */
  name: string;
  roles: CallableAccess["access"]["roles"];
  /** The function itself, for in-process calls. */
  callable: CallableFunction<unknown, Promise<unknown>>;
}

const SRC = join(__dirname, "..", "..", "src");

export async function listCallables(): Promise<CatalogEntry[]> {
  const entries: CatalogEntry[] = [];
  for (const [name, module] of Object.entries(registry).sort(([a], [b]) => a.localeCompare(b))) {
    const exported = (require(join(SRC, module)) as Record<string, unknown>)[name] as Partial<CallableAccess> | undefined;
    if (exported?.access) entries.push({ name, roles: exported.access.roles, callable: exported as unknown as CatalogEntry["callable"] });
  }
  return entries;
}

/**
 * A few callables for probes over HTTP, one per slice of the catalog: every probed function starts a worker
 * of its own in the functions emulator, and workers are not reaped, so probing all of them over HTTP in one
 * run exhausts the machine's memory. The whole catalog is probed in-process (the same runCallable pipeline).
 */
export function sampleForHttp(entries: CatalogEntry[], count = 8): CatalogEntry[] {
  const step = Math.max(1, Math.floor(entries.length / count));
  return entries.filter((_, index) => index % step === 0).slice(0, count);
}
