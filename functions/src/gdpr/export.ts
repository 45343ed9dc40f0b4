/**
 * Data export (GDPR Art. 15 and 20): everything the platform holds about the caller, as one JSON
 * bundle. Financial records (ledger, withdrawals, checkout sessions) are included; other users'
 * personal data is not (follow edges list uids only, as the app shows them). Chat messages the user
 * sent are exported from the moderation archive with their venue, time and moderation outcome; the
 * streams they hosted, the rooms they own and their PK battles come with them, and so do their posts,
 * comments, likes, stories and direct messages (story replies among them). Operations records about the
 * user come too (their ban and its history, sanctions, appeals, moderation items, staff notes), without
 * the uids of the reporters, of the other accounts an item names, or of the staff who acted.
 *
 * Delivery: inline when the serialized bundle is under 1 MB (the callable's response limit is 10 MB,
 * 1 MB keeps mobile clients comfortable). Larger bundles in production would be written to Cloud
 * Storage at gdprExports/{uid}/{timestamp}.json (bucket with a 7-day lifecycle rule) and returned as a
 * V4 signed URL (getStorage().bucket().file(path).getSignedUrl({ action: "read", expires: +24 h })).
 * Storage is not emulated in the local stack, so that branch refuses with resource-exhausted for now.
 */

import type { DocumentSnapshot, Query } from "firebase-admin/firestore";
import { agencyDataOf } from "../agencies/erasure.js";
import { gamePlayerRef } from "../games/fairness/store.js";
import { auth, db, firestoreValues } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { decryptKycDocument } from "../kyc/verification.js";
import { messagesForExport } from "../messages/erasure.js";
import { blocksBy } from "../social/store.js";
import { userAccount } from "../wallet/accounts.js";
import { readBalances } from "../wallet/ledger.js";
import type { DataExportBundle, ExportMyDataResponse, JsonRecord, JsonValue } from "./schema.js";

export const INLINE_EXPORT_LIMIT_BYTES = 1_000_000;
/** Paging size for the larger collections (ledger): bounded memory per read. */
const PAGE = 500;

/** Firestore values → JSON: Timestamps to ISO strings, references to paths, bytes to base64. */
export function toJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(toJson);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (typeof value === "object") {
    const v = value as Record<string, unknown>;
    if (typeof v.toDate === "function") return (v.toDate as () => Date)().toISOString();
    if (typeof v.path === "string" && typeof v.firestore === "object") return v.path;
    if (typeof v.latitude === "number" && typeof v.longitude === "number") return { latitude: v.latitude, longitude: v.longitude };
    return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, toJson(inner)]));
  }
  return String(value);
}

function record(snapshot: DocumentSnapshot): JsonRecord {
  return { ...(toJson(snapshot.data() ?? {}) as Record<string, JsonValue>), id: snapshot.id };
}

/**
 * All documents of a query, paged by document id (no composite index needed). The next page starts after
 * the last snapshot, not its id: a collection-group query orders by full path and refuses a bare id.
 */
async function readAll(query: Query): Promise<JsonRecord[]> {
  const { FieldPath } = firestoreValues();
  const out: JsonRecord[] = [];
  const ordered = query.orderBy(FieldPath.documentId()).limit(PAGE);
  for (let page = await ordered.get(); ; page = await ordered.startAfter(page.docs[page.size - 1]).get()) {
    out.push(...page.docs.map(record));
    if (page.size < PAGE) return out;
  }
}

const byCreatedAt = (a: JsonRecord, b: JsonRecord) => String(a.createdAt ?? "").localeCompare(String(b.createdAt ?? ""));

/** Fields of operations records that name someone else: reporters, other accounts involved, staff. */
const OTHERS_IN_OPERATIONS = [
  "relatedUids",
  "sourceRef",
  "actorUid",
  "authorUid",
  "bannedBy",
  "filedByUid",
  "sanctionActorUid",
  "deciderUid",
  "overturnedBy",
];

function withoutOthers(entry: JsonRecord): JsonRecord {
  return Object.fromEntries(Object.entries(entry).filter(([key]) => !OTHERS_IN_OPERATIONS.includes(key))) as JsonRecord;
}

