/**
 * Account deletion (GDPR Art. 17) as a resumable state machine in gdprDeletions/{uid}:
 * { uid, step, status, startedAt, updatedAt, forfeitTransactionId }. Each step is idempotent and the
 * record advances only after a step has finished, so a crash (timeout, deploy, quota) resumes at the
 * recorded step: by the user calling again, or by the resumeAccountDeletions job.
 *
 * What is kept, and why:
 * - ledger/{txId}, wallets/{uid} (frozen, zero balance), withdrawals, checkoutSessions: financial
 *   records the platform must retain (accounting, tax, anti-money-laundering). They name the user only
 *   as `user:{uid}` / uid, a random pseudonymous id; once the Auth user, profile and private data are
 *   gone nothing links it to a person.
 * - auditLog entries (privileged actions about the account) and bans/{uid}: legitimate interest, uid only.
 * - kyc/{uid}: status only (the encrypted personal data and document paths are removed). Production
 *   also deletes the uploaded images (Storage prefix kyc/{uid}/); Storage is not emulated here.
 * - reports the user filed: moderation records about other users; they reference the uid only.
 * - game records: Greedy stakes, Teen Patti hands and their ledger postings (financial, uid only); the
 *   user leaves every table; game settings and daily losses (gamePlayers/{uid}) are deleted.
 * - posts, comments, likes and stories are deleted (counts on others' posts given back).
 * - direct messages: the other party keeps their copy of each conversation with the text, the sender
 *   shown as "deleted-user" and media removed; the user's own inbox and conversation list are deleted.
 * - chatArchive messages: the text is removed (here and from the live chat); the moderation outcome
 *   stays under the uid for moderation history. Live streams end, owned rooms close, memberships go.
 * - the following feed (users/{uid}/feed) is deleted; the entries of the user's posts in others' feeds
 *   are removed by the feeds trigger as the posts are deleted.
 * - uploaded media (media/{id}, their objects and thumbnails) is deleted.
 * - agencies: the agency the user owns is deleted (its last period settled, members released), their
 *   memberships and join requests go; agency statements stay (financial records, uid only).
 * - operations records: sanctions, moderation items and the ban history stay (safety, uid only; like
 *   bans/{uid} and reports); the text of the user's appeals is erased (the decision stays); staff notes
 *   on the account are deleted (free text about the person, useless once the account is gone); the
 *   per-user helpers moderationSubjects/{uid} and moderationChatOffenders/{uid} go. A deleted staff
 *   member's uid stays in what they did (actorUid, authorUid, auditLog, moderationDays): audit integrity.
 *
 * A positive balance is forfeited: coins and diamonds go to system:burn in one "admin.adjust" ledger
 * transaction with meta.reason "account-deletion" (a refund would need a payout identity we are
 * deleting; the app warns before the user confirms). A negative balance (debt) is left as it is. Deletion is refused while a withdrawal is pending: the payout must settle first.
 */
import type { DocumentReference, Query } from "firebase-admin/firestore";
import { chatOffenderRef, subjectRef } from "../admin/moderation/store.js";
import { eraseAgencyMembershipsOf } from "../agencies/erasure.js";
import { campaignProgressRef } from "../campaigns/store.js";
import { feedRef } from "../feeds/store.js";
import { gamePlayerRef } from "../games/fairness/store.js";
import { leaveTable } from "../games/teenpatti/tables.js";
import { auth, db, firestoreValues, rtdb } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";
import { refuse } from "../kernel/errors.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";
import { endStreamAs } from "../live/streams.js";
import { deleteMediaOf } from "../media/uploads/cleanup.js";
import { eraseMessagesOf } from "../messages/erasure.js";
import { erasePostsContentOf } from "../posts/erasure.js";
import { closeRoom } from "../rooms/lifecycle.js";
import { blocksBy } from "../social/store.js";
import { removeFromVenue } from "../venues/membership.js";
import { parseVenueKey, UserPaths, VenuePaths } from "../venues/paths.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../wallet/accounts.js";
import { type EntryInput, ledgerTransactionId, postLedgerTransaction, readBalances } from "../wallet/ledger.js";
import { DELETION_STEPS, type DeleteMyAccountResponse, type DeletionStep, type GdprRefusal } from "./schema.js";

export const DELETED_DISPLAY_NAME = "deleted-user";
const BATCH = 200;
/** A popular host's profile takes many counter writes: follow-edge transactions retry generously. */
const EDGE_TX_ATTEMPTS = 30;

