/** Rankings test helpers: real gifts through the ledger, delivered to the rankings trigger in-process. */
import { randomUUID } from "node:crypto";
import type { Timestamp } from "firebase-admin/firestore";
import { sendGift } from "../../src/gifts/send-gift.js";
import { db, firestoreValues } from "../../src/kernel/app.js";
import { clearConfigCaches } from "../../src/kernel/config-document.js";
import { redis } from "../../src/kernel/redis.js";
import { onLedgerTransactionRanked } from "../../src/rankings/triggers.js";
import { deliverDocumentCreated } from "../support/triggers.js";

export interface LedgerDoc {
  id: string;
  data: Record<string, unknown>;
}

/** `count` stars (100 coins each) from `from` to `to` in a venue; returns the stored ledger document. */
export async function gift(from: string, to: string, count: number, context: { type: "stream" | "room"; id: string }): Promise<LedgerDoc> {
  const sent = await sendGift(from, { giftId: "star", recipientUid: to, count, context, requestId: randomUUID() }, { publish: async () => {} });
  return { id: sent.transactionId, data: (await db().doc(`ledger/${sent.transactionId}`).get()).data() as Record<string, unknown> };
}

/** The ledger document's created event, delivered to the rankings trigger (pick the event id to replay one). */
export function deliverRanked(doc: LedgerDoc, eventId = `evt-${doc.id}`): Promise<unknown> {
  return deliverDocumentCreated(onLedgerTransactionRanked, `ledger/${doc.id}`, doc.data, eventId, { txId: doc.id });
}

/** The same transaction as if it had been committed at `ms` (for periods that already ended). */
export function committedAt(doc: LedgerDoc, ms: number, id = doc.id): LedgerDoc {
  const { Timestamp: Ts } = firestoreValues();
  return { id, data: { ...doc.data, createdAt: Ts.fromMillis(ms) as Timestamp } };
}

/** Every board key with its members and raw scores, sorted: a whole-Redis picture to compare. */
export async function boardsPicture(): Promise<Record<string, string[]>> {
  const client = redis();
  if (!client) throw new Error("Redis is not configured in the test stack");
  const picture: Record<string, string[]> = {};
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, { match: "rk:*", count: 500 });
    cursor = String(next);
    for (const key of keys) {
      if (key.includes(":seen")) continue;
      const type = await client.type(key);
      picture[key] =
        type === "zset"
          ? (await client.zrange<unknown[]>(key, 0, -1, { withScores: true })).map(String)
          : (await client.smembers(key)).map(String).sort();
    }
  } while (cursor !== "0");
  return Object.fromEntries(Object.entries(picture).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export async function setRankingsConfig(config: Record<string, unknown>): Promise<void> {
  await db().doc("config/rankings").set(config);
  clearConfigCaches();
}

/** users/{a}/following/{b}: one half of a follow edge, as the social graph writes it. */
export async function follows(a: string, b: string): Promise<void> {
  await db().doc(`users/${a}/following/${b}`).set({ uid: b, createdAt: firestoreValues().Timestamp.now() });
}