/** What operators recorded about the user: their ban and its history, sanctions, appeals, queue items, staff notes. */
async function operationsRecordsAbout(uid: string): Promise<DataExportBundle["moderation"]> {
  const banRef = db().collection(Collections.bans).doc(uid);
  const [ban, banHistory, sanctions, appeals, items, staffNotes] = await Promise.all([
    banRef.get(),
    readAll(banRef.collection(Collections.banHistory)),
    readAll(db().collection(Collections.sanctions).where("subjectUid", "==", uid)),
    readAll(db().collection(Collections.appeals).where("subjectUid", "==", uid)),
    readAll(db().collection(Collections.moderationItems).where("subjectUid", "==", uid)),
    readAll(db().collection(Collections.staffNotes).where("uid", "==", uid)),
  ]);
  return {
    ban: ban.exists ? withoutOthers(record(ban)) : null,
    banHistory: banHistory.map(withoutOthers).sort((a, b) => String(a.at ?? "").localeCompare(String(b.at ?? ""))),
    sanctions: sanctions.map(withoutOthers).sort(byCreatedAt),
    appeals: appeals.map(withoutOthers).sort(byCreatedAt),
    items: items.map(withoutOthers).sort(byCreatedAt),
    staffNotes: staffNotes.map(withoutOthers).sort(byCreatedAt),
  };
}