export function deletionRef(uid: string): DocumentReference {
  return db().collection(Collections.gdprDeletions).doc(uid);
}

function nextStep(step: DeletionStep): DeletionStep {
  return DELETION_STEPS[Math.min(DELETION_STEPS.indexOf(step) + 1, DELETION_STEPS.length - 1)] as DeletionStep;
}

/** Deletes every document a query returns, in bounded batches (idempotent: re-running finds fewer). */
async function deleteQuery(query: Query): Promise<number> {
  let deleted = 0;
  for (;;) {
    const page = await query.limit(BATCH).get();
    if (page.empty) return deleted;
    const batch = db().batch();
    for (const doc of page.docs) batch.delete(doc.ref);
    await batch.commit();
    deleted += page.size;
  }
}

/**
 * Opens the deletion: refuses while a withdrawal is pending, freezes the wallet (no debit, hence no
 * new withdrawal, can pass a frozen wallet, and requestWithdrawal reads it in its own transaction, so
 * the two cannot interleave) and creates the record. A no-op when the record exists (resume).
 */
async function begin(uid: string): Promise<void> {
  const { FieldValue } = firestoreValues();
  await runTransaction(async (tx) => {
    const record = await tx.get(deletionRef(uid));
    if (record.exists) return;
    const pending = await tx.get(db().collection(Collections.withdrawals).where("uid", "==", uid).where("status", "==", "pending").limit(1));
    if (!pending.empty) {
      refuse<GdprRefusal>(
        "failed-precondition",
        "pending-withdrawal",
        "A withdrawal is still pending: wait until it is paid or rejected, then delete the account.",
      );
    }
    const wallet = await tx.get(db().collection(Collections.wallets).doc(uid));
    const now = FieldValue.serverTimestamp();
    if (wallet.exists) tx.update(wallet.ref, { frozen: true, frozenReason: "account-deletion", updatedAt: now });
    tx.create(deletionRef(uid), { uid, step: DELETION_STEPS[0], status: "running", startedAt: now, updatedAt: now, forfeitTransactionId: null });
  });
}

type StepRunner = (uid: string) => Promise<void>;

