/** Every top-level collection the backend touches, named once so rules, services and tests agree. */
export const Collections = {
  users: "users",
  /** users/{uid}/private/{doc}: owner-only account data (email, phone). */
  userPrivate: "private",
  wallets: "wallets",
  /** Idempotency records: one per (scope, key), holding the first result. */
  idempotency: "idempotency",
  /** Append-only audit trail of privileged actions (role changes, grants). */
  auditLog: "auditLog",
  /** Platform-wide aggregates maintained by triggers. */
  platformStats: "platformStats",
} as const;
