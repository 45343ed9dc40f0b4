/**
 * Push token hygiene: tokens of devices not seen for STALE_TOKEN_DAYS are removed (FCM treats such
 * tokens as stale), and their topic subscriptions dropped with them.
 */
import type { QueryDocumentSnapshot } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { runTransaction } from "../kernel/transactions.js";
import { syncDeviceTopics } from "./topics.js";

export const STALE_TOKEN_DAYS = 60;
const PAGE_SIZE = 500;
const PARALLEL = 25;

/** Removes the token of one stale device, unless the device was seen (or re-registered) since it was read. */
async function removeStaleToken(doc: QueryDocumentSnapshot, cutoffMs: number): Promise<boolean> {
  const removed = await runTransaction(async (tx) => {
    const current = await tx.get(doc.ref);
    const lastSeenMs = current.get("lastSeenAt")?.toMillis?.() ?? 0;
    if (!current.exists || current.get("fcmToken") == null || lastSeenMs >= cutoffMs) return false;
    tx.update(doc.ref, { fcmToken: null });
    return true;
  });
  const uid = doc.ref.parent.parent?.id;
  if (removed && uid) await syncDeviceTopics(uid, doc.id);
  return removed;
}

/**
 * One pass over every device (all users: a collection-group query on lastSeenAt) not seen for
 * STALE_TOKEN_DAYS that still has a token, in pages.
 */
export async function removeStaleTokens(nowMs: number): Promise<{ examined: number; removed: number }> {
  const { Timestamp } = firestoreValues();
  const cutoffMs = nowMs - STALE_TOKEN_DAYS * 24 * 60 * 60 * 1000;
  const stale = db()
    .collectionGroup(Collections.devices)
    .where("lastSeenAt", "<", Timestamp.fromMillis(cutoffMs))
    .where("fcmToken", "!=", null)
    .orderBy("lastSeenAt")
    .limit(PAGE_SIZE);
  let examined = 0;
  let removed = 0;
  let last: QueryDocumentSnapshot | undefined;
  for (;;) {
    const page = await (last ? stale.startAfter(last) : stale).get();
    for (let start = 0; start < page.docs.length; start += PARALLEL) {
      const results = await Promise.all(page.docs.slice(start, start + PARALLEL).map((doc) => removeStaleToken(doc, cutoffMs)));
      removed += results.filter(Boolean).length;
    }
    examined += page.size;
    if (page.size < PAGE_SIZE) return { examined, removed };
    last = page.docs[page.size - 1];
  }
}