const steps: Record<Exclude<DeletionStep, "done">, StepRunner> = {
  /** No new sign-ins, and refresh tokens stop working (ID tokens expire within the hour). */
  async lock(uid) {
    try {
      await auth().updateUser(uid, { disabled: true });
      await auth().revokeRefreshTokens(uid);
    } catch (err) {
      if ((err as { code?: string }).code !== "auth/user-not-found") throw err;
    }
  },

  async forfeitBalance(uid) {
    const account = userAccount(uid);
    const balances = await readBalances(account);
    if (balances.coins <= 0 && balances.diamonds <= 0) return;
    const { FieldValue } = firestoreValues();
    // Keyed by the uid: a retry finds the posted transaction and moves nothing twice.
    const operation = { type: "admin.adjust", owner: "system:gdpr", key: `account-deletion:${uid}` } as const;
    const transactionId = ledgerTransactionId(operation.type, operation.owner, operation.key);
    await postLedgerTransaction({ ...operation, payload: { uid, reason: "account-deletion" }, actor: "system:gdpr" }, async (ctx) => {
      const wallet = await ctx.wallet(account, { includeShards: true });
      const coins = wallet.coins;
      const diamonds = wallet.diamonds + wallet.shardDiamonds;
      const entries: EntryInput[] = [];
      if (coins > 0)
        entries.push({ account, currency: "coins", amount: -coins }, { account: SYSTEM_ACCOUNTS.burn, currency: "coins", amount: coins });
      if (diamonds > 0) {
        entries.push({ account, currency: "diamonds", amount: -diamonds }, { account: SYSTEM_ACCOUNTS.burn, currency: "diamonds", amount: diamonds });
      }
      return {
        entries,
        meta: { reason: "account-deletion", targetUid: uid },
        // The wallet was frozen by begin(); the forfeit must still pass.
        ignoreSpendingLock: true,
        // Only positive balances are taken; a debt (negative balance after a clawback) stays on the
        // ledger as it was, and must not block the deletion of the other currency.
        allowNegative: [account],
        result: { uid, coins: Math.max(coins, 0), diamonds: Math.max(diamonds, 0) },
        // Recorded in the same transaction as the posting: the record never misses the forfeit.
        writes: (tx) => tx.update(deletionRef(uid), { forfeitTransactionId: transactionId, updatedAt: FieldValue.serverTimestamp() }),
      };
    });
  },

  /** Both halves of every edge, and the other side's counter only when its half really disappears. */
  async followEdges(uid) {
    const { FieldValue } = firestoreValues();
    const directions = [
      { own: Collections.following, mirror: Collections.followers, counter: "followersCount" },
      { own: Collections.followers, mirror: Collections.following, counter: "followingCount" },
    ] as const;
    for (const direction of directions) {
      for (;;) {
        const page = await userRef(uid).collection(direction.own).limit(BATCH).get();
        if (page.empty) break;
        await Promise.all(
          page.docs.map((edge) =>
            runTransaction(
              async (tx) => {
                const other = edge.id;
                const mirrorRef = userRef(other).collection(direction.mirror).doc(uid);
                const [mirror, otherProfile] = await tx.getAll(mirrorRef, userRef(other));
                if (mirror?.exists) {
                  tx.delete(mirrorRef);
                  const count = otherProfile?.get(direction.counter);
                  if (typeof count === "number" && count > 0) tx.update(userRef(other), { [direction.counter]: FieldValue.increment(-1) });
                }
                tx.delete(edge.ref);
              },
              { maxAttempts: EDGE_TX_ATTEMPTS },
            ),
          ),
        );
      }
    }
  },

  async blocks(uid) {
    const blocks = db().collection(Collections.blocks);
    await deleteQuery(blocks.where("blockerUid", "==", uid));
    await deleteQuery(blocks.where("blockedUid", "==", uid));
    await deleteQuery(blocksBy(uid));
  },

  async devices(uid) {
    await deleteQuery(userRef(uid).collection(Collections.devices));
  },

  /**
   * The inbox, the outbox records addressed to the user, their aggregation windows and counted events, and the go-live
   * fan-outs of their streams (with their pages); preferences go with privateData.
   */
  async notifications(uid) {
    await deleteQuery(userRef(uid).collection(Collections.notifications));
    await deleteQuery(db().collection(Collections.notificationOutbox).where("recipient", "==", uid));
    await deleteQuery(db().collection(Collections.notificationWindows).where("uid", "==", uid));
    await deleteQuery(db().collection(Collections.notificationWindowEvents).where("uid", "==", uid));
    const fanouts = await db().collection(Collections.notificationFanouts).where("hostUid", "==", uid).get();
    for (const fanout of fanouts.docs) await db().recursiveDelete(fanout.ref);
  },

  /** users/{uid}/private/* (account: email, phone; sessions) and idempotency records the user owns (their stored results may echo personal data). */
  async privateData(uid) {
    await deleteQuery(userRef(uid).collection(Collections.userPrivate));
    await deleteQuery(db().collection(Collections.idempotency).where("owner", "==", uid));
  },

  async username(uid) {
    const claimed = new Set<string>();
    const lower = (await userRef(uid).get()).get("usernameLower");
    if (typeof lower === "string" && lower) claimed.add(lower);
    for (const doc of (await db().collection(Collections.usernames).where("uid", "==", uid).get()).docs) claimed.add(doc.id);
    await Promise.all(
      [...claimed].map((id) =>
        runTransaction(async (tx) => {
          const ref = db().collection(Collections.usernames).doc(id);
          const claim = await tx.get(ref);
          // Someone else may have claimed a name this user released earlier: never delete theirs.
          if (claim.exists && claim.get("uid") === uid) tx.delete(ref);
        }),
      ),
    );
  },

  /** Keeps the verification status only (withdrawal history stays explainable); production also deletes Storage kyc/{uid}/. */
  async kyc(uid) {
    const { FieldValue } = firestoreValues();
    const ref = db().collection(Collections.kyc).doc(uid);
    await runTransaction(async (tx) => {
      const snapshot = await tx.get(ref);
      if (!snapshot.exists || snapshot.get("deleted") === true) return;
      tx.set(ref, { uid, status: snapshot.get("status") ?? null, deleted: true, deletedAt: FieldValue.serverTimestamp() });
    });
  },

  async presence(uid) {
    await rtdb().ref(UserPaths.status(uid)).remove();
  },

  /** Ends the user's live streams, closes their rooms, and takes them out of every venue they are in. */
  async venues(uid) {
    const [streams, rooms, venues] = await Promise.all([
      db().collection(Collections.streams).where("hostUid", "==", uid).where("status", "==", "live").get(),
      db().collection(Collections.rooms).where("ownerUid", "==", uid).where("status", "==", "open").get(),
      rtdb().ref(VenuePaths.venueIndex()).get(),
    ]);
    for (const stream of streams.docs) await endStreamAs({ uid: null, staff: true }, { streamId: stream.id, reason: "account deleted" });
    for (const room of rooms.docs) await closeRoom({ uid, roles: [], claims: {} }, { roomId: room.id });
    for (const key of Object.keys((venues.val() ?? {}) as Record<string, unknown>)) {
      const venue = parseVenueKey(key);
      if (venue && (await rtdb().ref(VenuePaths.member(venue, uid)).get()).exists()) await removeFromVenue(venue, uid, "left");
    }
  },

  /**
   * Games: the user stands up from every Teen Patti table (packing a hand in play, as leaving does), and
   * their game settings and daily losses go. Stakes, hands and their ledger postings stay, like the
   * ledger, under the pseudonymous uid.
   */
  async games(uid) {
    const tables = await db().collection(Collections.teenPattiTables).where("seats", "array-contains", uid).get();
    for (const table of tables.docs) {
      await leaveTable({ uid, roles: [], claims: {} }, { tableId: table.id, requestId: `account-deletion-${table.id}` });
    }
    await deleteQuery(gamePlayerRef(uid).collection(Collections.gameLossDays));
    await gamePlayerRef(uid).delete();
  },

  /**
   * Chat messages: the text goes (from the archive and from the live chat); the archive keeps the
   * moderation outcome under the pseudonymous uid, as the ledger does, for moderation history.
   */
  async chatMessages(uid) {
    const { FieldPath, FieldValue } = firestoreValues();
    const query = db().collectionGroup(Collections.chatMessages).where("uid", "==", uid).orderBy(FieldPath.documentId()).limit(200);
    let page = await query.get();
    while (!page.empty) {
      const batch = db().batch();
      const live: Record<string, null> = {};
      for (const message of page.docs) {
        if (typeof message.get("venueKey") !== "string") continue; // another domain's "messages"
        if (message.get("redacted") !== true) batch.update(message.ref, { text: null, redacted: true, redactedAt: FieldValue.serverTimestamp() });
        const venue = parseVenueKey(message.get("venueKey"));
        if (venue) live[VenuePaths.chatMessage(venue, message.id)] = null;
      }
      await batch.commit();
      if (Object.keys(live).length) await rtdb().ref().update(live);
      page = await query.startAfter(page.docs[page.docs.length - 1]).get();
    }
  },

  /** Posts, comments, likes, stories, story views and replies (posts/erasure.ts), counts given back. */
  async posts(uid) {
    await erasePostsContentOf(uid);
  },

  /** Direct messages (messages/erasure.ts): the other party keeps the conversation, the user anonymised in it. */
  async directMessages(uid) {
    await eraseMessagesOf(uid);
  },

  /**
   * The user's following feed (users/{uid}/feed). Their posts' entries in others' feeds go with the
   * posts (the feeds trigger removes the entries of a deleted post), and so do the entries of authors
   * they followed once the follow edges are gone.
   */
  async feed(uid) {
    await deleteQuery(feedRef(uid));
  },

  /** Uploaded images and videos: objects (upload and thumbnail) and records. */
  async media(uid) {
    await deleteMediaOf(uid);
  },

  /** The agency the user owns is deleted (settled first), memberships end, join requests go (agencies/erasure.ts). */
  async agencies(uid) {
    await eraseAgencyMembershipsOf(uid);
  },

  /** Campaign claims and progress, gift streaks either way (the ledger keeps the gifts themselves). */
  async rewards(uid) {
    await deleteQuery(db().collection(Collections.campaignClaims).where("uid", "==", uid));
    await deleteQuery(db().collection(Collections.giftStreaks).where("senderUid", "==", uid));
    await deleteQuery(db().collection(Collections.giftStreaks).where("recipientUid", "==", uid));
    // Progress lives under campaignProgress/{campaignId}__{uid}: one per campaign, and campaigns are few.
    const campaigns = await db().collection(Collections.campaigns).select().get();
    for (const campaign of campaigns.docs) {
      await db().recursiveDelete(campaignProgressRef(campaign.id, uid));
    }
  },

  /** Appeal texts erased (the decision stays), staff notes on the account deleted, the moderation helpers of the uid deleted. */
  async moderation(uid) {
    const { FieldValue } = firestoreValues();
    const appeals = (await db().collection(Collections.appeals).where("subjectUid", "==", uid).get()).docs;
    const unredacted = appeals.filter((appeal) => appeal.get("redacted") !== true);
    for (let start = 0; start < unredacted.length; start += BATCH) {
      const batch = db().batch();
      for (const appeal of unredacted.slice(start, start + BATCH)) {
        batch.update(appeal.ref, { text: null, redacted: true, redactedAt: FieldValue.serverTimestamp() });
      }
      await batch.commit();
    }
    await Promise.all([subjectRef(uid).delete(), chatOffenderRef(uid).delete()]);
    await deleteQuery(db().collection(Collections.staffNotes).where("uid", "==", uid));
  },

  /**
   * A tombstone replaces the profile (whitelist: bio, username, roles, counters, vip... all go), after the
   * profile's progression records: badges, avatar frames, the VIP history, and the levels with their point shards.
   */
  async profile(uid) {
    for (const collection of [Collections.badges, Collections.frames, Collections.vipHistory]) {
      await deleteQuery(userRef(uid).collection(collection));
    }
    await db().recursiveDelete(db().collection(Collections.progression).doc(uid));
    const { FieldValue } = firestoreValues();
    await runTransaction(async (tx) => {
      const snapshot = await tx.get(userRef(uid));
      if (!snapshot.exists || snapshot.get("deleted") === true) return;
      tx.set(userRef(uid), { uid, displayName: DELETED_DISPLAY_NAME, photoURL: null, deleted: true, deletedAt: FieldValue.serverTimestamp() });
    });
  },

  /** Last: until here the user can still call deleteMyAccount to resume with their current ID token. */
  async authUser(uid) {
    // The claims' compare-and-set record (roles, VIP) goes with the account.
    await db().collection(Collections.customClaims).doc(uid).delete();
    try {
      await auth().deleteUser(uid);
    } catch (err) {
      if ((err as { code?: string }).code !== "auth/user-not-found") throw err;
    }
  },
};

