/**
 * config/access, read through a short in-memory cache: blocking functions run on every sign-up and
 * sign-in, and a 30 s delay for configuration changes is an acceptable price for not reading Firestore
 * each time. A malformed document is logged and the defaults apply: a typo in the configuration must not
 * lock every user out (bans do not depend on it).
 */
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { log } from "../kernel/logger.js";
import { type AccessConfig, AccessConfigSchema, IdentityCollections } from "./schema.js";

const CACHE_TTL_MS = 30_000;
let cached: { config: AccessConfig; expiresAt: number } | undefined;

export function parseAccessConfig(raw: unknown): AccessConfig {
  const parsed = AccessConfigSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  log.error("config/access is invalid; using defaults", { issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) });
  return AccessConfigSchema.parse({});
}

export async function accessConfig(now = Date.now()): Promise<AccessConfig> {
  if (cached && cached.expiresAt > now) return cached.config;
  const snap = await db().collection(Collections.config).doc(IdentityCollections.accessConfigDoc).get();
  const config = parseAccessConfig(snap.data());
  cached = { config, expiresAt: now + CACHE_TTL_MS };
  return config;
}

/** Tests change config/access between cases. */
export function clearAccessConfigCache(): void {
  cached = undefined;
}
