/** Recharge packages: the server's catalogue is the only source of coin amounts and prices. */
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import { log } from "../kernel/logger.js";
import { type RechargePackage, RechargePackageSchema } from "./schema.js";

function toPackage(id: string, data: unknown): RechargePackage | null {
  const parsed = RechargePackageSchema.safeParse(data ?? {});
  if (!parsed.success) {
    log.error("invalid recharge package", { packageId: id, issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) });
    return null;
  }
  return { ...parsed.data, id };
}

/** A package the user may buy now (web checkout): it must exist, be valid and be active. */
export async function loadPurchasablePackage(packageId: string): Promise<RechargePackage> {
  const snapshot = await db().collection(Collections.rechargePackages).doc(packageId).get();
  const pkg = snapshot.exists ? toPackage(packageId, snapshot.data()) : null;
  if (!pkg) return fail("not-found", "No such recharge package.", { packageId });
  if (!pkg.active) return fail("failed-precondition", "This recharge package is no longer sold.", { packageId });
  return pkg;
}

/**
 * The package behind a store product id. An active package wins; if only an inactive one matches, it
 * is still used: the buyer has paid the store, and deactivating a package only stops new sales (a
 * purchase started before, or an Ask-to-Buy approved later, must still be credited).
 */
export async function findPackageByStoreProductId(productId: string): Promise<RechargePackage | null> {
  const matches = await db().collection(Collections.rechargePackages).where("storeProductId", "==", productId).get();
  const packages = matches.docs
    .map((doc) => toPackage(doc.id, doc.data()))
    .filter((pkg): pkg is RechargePackage => pkg !== null)
    .sort((a, b) => Number(b.active) - Number(a.active) || (a.id < b.id ? -1 : 1));
  if (packages.filter((p) => p.active).length > 1) {
    log.error("several active packages share a store product id; using the first by id", { productId, packageIds: packages.map((p) => p.id) });
  }
  const chosen = packages[0] ?? null;
  if (chosen && !chosen.active) log.warn("store purchase of an inactive package credited", { productId, packageId: chosen.id });
  return chosen;
}
