/**
 * Stream analytics, computed once when a stream ends. Money figures come from the ledger (the
 * authority): every gift transaction to the host, to a guest, or to anyone Redis saw receive a gift in
 * the stream, committed between startedAt and endedAt and carrying meta.context = this stream. The
 * query per recipient uses the ledger's (accounts CONTAINS, type, createdAt) index; meta itself is not
 * indexed. Viewer figures come from the live state (peak) and the Redis HyperLogLog (unique); new
 * followers from the host's follower edges created in the window.
 */
import type { Query, QueryDocumentSnapshot, Timestamp } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { FOLLOWERS, userRef } from "../social/store.js";
import { userAccount } from "../wallet/accounts.js";
import { liveRecipients, uniqueViewerCount } from "./ranking.js";
import type { StreamAnalytics } from "./schema.js";
import type { StoredStream } from "./store.js";

const LEDGER_PAGE = 500;

interface GiftMeta {
  context?: { type?: string; id?: string };
  recipientUid?: string;
  count?: number;
  totalCoins?: number;
}

export interface StreamGiftTotals {
  count: number;
  coins: number;
  transactions: number;
  /** sender uid → coins given in the stream. */
  bySender: Map<string, number>;
  diamondsToHost: number;
}

async function* giftTransactionsTo(uid: string, from: Timestamp, to: Timestamp): AsyncGenerator<QueryDocumentSnapshot> {
  let query: Query = db()
    .collection(Collections.ledger)
    .where("accounts", "array-contains", userAccount(uid))
    .where("type", "==", "gift")
    .where("createdAt", ">=", from)
    .where("createdAt", "<=", to)
    .orderBy("createdAt", "desc")
    .limit(LEDGER_PAGE);
  for (;;) {
    const page = await query.get();
    yield* page.docs;
    const last = page.docs.at(-1);
    if (page.size < LEDGER_PAGE || !last) return;
    query = query.startAfter(last);
  }
}

export async function streamGiftTotals(stream: StoredStream, endedAtMs: number): Promise<StreamGiftTotals> {
  const { Timestamp: Ts } = firestoreValues();
  const from = Ts.fromMillis(stream.startedAt.toMillis());
  const to = Ts.fromMillis(endedAtMs);
  const recipients = new Set([stream.hostUid, ...(stream.guestUids ?? []), ...(await liveRecipients(stream.id))]);
  const totals: StreamGiftTotals = { count: 0, coins: 0, transactions: 0, bySender: new Map(), diamondsToHost: 0 };
  const seen = new Set<string>();
  const hostAccount = userAccount(stream.hostUid);
  for (const recipient of recipients) {
    for await (const doc of giftTransactionsTo(recipient, from, to)) {
      const meta = (doc.get("meta") ?? {}) as GiftMeta;
      // The account also appears on gifts the recipient sent, and on gifts in other venues.
      if (meta.recipientUid !== recipient || meta.context?.type !== "stream" || meta.context.id !== stream.id) continue;
      if (seen.has(doc.id)) continue;
      seen.add(doc.id);
      const coins = Number(meta.totalCoins ?? 0);
      totals.transactions += 1;
      totals.count += Number(meta.count ?? 1);
      totals.coins += coins;
      const sender = String(doc.get("owner"));
      totals.bySender.set(sender, (totals.bySender.get(sender) ?? 0) + coins);
      if (recipient === stream.hostUid) {
        const entries = (doc.get("entries") ?? []) as { account: string; currency: string; amount: number }[];
        for (const e of entries) if (e.account === hostAccount && e.currency === "diamonds" && e.amount > 0) totals.diamondsToHost += e.amount;
      }
    }
  }
  return totals;
}

export async function newFollowersBetween(hostUid: string, fromMs: number, toMs: number): Promise<number> {
  const { Timestamp: Ts } = firestoreValues();
  const result = await userRef(hostUid)
    .collection(FOLLOWERS)
    .where("createdAt", ">=", Ts.fromMillis(fromMs))
    .where("createdAt", "<=", Ts.fromMillis(toMs))
    .count()
    .get();
  return result.data().count;
}

export async function computeStreamAnalytics(
  stream: StoredStream,
  endedAtMs: number,
  peakViewers: number,
): Promise<{ analytics: StreamAnalytics; bySender: Map<string, number> }> {
  const startedAtMs = stream.startedAt.toMillis();
  const [gifts, uniqueViewers, newFollowers] = await Promise.all([
    streamGiftTotals(stream, endedAtMs),
    uniqueViewerCount(stream.id),
    newFollowersBetween(stream.hostUid, startedAtMs, endedAtMs),
  ]);
  return {
    analytics: {
      durationSeconds: Math.max(0, Math.round((endedAtMs - startedAtMs) / 1000)),
      peakViewers,
      uniqueViewers,
      gifts: { count: gifts.count, coins: gifts.coins, transactions: gifts.transactions, senders: gifts.bySender.size },
      diamondsEarned: gifts.diamondsToHost,
      newFollowers,
      guests: new Set(stream.guestUids ?? []).size,
    },
    bySender: gifts.bySender,
  };
}
