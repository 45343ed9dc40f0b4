/**
 * Every Firestore collection the backend touches, top-level and nested, named once so rules, services and
 * tests agree (functions/test/kernel/paths.unit.test.ts refuses a collection name written anywhere else).
 * Entries marked "personal data" are what gdpr/ exports and deletes besides the profile.
 */
import type { DocumentReference } from "firebase-admin/firestore";
import { db } from "./app.js";

export const Collections = {
  users: "users",
  wallets: "wallets",
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
  /** agencies/{agencyId}: profile, status, settings (functions/src/agencies); members carry agencyId on users/{uid}. */
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
  /** streams/{streamId}: live streams (functions/src/live). */
  streams: "streams",
  /** streamSecrets/{streamId}: { passwordHash, invitedUids } of password/private streams. Server only. */
  streamSecrets: "streamSecrets",
  /** liveHosts/{hostUid}: { streamId } while the host is live (one live stream per host). Server only. */
  liveHosts: "liveHosts",
  /** pkBattles/{battleId}: PK battles between two live streams (functions/src/live/pk/). */
  pkBattles: "pkBattles",
  /** chatArchive/{venueKey}: every chat message with its moderation outcome (nested below). Staff read. */
  chatArchive: "chatArchive",
  /** rooms/{roomId}: voice rooms (functions/src/rooms). */
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
  /** usernames/{lowercase}: { uid, username }, the uniqueness claim of a username (personal data). */
  usernames: "usernames",
  /** reports/{id}: the moderation queue, { reporterUid, ... } (personal data: the reports a user filed). */
  reports: "reports",
  /** progression/{uid}: levels settled from the point shards; mirrored on users/{uid}. */
  progression: "progression",
  /** gdprDeletions/{uid}: the account-deletion state machine. Server only. */
  gdprDeletions: "gdprDeletions",
  /** gamePlayers/{uid}: a player's game settings: client seed, daily loss limit (and a pending raise), self-exclusion. Owner reads via getGameLimits; server only. */
  gamePlayers: "gamePlayers",
  /** gameRounds/{roundId}: Greedy rounds, public: fairness record (seed revealed after the round), weights, result, totals. */
  gameRounds: "gameRounds",
  /** gameHands/{handId}: Teen Patti hands, public once over: fairness record (seed revealed after the hand), hands dealt at a show. */
  gameHands: "gameHands",
  /** greedyGames/{roomId}: { currentRoundId, seq, running } — the Greedy game of a room. Public read. */
  greedyGames: "greedyGames",
  /** teenPattiTables/{tableId}: Teen Patti tables: settings, seats, the hand in play (functions/src/games/teenpatti). Signed-in users read. */
  teenPattiTables: "teenPattiTables",

  /** notificationOutbox/{id}: one record per (recipient, type, event), with its delivery state (functions/src/notifications). Admins read. */
  notificationOutbox: "notificationOutbox",
  /** notificationFanouts/{id}: one fan-out of a notification to a host's followers (e.g. go-live), with its page records nested. Server only. */
  notificationFanouts: "notificationFanouts",
  /** notificationWindows/{uid}__{type}: the open aggregation window of an aggregated type (gifts), { windowId, endsAtMs, summaryPending }. Server only. */
  notificationWindows: "notificationWindows",
  /**
   * notificationWindowEvents/{outboxId}: one event counted in an aggregation window { uid, type, windowId,
   * actor, atMs, expiresAt (TTL) }; the window's count is theirs, so counting writes no shared document. Server only.
   */
  notificationWindowEvents: "notificationWindowEvents",

  /** posts/{postId}: posts and reposts (functions/src/posts), readable as their visibility says (personal data). */
  posts: "posts",
  /** stories/{storyId}: 24-hour stories; expiresAt for TTL, and every query filters on it (personal data). */
  stories: "stories",

  // social
  /** conversations/{a__b}: direct message conversations, the two uids sorted (functions/src/messages; personal data). Participants read. */
  conversations: "conversations",
  /** messageInboxes/{uid}: { unreadTotal }, and threads/{conversationId} per conversation (personal data). Owner reads. */
  messageInboxes: "messageInboxes",
  /** media/{mediaId}: uploaded images and videos, { ownerUid, kind, status, path, ... } (functions/src/media/uploads owns them; posts and stories attach them; personal data). Server only. */
  media: "media",

  // rankings
  /** leaderboardSnapshots/{board}_{periodKey}_{scopeKey}: a closed period's top N and its reward state (functions/src/rankings). Signed-in users read. */
  leaderboardSnapshots: "leaderboardSnapshots",

  // admin: moderation (functions/src/admin/moderation)
  /** moderationItems/{id}: the moderation queue, one item per user report and per automated flag, with its outcome. Server only. */
  moderationItems: "moderationItems",
  /** sanctions/{id}: { subjectUid, action, step, until, itemId, actorUid, status }, what a moderation action imposed (personal data). Server only. */
  sanctions: "sanctions",
  /** appeals/{sanctionId}: a subject's appeal against a sanction and its decision (personal data). Server only. */
  appeals: "appeals",
  /** moderationSubjects/{uid}: { lastSanctionAt }, touched by every sanction so a subject's ladder steps are taken one at a time. Server only. */
  moderationSubjects: "moderationSubjects",
  /** moderationChatOffenders/{uid}: { recent } chat-filter hits within the window, until they raise an item. Server only. */
  moderationChatOffenders: "moderationChatOffenders",
  /** moderationDays/{yyyy-mm-dd}__{moderatorUid}: actions by outcome and seconds to action per item (blind writes). Server only. */
  moderationDays: "moderationDays",

  // Nested collections: {parent}/{id}/<name>/{docId}.

  /** users/{uid}/private/{doc}: owner-only account data (account: email, phone; sessions: revokedAt). */
  userPrivate: "private",
  /** users/{uid}/following/{target} and users/{target}/followers/{uid}: the two halves of a follow edge (personal data). */
  following: "following",
  followers: "followers",
  /** users/{uid}/devices/{deviceId}: the account's registered app installations (personal data). */
  devices: "devices",
  /** users/{uid}/notifications/{id}: notification records, owner-readable (personal data). */
  notifications: "notifications",
  /** notificationFanouts/{id}/fanoutPages/{n}: one page of followers of a fan-out: its range, claim, progress and results. */
  fanoutPages: "fanoutPages",
  /** users/{uid}/badges/{badgeId}: badges awarded. */
  badges: "badges",
  /** users/{uid}/vipHistory/{id}: every purchase, grant and expiry of the user's VIP membership. */
  vipHistory: "vipHistory",
  /** wallets/{id}/shards/{n}: credits to hot recipients, folded into the wallet later. */
  walletShards: "shards",
  /** platformStats/{stat}/shards/{n}: the shards of a platform counter (e.g. platformStats/users). */
  statShards: "shards",
  /** progression/{uid}/points/{n}: point shards (blind increments per counted ledger transaction). */
  progressionPoints: "points",
  /** streams/{streamId}/ranking/{uid}: the final top gifters of an ended stream. */
  streamRanking: "ranking",
  /** pkBattles/{battleId}/pkCountedGifts/{transactionId}: gifts already added to the live score. */
  pkCountedGifts: "pkCountedGifts",
  /** teenPattiTables/{tableId}/private/dealer: the next server seed, the hand's seed and cards. Server only. */
  teenPattiTablePrivate: "private",
  /** rooms/{roomId}/private/lock: { passwordHash }, never client-readable. */
  roomPrivate: "private",
  /** rooms/{roomId}/activity/{id}: the room's activity history. */
  roomActivity: "activity",
  /** rooms/{roomId}/giftShards/{n}: gift value not yet folded into the room. */
  roomGiftShards: "giftShards",
  /** rooms/{roomId}/visits/{uid}_{visitId}: paid visits. */
  roomVisits: "visits",
  /** gamePlayers/{uid}/lossDays/{yyyy-mm-dd}: { netLoss } the player's game stakes minus payouts that UTC day (blind increments); expiresAt for TTL. */
  gameLossDays: "lossDays",
  /** chatArchive/{venueKey}/messages/{id}: { uid, venueKey, text, createdAt, moderation } (personal data). */
  chatMessages: "messages",
  /** chatArchive/{venueKey}/senders/{uid}: auto-mute memory. */
  chatSenders: "senders",
  /** chatArchive/{venueKey}/actions/{id}: mutes, unmutes and deletions by hosts and moderators. */
  chatActions: "actions",
  /** gameRounds/{roundId}/private/seed: { serverSeed } until the result reveals it. Server only. */
  gameRoundPrivate: "private",
  /** gameRounds/{roundId}/greedyStakes/{uid}: a player's stakes in the round, by item. Server only. */
  greedyStakes: "greedyStakes",
  /** gameRounds/{roundId}/greedyExposure/{itemId}_{n}: the reserved worst-case payout of an item, sharded. Server only. */
  greedyExposure: "greedyExposure",
  /** posts/{postId}/shards/{n} and .../comments/{commentId}/shards/{n}: like, comment, reply and repost counts. Server only. */
  postShards: "shards",
  /** posts/{postId}/likes/{uid} and .../comments/{commentId}/likes/{uid}: { uid, postId, commentId } (personal data). */
  postLikes: "likes",
  /** posts/{postId}/comments/{commentId}: { authorUid, parentId, text, status } (personal data). */
  postComments: "comments",
  /** posts/{postId}/revisions/{id}: what each edit replaced. Author reads. */
  postRevisions: "revisions",
  /** stories/{storyId}/viewers/{uid}: { uid, viewedAt }, one per viewer. Author reads. */
  storyViewers: "viewers",
  /** stories/{storyId}/shards/{n}: view counts. */
  storyShards: "shards",
  /** conversations/{id}/messages/{messageId}: { senderUid, kind, text, mediaId, storyId } (personal data). Participants read. */
  conversationMessages: "messages",
  /** messageInboxes/{uid}/threads/{conversationId}: the owner's unread count, preview and mute of one conversation. */
  messageThreads: "threads",
  /** users/{uid}/feed/{postId}: { postId, authorUid, createdAt, visibility }, the following feed's fanned-out entries (functions/src/feeds). Owner reads. */
  feed: "feed",
  /** giftStreaks/{senderUid}__{recipientUid}__{giftId}: { count, best, lastAtMs, lastTransactionId }, written by sendGift's ledger transaction. Server only. */
  giftStreaks: "giftStreaks",
  /** campaigns/{campaignId}: admin-created time-limited events: window, goal, reward tiers (functions/src/campaigns). */
  campaigns: "campaigns",
  /** campaignProgress/{campaignId}__{uid}/shards/{n}: a participant's progress, blind increments per counted ledger transaction. Server only. */
  campaignProgress: "campaignProgress",
  campaignProgressShards: "shards",
  /** campaignClaims/{campaignId}__{uid}__{tier}: { uid, campaignId, tier, reward, claimedAt }, one per claimed tier (personal data). Server only. */
  campaignClaims: "campaignClaims",
  /** leaderboardSnapshots/{id}/entries/{rank}: { rank, member, score } of a closed period. Signed-in users read. */
  leaderboardEntries: "entries",
  /** leaderboardSnapshots/{id}/rewards/{rank}: what the winner at that rank was paid, once. Server only. */
  leaderboardRewards: "rewards",
  /** users/{uid}/frames/{frameId}: { frameId, expiresAt, source, grantedAt }, avatar frames won (like badges). Owner reads. */
  frames: "frames",
  /** config/{id}/versions/{version}: { value, before, actorUid, reason, at }, each edit of a configuration document (admin/platform). Admins read. */
  configVersions: "versions",
  /** agencies/{agencyId}/members/{uid}: { uid, agencyId, role, joinedAt, leaveRequestedAt } (personal data). Member and owner read. */
  agencyMembers: "members",
  /** agencies/{agencyId}/requests/{uid}: an invitation or an application to join (personal data). Invitee and owner read. */
  agencyRequests: "requests",
  /** agencyStatements/{agencyId}__{period}: income and salary per period, derived from the ledger. Owner and admins read. */
  agencyStatements: "agencyStatements",

  // operations: users and audit
  /** bans/{uid}/history/{id}: { action: ban | suspension | lift, reason, actorUid, at, expiresAt, requestId }, every sanction and lift. Server only. */
  banHistory: "history",
  /** staffNotes/{id}: { uid, text, authorUid, createdAt, requestId }: staff notes on an account (functions/src/admin/users). Server only. */
  staffNotes: "staffNotes",
  /** financeDays/{YYYY-MM-DD}/shards/{n}: the day's finance figures, blind increments per counted ledger transaction. Server only. */
  financeDays: "financeDays",
  financeDayShards: "shards",
  /** financeRecomputes/{id}: a recompute of one day's figures from the ledger, stored vs recomputed. Server only. */
  financeRecomputes: "financeRecomputes",
  /** announcements/{id}: { title, body, countries, roles, language, createdBy, requestId, createdAt }: an admin's announcement, fanned out as notificationFanouts/announcement-{id}. Server only. */
  announcements: "announcements",
} as const;

/** users/{uid}: the public profile, read by every domain. */
export const userRef = (uid: string): DocumentReference => db().collection(Collections.users).doc(uid);
