/**
 * The simulation's own record of what the stores and Stripe told the backend: every purchase (store
 * transaction or Checkout Session) it delivered and every refund or dispute of it, and from that the coins
 * the backend should hold as granted, per buyer, once everything is delivered. It is compared with the
 * ledger afterwards; it never reads the backend to decide what is expected.
 */
export type Provider = "revenuecat" | "stripe";

export interface PurchaseRecord {
  provider: Provider;
  /** The store transaction id (RevenueCat) or the Checkout Session id (Stripe). */
  key: string;
  /** The account the purchase names (app_user_id, or the session's buyer). */
  uid: string;
  /** False for app_user_ids that are not an ordinary user: nothing may be granted to them. */
  grantable: boolean;
  coins: number;
  amountCents: number;
  paymentIntentId: string | null;
  /** Fate of the purchase event: some delivery answered 2xx ("yes"), none did ("no"), not settled yet. */
  delivered: "yes" | "no" | "pending";
  /** RevenueCat: a CUSTOMER_SUPPORT cancellation was delivered. */
  refunded: boolean;
  /** Stripe: the largest cumulative amount_refunded delivered, and whether a dispute was delivered. */
  refundedCents: number;
  disputed: boolean;
  /** A reversal was delivered before the purchase itself. */
  reversedEarly: boolean;
  /** A reversal was sent (delivery may still be pending). */
  reversalSent: boolean;
}

export class PurchaseBook {
  readonly records: PurchaseRecord[] = [];

  add(record: Omit<PurchaseRecord, "delivered" | "refunded" | "refundedCents" | "disputed" | "reversedEarly" | "reversalSent">): PurchaseRecord {
    const full: PurchaseRecord = {
      ...record,
      delivered: "pending",
      refunded: false,
      refundedCents: 0,
      disputed: false,
      reversedEarly: false,
      reversalSent: false,
    };
    this.records.push(full);
    return full;
  }

  /** Coins the purchase leaves with its buyer once every delivery is processed. */
  static expectedNet(record: PurchaseRecord): number {
    if (!record.grantable || record.delivered !== "yes") return 0;
    return record.coins - PurchaseBook.expectedClawback(record);
  }

  static expectedClawback(record: PurchaseRecord): number {
    if (!record.grantable || record.delivered !== "yes") return 0;
    if (record.provider === "revenuecat") return record.refunded ? record.coins : 0;
    // Stripe claws back in proportion to the amount refunded (rounded up), all of it on a dispute.
    if (record.disputed) return record.coins;
    return Math.min(record.coins, Math.ceil((record.coins * record.refundedCents) / record.amountCents));
  }

  /** Purchases whose grant event never got a 2xx (the providers gave up): their outcome is unknown. */
  undelivered(): PurchaseRecord[] {
    return this.records.filter((r) => r.delivered !== "yes" && r.grantable);
  }
}
