/**
 * Gift analytics, computed from the ledger alone (gift transactions: owner = sender, meta = gift, count,
 * recipient, venue and split), so every figure is reproducible: the same period gives the same answer.
 * Personal tallies and top gifters group by gift or sender, which Firestore cannot aggregate: they scan
 * the period's transactions of that user or room, in pages, up to MAX_SCANNED (then say `truncated`).
 * The operators' revenue split is one aggregation query (sums), whatever the period's volume.
 */
import type { Query, QueryDocumentSnapshot } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { numberOf } from "../kernel/fields.js";
import { type CalendarPeriod, calendarPeriodAt, calendarPeriodOfKey, type PeriodRange } from "../kernel/periods.js";
import { userAccount } from "../wallet/accounts.js";
import type {
  GiftRevenueReportResponse,
  GiftTallies,
  GiftTally,
  MyGiftAnalyticsResponse,
  PeriodView,
  TopGifter,
  TopGiftersRequest,
  TopGiftersResponse,
} from "./schema.js";

export const MAX_SCANNED = 10_000;
const PAGE = 500;

function rangeOf(period: CalendarPeriod, key: string | undefined): PeriodRange {
  // The schema validated the key; the current period otherwise.
  return key === undefined ? calendarPeriodAt(period, Date.now()) : (calendarPeriodOfKey(period, key) as PeriodRange);
}

function viewOf(period: CalendarPeriod, range: PeriodRange): PeriodView {
  return { period, key: range.key, from: new Date(range.startMs).toISOString(), until: new Date(range.endMs).toISOString() };
}

/** Gift transactions committed in the range, narrowed by `narrow`. */
function giftsIn(range: PeriodRange, narrow: (query: Query) => Query): Query {
  const { Timestamp } = firestoreValues();
  return narrow(db().collection(Collections.ledger).where("type", "==", "gift"))
    .where("createdAt", ">=", Timestamp.fromMillis(range.startMs))
    .where("createdAt", "<", Timestamp.fromMillis(range.endMs));
}

/** Visits the query's documents page by page, newest first (the ledger's indexes); false when it stopped at MAX_SCANNED. */
async function scan(query: Query, visit: (doc: QueryDocumentSnapshot) => void): Promise<boolean> {
  let scanned = 0;
  let last: QueryDocumentSnapshot | undefined;
  for (;;) {
    let page = query.orderBy("createdAt", "desc").limit(PAGE);
    if (last) page = page.startAfter(last);
    const { docs } = await page.get();
    for (const doc of docs) visit(doc);
    scanned += docs.length;
    if (docs.length < PAGE) return true;
    if (scanned >= MAX_SCANNED) return false;
    last = docs[docs.length - 1];
  }
}

interface GiftMeta {
  giftId: string;
  count: number;
  totalCoins: number;
  hostShare: number;
  recipientUid: string;
}

function giftMetaOf(doc: QueryDocumentSnapshot): GiftMeta | null {
  const meta = doc.get("meta") as Record<string, unknown> | undefined;
  if (typeof meta?.giftId !== "string" || typeof meta.recipientUid !== "string") return null;
  return {
    giftId: meta.giftId,
    count: numberOf(meta.count),
    totalCoins: numberOf(meta.totalCoins),
    hostShare: numberOf(meta.hostShare),
    recipientUid: meta.recipientUid,
  };
}

class Tallies {
  private readonly byGift = new Map<string, GiftTally>();
  gifts = 0;
  coins = 0;

  add(meta: GiftMeta): void {
    const tally = this.byGift.get(meta.giftId) ?? { giftId: meta.giftId, gifts: 0, coins: 0 };
    tally.gifts += meta.count;
    tally.coins += meta.totalCoins;
    this.byGift.set(meta.giftId, tally);
    this.gifts += meta.count;
    this.coins += meta.totalCoins;
  }

  view(): GiftTallies {
    const byGift = [...this.byGift.values()].sort((a, b) => b.coins - a.coins || a.giftId.localeCompare(b.giftId));
    return { byGift, gifts: this.gifts, coins: this.coins };
  }
}

/** The caller's gifts sent and received in a period, by gift. */
export async function myGiftAnalytics(uid: string, period: CalendarPeriod, key: string | undefined): Promise<MyGiftAnalyticsResponse> {
  const range = rangeOf(period, key);
  const sent = new Tallies();
  const received = new Tallies();
  let diamonds = 0;
  const complete = await scan(
    giftsIn(range, (q) => q.where("accounts", "array-contains", userAccount(uid))),
    (doc) => {
      const meta = giftMetaOf(doc);
      if (!meta) return;
      if (doc.get("owner") === uid) sent.add(meta);
      if (meta.recipientUid === uid) {
        received.add(meta);
        diamonds += meta.hostShare;
      }
    },
  );
  return { ...viewOf(period, range), sent: sent.view(), received: { ...received.view(), diamonds }, truncated: !complete };
}

/** The top gifters of a host (gifts received anywhere) or of a room (gifts sent in it), by coins; ties by uid. */
export async function topGifters(request: TopGiftersRequest): Promise<TopGiftersResponse> {
  const range = rangeOf(request.period, request.key);
  const { target } = request;
  const query =
    target.type === "host"
      ? giftsIn(range, (q) => q.where("accounts", "array-contains", userAccount(target.uid)))
      : giftsIn(range, (q) => q.where("meta.context.type", "==", "room").where("meta.context.id", "==", target.id));
  const bySender = new Map<string, { coins: number; gifts: number }>();
  const complete = await scan(query, (doc) => {
    const meta = giftMetaOf(doc);
    const sender = doc.get("owner");
    if (!meta || typeof sender !== "string") return;
    if (target.type === "host" && meta.recipientUid !== target.uid) return;
    const total = bySender.get(sender) ?? { coins: 0, gifts: 0 };
    total.coins += meta.totalCoins;
    total.gifts += meta.count;
    bySender.set(sender, total);
  });
  const gifters: TopGifter[] = [...bySender.entries()]
    .sort(([a, x], [b, y]) => y.coins - x.coins || a.localeCompare(b))
    .slice(0, request.limit)
    .map(([uid, total], i) => ({ rank: i + 1, uid, ...total }));
  return { ...viewOf(request.period, range), gifters, truncated: !complete };
}

/** The split of every gift's value in a period: what hosts, agencies and the platform earned (operators). */
export async function giftRevenueReport(period: CalendarPeriod, key: string | undefined): Promise<GiftRevenueReportResponse> {
  const range = rangeOf(period, key);
  const { AggregateField } = firestoreValues();
  const sums = (
    await giftsIn(range, (q) => q)
      .aggregate({
        transactions: AggregateField.count(),
        totalCoins: AggregateField.sum("meta.totalCoins"),
        hostShare: AggregateField.sum("meta.hostShare"),
        agencyShare: AggregateField.sum("meta.agencyShare"),
        platformShare: AggregateField.sum("meta.platformShare"),
      })
      .get()
  ).data();
  return {
    ...viewOf(period, range),
    transactions: Number(sums.transactions ?? 0),
    totalCoins: Number(sums.totalCoins ?? 0),
    hostShare: Number(sums.hostShare ?? 0),
    agencyShare: Number(sums.agencyShare ?? 0),
    platformShare: Number(sums.platformShare ?? 0),
  };
}
