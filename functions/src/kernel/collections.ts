/** Every top-level collection the backend touches, named once so rules, services and tests agree. */
export const Collections = {
  users: "users",
  /** users/{uid}/private/{doc}: owner-only account data (email, phone). */
  userPrivate: "private",
  wallets: "wallets",
  /** wallets/{id}/shards/{n}: credits to hot recipients, folded into the wallet later. */
  walletShards: "shards",
  /** Immutable double-entry transactions; the document id derives from the idempotency key. */
  ledger: "ledger",
  /** Idempotency records: one per (scope, key), holding the first result. */
  idempotency: "idempotency",
  /** Append-only audit trail of privileged actions (role changes, grants). */
  auditLog: "auditLog",
  /** Platform-wide aggregates maintained by triggers. */
  platformStats: "platformStats",
  /** Admin-managed configuration documents (config/economy, ...). */
  config: "config",
  /** gifts/{giftId}: the gift catalog. */
  gifts: "gifts",
  /** rechargePackages/{packageId}: coin packages, with store product ids and web prices. */
  rechargePackages: "rechargePackages",
  /** agencies/{agencyId}: { ownerUid, name }; hosts carry agencyId on users/{uid}. */
  agencies: "agencies",
  /** blocks/{blockerUid}__{blockedUid}: exists while the block stands (either direction prevents gifts). */
  blocks: "blocks",
  /** kyc/{uid}: { status: "pending" | "approved" | "rejected" } (details encrypted; see the users domain). */
  kyc: "kyc",
  /** withdrawals/{id}: requests and their review state. */
  withdrawals: "withdrawals",
  /** reviewQueue/{id}: accounts or payments flagged for manual review (velocity, refund ratio). */
  reviewQueue: "reviewQueue",
  /** webhookEvents/{provider}:{eventId}: every delivery received, processed or not. */
  webhookEvents: "webhookEvents",
  /** checkoutSessions/{id}: Stripe Checkout sessions created for users. */
  checkoutSessions: "checkoutSessions",
  /** reconciliationReports/{id}: results of conservation checks. */
  reconciliationReports: "reconciliationReports",
} as const;
