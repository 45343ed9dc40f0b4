/**
 * Opening queue items: one per user report, one per opening of a review entry (reviewQueue/{id}, which its
 * domain may close and reopen under the same id), and one when a chat sender's filtered messages reach
 * the configured count within the window. Each item's id derives from its source, so a re-delivered event
 * finds it and adds nothing. Its priority is the source's base priority plus repeatBoost for every other
 * open item on the same subject.
 */
import type { Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../../kernel/app.js";
import { Collections, userRef } from "../../kernel/collections.js";
import { millisOf } from "../../kernel/fields.js";
import { runOncePerEvent } from "../../kernel/idempotency.js";
import { log } from "../../kernel/logger.js";
import { countryOf } from "../../kernel/staff-scope.js";
import { runTransaction } from "../../kernel/transactions.js";
import { basePriority, type ModerationConfig, moderationConfig } from "./config.js";
import type { ItemSource, ModerationItemView } from "./schema.js";
import { chatFilterItemId, chatOffenderRef, flagItemId, itemRef, reportItemId } from "./store.js";

/** What a source gives a new item; the subject's country, priority, status and times are the queue's. */
export type NewItem = Pick<ModerationItemView, "itemId" | "kind" | "source" | "subjectUid" | "relatedUids" | "contentRef" | "sourceRef" | "reason">;

/** Reads first, then creates the item unless it exists; returns whether it did. The caller writes only after. */
async function openItem(tx: Transaction, item: NewItem, config: ModerationConfig): Promise<boolean> {
  const ref = itemRef(item.itemId);
  const existing = await tx.get(ref);
  if (existing.exists) return false;
  let others = 0;
  let subjectCountry: string | null = null;
  if (item.subjectUid) {
    const open = db().collection(Collections.moderationItems).where("subjectUid", "==", item.subjectUid).where("status", "==", "open").count();
    const [count, profile] = await Promise.all([tx.get(open), tx.get(userRef(item.subjectUid))]);
    others = count.data().count;
    subjectCountry = countryOf(profile);
  }
  const priority = Math.min(100, basePriority(config, item.source) + config.repeatBoost * others);
  const { FieldValue } = firestoreValues();
  tx.create(ref, {
    ...item,
    subjectCountry,
    priority,
    status: "open",
    createdAt: FieldValue.serverTimestamp(),
    actionedAt: null,
    actorUid: null,
    outcome: null,
    sanctionId: null,
  });
  return true;
}

async function openOnce(item: NewItem): Promise<boolean> {
  const config = await moderationConfig();
  const created = await runTransaction((tx) => openItem(tx, item, config));
  if (created) log.info("moderation item opened", { itemId: item.itemId, source: item.source, subjectUid: item.subjectUid });
  return created;
}

/** The account a report is about: the user reported, or the author, host or owner of what was reported. */
async function reportSubject(targetType: string, targetId: string): Promise<string | null> {
  const ownerOf = async (collection: string, id: string) => {
    const data = (await db().collection(collection).doc(id).get()).data();
    const uid = data?.authorUid ?? data?.hostUid ?? data?.ownerUid;
    return typeof uid === "string" ? uid : null;
  };
  const [first, second] = targetId.split("/");
  if (!first || targetId.includes("..")) return null;
  switch (targetType) {
    case "user":
      return targetId;
    case "post":
      return ownerOf(Collections.posts, first);
    case "comment":
      return second ? ownerOf(`${Collections.posts}/${first}/${Collections.postComments}`, second) : null;
    case "story":
      return ownerOf(Collections.stories, first);
    case "stream":
      return ownerOf(Collections.streams, first);
    case "room":
      return ownerOf(Collections.rooms, first);
    default:
      return null;
  }
}

/** reports/{reportId} created. */
export async function openReportItem(reportId: string, report: Record<string, unknown>): Promise<boolean> {
  const targetType = String(report.targetType ?? "");
  const targetId = String(report.targetId ?? "");
  const subjectUid = await reportSubject(targetType, targetId);
  return openOnce({
    itemId: reportItemId(reportId),
    kind: "report",
    source: "user-report",
    subjectUid,
    relatedUids: typeof report.reporterUid === "string" ? [report.reporterUid] : [],
    contentRef: targetType === "user" ? null : { type: targetType, id: targetId },
    sourceRef: `${Collections.reports}/${reportId}`,
    reason: String(report.reason ?? "other"),
  });
}

/** reviewQueue entries name the domain that wrote them in `source`. */
const FLAG_SOURCES: Record<string, ItemSource> = {
  "payments.velocity": "payment-velocity",
  payments: "payment-review",
  "wallet.reseller": "reseller-ring",
  "games.teenpatti": "game-collusion",
  "media.uploads": "media",
};

/**
 * reviewQueue/{reviewId} written: an item when the entry (re)opens. Archived copies (archivedAt) and
 * updates of an entry that stays open raise none.
 */
export async function openFlagItem(
  reviewId: string,
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): Promise<boolean> {
  if (after?.status !== "open" || after.archivedAt) return false;
  const openedAtMs = millisOf(after.createdAt);
  if (openedAtMs === null) return false;
  if (before?.status === "open" && millisOf(before.createdAt) === openedAtMs) return false;
  const uids = Array.isArray(after.uids) ? after.uids.filter((uid): uid is string => typeof uid === "string") : [];
  const subjectUid = typeof after.uid === "string" ? after.uid : (uids[0] ?? null);
  const source = FLAG_SOURCES[String(after.source ?? "")] ?? "other";
  return openOnce({
    itemId: flagItemId(reviewId, openedAtMs),
    kind: "flag",
    source,
    subjectUid,
    relatedUids: uids.filter((uid) => uid !== subjectUid),
    contentRef: typeof after.mediaId === "string" ? { type: "media", id: after.mediaId } : null,
    sourceRef: `${Collections.reviewQueue}/${reviewId}`,
    reason: String(after.reason ?? source),
  });
}

export interface ChatFilterHit {
  venueKey: string;
  messageId: string;
  uid: string;
  /** The message's createdAt (epoch ms). */
  at: number;
}

/**
 * A message the chat filter masked or removed, once per message: counted against its sender; at the
 * configured count within the window, a chat-filter item opens about the sender and the count starts over.
 */
export async function recordChatFilterHit(hit: ChatFilterHit): Promise<boolean> {
  const config = await moderationConfig();
  const windowMs = config.chatFilter.windowSeconds * 1000;
  const { result, replayed } = await runOncePerEvent("moderation.chatFilterHit", `${hit.venueKey}/${hit.messageId}`, async (tx) => {
    const offender = await tx.get(chatOffenderRef(hit.uid));
    const stored = (offender.get("recent") as number[] | undefined) ?? [];
    let recent = [...stored.filter((at) => at > hit.at - windowMs), hit.at].sort((a, b) => a - b).slice(-config.chatFilter.offences);
    let opened = false;
    if (recent.length >= config.chatFilter.offences) {
      opened = await openItem(
        tx,
        {
          itemId: chatFilterItemId(hit.uid, hit.messageId),
          kind: "flag",
          source: "chat-filter",
          subjectUid: hit.uid,
          relatedUids: [],
          contentRef: { type: "chat-message", id: `${hit.venueKey}/${hit.messageId}` },
          sourceRef: `${Collections.chatArchive}/${hit.venueKey}/${Collections.chatMessages}/${hit.messageId}`,
          reason: `${recent.length} filtered chat messages within ${config.chatFilter.windowSeconds} s`,
        },
        config,
      );
      recent = [];
    }
    tx.set(chatOffenderRef(hit.uid), { uid: hit.uid, recent });
    return opened;
  });
  if (result && !replayed) log.info("chat repeat offender queued", { uid: hit.uid, venueKey: hit.venueKey, messageId: hit.messageId });
  return result;
}
