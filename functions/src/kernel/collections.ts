/** Every top-level collection the backend touches, named once so rules, services and tests agree. */
import type { DocumentReference } from "firebase-admin/firestore";
import { db } from "./app.js";

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
  /** streams/{streamId}: live streams (functions/src/live); streams/{id}/ranking/{uid}: final top gifters. */
  streams: "streams",
  /** streamSecrets/{streamId}: { passwordHash, invitedUids } of password/private streams. Server only. */
  streamSecrets: "streamSecrets",
  /** liveHosts/{hostUid}: { streamId } while the host is live (one live stream per host). Server only. */
  liveHosts: "liveHosts",
  /** pkBattles/{battleId}: PK battles between two live streams (functions/src/live/pk*.ts); /pkCountedGifts/{txId}: live-score markers. */
  pkBattles: "pkBattles",
  /** chatArchive/{venueKey}/messages/{messageId} (every chat message with its moderation outcome), /senders/{uid}, /actions/{id}. Staff read. */
  chatArchive: "chatArchive",
  /** rooms/{roomId}: voice rooms (functions/src/rooms; sub-collections listed in rooms/schema.ts). */
  rooms: "rooms",
  /** roomOwners/{uid}: { openRoomIds } — the per-owner cap on open rooms. Server only. */
  roomOwners: "roomOwners",
  /** bans/{uid}: { reason, bannedBy, bannedAt, expiresAt? }: a ban (no expiry) or a suspension. Server only. */
  bans: "bans",
  /** customClaims/{uid}: { claims, version }: the account's custom claims, changed only by compare-and-set (kernel/claims.ts). Server only. */
  customClaims: "customClaims",
  /** unmatchedPurchases/{provider}:{purchaseKey}: paid purchases credited to nobody (no grantable account, unknown product). Admins read. */
  unmatchedPurchases: "unmatchedPurchases",
  /** pendingRefunds/{provider}:{purchaseKey}: a store refund that arrived before its purchase; the grant applies it. Admins read. */
  pendingRefunds: "pendingRefunds",
  /** revenuecatTransfers/{eventId}: RevenueCat TRANSFER events (store purchases moved between app user ids). Admins read. */
  revenuecatTransfers: "revenuecatTransfers",
  /** resellerDays/{uid}_{yyyymmdd}: a reseller's coins transferred and commission paid that UTC day. Server only. */
  resellerDays: "resellerDays",
  /** resellerEdges/{fromUid}__{toUid}: the last reseller transfer of an ordered pair (ring detection). Server only. */
  resellerEdges: "resellerEdges",
  /** balanceAdjustments/{id}: admin adjustments at or above the approval threshold, pending a second admin. */
  balanceAdjustments: "balanceAdjustments",
  /** adminInteractions/{targetUid}__{adminUid}: when an admin last adjusted, KYC-approved or VIP-granted an account. */
  adminInteractions: "adminInteractions",
  /** pkRewardCounters/{day}_{host|pair}_{hash}: PK winner rewards paid per UTC day (caps); expiresAt for TTL. Server only. */
  pkRewardCounters: "pkRewardCounters",
} as const;

/** users/{uid}: the public profile, read by every domain. */
export const userRef = (uid: string): DocumentReference => db().collection(Collections.users).doc(uid);