export async function buildExport(uid: string): Promise<DataExportBundle> {
  const profileRef = userRef(uid);
  const account = userAccount(uid);

  const [authUser, profile, walletDoc, balances, kycDoc] = await Promise.all([
    auth()
      .getUser(uid)
      .catch(() => null),
    profileRef.get(),
    db().collection(Collections.wallets).doc(uid).get(),
    readBalances(account),
    db().collection(Collections.kyc).doc(uid).get(),
  ]);
  const [privateDocs, ledger, withdrawals, checkoutSessions, following, followers, blocks, devices, notifications, reportsFiled] = await Promise.all([
    readAll(profileRef.collection(Collections.userPrivate)),
    readAll(db().collection(Collections.ledger).where("accounts", "array-contains", account)),
    readAll(db().collection(Collections.withdrawals).where("uid", "==", uid)),
    readAll(db().collection(Collections.checkoutSessions).where("uid", "==", uid)),
    readAll(profileRef.collection(Collections.following)),
    readAll(profileRef.collection(Collections.followers)),
    readAll(blocksBy(uid)),
    readAll(profileRef.collection(Collections.devices)),
    readAll(profileRef.collection(Collections.notifications)),
    readAll(db().collection(Collections.reports).where("reporterUid", "==", uid)),
  ]);
  const [messagesSent, streamsHosted, roomsOwned, pkBattles, gameSettings, lossDays, greedyStakes, teenPattiHands] = await Promise.all([
    // chatArchive/{venueKey}/messages/{id}: a collection-group query on uid (index override declared).
    readAll(db().collectionGroup(Collections.chatMessages).where("uid", "==", uid)).then((docs) =>
      docs.filter((m) => typeof m.venueKey === "string"),
    ),
    readAll(db().collection(Collections.streams).where("hostUid", "==", uid)),
    readAll(db().collection(Collections.rooms).where("ownerUid", "==", uid)),
    readAll(db().collection(Collections.pkBattles).where("participants", "array-contains", uid)),
    gamePlayerRef(uid).get(),
    readAll(gamePlayerRef(uid).collection(Collections.gameLossDays)),
    // gameRounds/{roundId}/greedyStakes/{uid}: a collection-group query on uid (index override declared).
    readAll(db().collectionGroup(Collections.greedyStakes).where("uid", "==", uid)),
    readAll(db().collection(Collections.gameHands).where("playerUids", "array-contains", uid)),
  ]);

  const [posts, comments, likes, stories] = await Promise.all([
    readAll(db().collection(Collections.posts).where("authorUid", "==", uid)),
    // posts/{postId}/comments/{id} and .../likes/{uid}: collection-group queries (index overrides declared).
    readAll(db().collectionGroup(Collections.postComments).where("authorUid", "==", uid)),
    readAll(db().collectionGroup(Collections.postLikes).where("uid", "==", uid)),
    readAll(db().collection(Collections.stories).where("authorUid", "==", uid)),
  ]);
  const media = await readAll(db().collection(Collections.media).where("ownerUid", "==", uid));
  const directMessages = await messagesForExport(uid);
  const agencies = await agencyDataOf(uid);
  const moderation = await operationsRecordsAbout(uid);
  const [campaignClaims, streaksSent, streaksReceived] = await Promise.all([
    readAll(db().collection(Collections.campaignClaims).where("uid", "==", uid)),
    readAll(db().collection(Collections.giftStreaks).where("senderUid", "==", uid)),
    readAll(db().collection(Collections.giftStreaks).where("recipientUid", "==", uid)),
  ]);

  const [levels, badges, frames, vipHistory] = await Promise.all([
    db().collection(Collections.progression).doc(uid).get(),
    readAll(profileRef.collection(Collections.badges)),
    readAll(profileRef.collection(Collections.frames)),
    readAll(profileRef.collection(Collections.vipHistory)),
  ]);

  let kyc: DataExportBundle["kyc"] = null;
  if (kycDoc.exists) {
    const { encrypted, ...rest } = kycDoc.data() ?? {};
    kyc = {
      ...(toJson(rest) as Record<string, JsonValue>),
      id: kycDoc.id,
      details: encrypted ? decryptKycDocument(uid, { encrypted }) : null,
    };
  }

  return {
    format: "live-platform.user-export.v1",
    uid,
    generatedAt: new Date().toISOString(),
    auth: authUser
      ? {
          email: authUser.email ?? null,
          phoneNumber: authUser.phoneNumber ?? null,
          displayName: authUser.displayName ?? null,
          createdAt: authUser.metadata.creationTime ? new Date(authUser.metadata.creationTime).toISOString() : null,
        }
      : null,
    profile: profile.exists ? record(profile) : null,
    private: privateDocs,
    wallet: { ...balances, record: walletDoc.exists ? record(walletDoc) : null },
    ledger: ledger.sort(byCreatedAt),
    withdrawals: withdrawals.sort(byCreatedAt),
    checkoutSessions,
    following,
    followers,
    blocks,
    devices,
    notifications,
    reportsFiled,
    messagesSent: messagesSent.sort(byCreatedAt),
    streamsHosted: streamsHosted.sort((a, b) => String(a.startedAt ?? "").localeCompare(String(b.startedAt ?? ""))),
    roomsOwned,
    pkBattles: pkBattles.sort(byCreatedAt),
    games: {
      settings: gameSettings.exists ? record(gameSettings) : null,
      lossDays,
      greedyStakes: greedyStakes.sort((a, b) => Number(a.placedAt ?? 0) - Number(b.placedAt ?? 0)),
      teenPattiHands: teenPattiHands.sort((a, b) => Number(a.startedAt ?? 0) - Number(b.startedAt ?? 0)),
    },
    posts: posts.sort(byCreatedAt),
    comments: comments.sort(byCreatedAt),
    likes: likes.sort(byCreatedAt),
    stories: stories.sort(byCreatedAt),
    directMessages: { sent: directMessages.sent.map(record).sort(byCreatedAt), conversations: directMessages.conversations.map(record) },
    kyc,
    media: media.sort(byCreatedAt),
    agencies: {
      memberships: agencies.memberships.map(toJson),
      joinRequests: agencies.joinRequests.map(toJson),
      statementLines: agencies.statementLines.map(toJson),
      statementsOwned: agencies.statementsOwned.map(toJson),
      channelMessages: agencies.channelMessages.map(toJson),
    },
    rewards: { campaignClaims, giftStreaks: [...streaksSent, ...streaksReceived] },
    progression: {
      levels: levels.exists ? record(levels) : null,
      badges,
      frames,
      vipHistory: vipHistory.sort((a, b) => String(a.at ?? "").localeCompare(String(b.at ?? ""))),
    },
    moderation,
  };
}

export async function exportMyData(caller: Caller): Promise<ExportMyDataResponse> {
  const bundle = await buildExport(caller.uid);
  const sizeBytes = Buffer.byteLength(JSON.stringify(bundle), "utf8");
  log.info("data export built", { uid: caller.uid, sizeBytes, ledger: bundle.ledger.length });
  if (sizeBytes >= INLINE_EXPORT_LIMIT_BYTES) {
    // Production: upload to Storage and return a signed URL (see the module comment).
    fail("resource-exhausted", "Your export is too large to deliver inline; contact support.", { sizeBytes });
  }
  return { delivery: "inline", sizeBytes, bundle };
}