async function advance(uid: string, from: DeletionStep): Promise<DeletionStep> {
  const { FieldValue } = firestoreValues();
  const to = nextStep(from);
  await runTransaction(async (tx) => {
    const record = await tx.get(deletionRef(uid));
    const current = record.get("step") as DeletionStep;
    // Two runners may race on one deletion: the record only ever moves forward.
    if (DELETION_STEPS.indexOf(current) >= DELETION_STEPS.indexOf(to)) return;
    tx.update(deletionRef(uid), {
      step: to,
      updatedAt: FieldValue.serverTimestamp(),
      ...(to === "done" ? { status: "done", completedAt: FieldValue.serverTimestamp() } : {}),
    });
  });
  return to;
}

export interface RunDeletionOptions {
  /** Tests: stop (as a crash would) when this step is reached, before running it. */
  stopAt?: DeletionStep;
}

/** Starts or resumes the deletion of `uid` and runs it to the end (or to options.stopAt). */
export async function runAccountDeletion(uid: string, options: RunDeletionOptions = {}): Promise<DeleteMyAccountResponse> {
  await begin(uid);
  let step = (await deletionRef(uid).get()).get("step") as DeletionStep;
  while (step !== "done" && step !== options.stopAt) {
    const began = Date.now();
    await steps[step](uid);
    log.info("account deletion step", { uid, step, ms: Date.now() - began });
    step = await advance(uid, step);
  }
  const record = (await deletionRef(uid).get()).data() ?? {};
  if (step === "done") log.info("account deleted", { uid });
  return {
    uid,
    step,
    status: step === "done" ? "done" : "running",
    forfeitTransactionId: (record.forfeitTransactionId as string | null) ?? null,
  };
}

/** Deletions left unfinished (crash, timeout) for longer than `staleMinutes`: the job resumes them. */
export async function resumeStaleDeletions(staleMinutes = 15, limit = 20): Promise<number> {
  const { Timestamp } = firestoreValues();
  const stale = await db()
    .collection(Collections.gdprDeletions)
    .where("status", "==", "running")
    .where("updatedAt", "<", Timestamp.fromMillis(Date.now() - staleMinutes * 60_000))
    .limit(limit)
    .get();
  let resumed = 0;
  for (const doc of stale.docs) {
    try {
      await runAccountDeletion(doc.id);
      resumed += 1;
    } catch (err) {
      log.error("account deletion could not resume", { uid: doc.id, error: String(err) });
    }
  }
  return resumed;
}
