/**
 * The caller's ledger history, newest first. Ledger documents list their `accounts` and
 * `accountCurrencies` ("account|currency") so one array-contains filter finds a user's transactions
 * (optionally of one currency), with an equality filter on type; the composite indexes are in
 * firestore.indexes.json. Pages are keyed by (createdAt, document id) and handed out as opaque cursors.
 * Ledger documents themselves are admin-only (their `result` holds the initiator's balances): this is
 * how a client sees its history, reduced to its own movements.
 */
import type { DocumentData, QueryDocumentSnapshot, Timestamp } from "firebase-admin/firestore";
import * as z from "zod";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { CURRENCIES, type Currency, userAccount } from "./accounts.js";
import type { GetLedgerHistoryRequest, GetLedgerHistoryResponse, LedgerHistoryItem } from "./schema.js";

/** Exact position (seconds + nanoseconds): millisecond precision would skip same-millisecond entries. */
const CursorSchema = z
  .object({ v: z.literal(1), id: z.string().min(1).max(128), s: z.number().int(), n: z.number().int().min(0).max(999_999_999) })
  .strict();
type Cursor = z.infer<typeof CursorSchema>;

export function encodeCursor(cursor: Omit<Cursor, "v">): string {
  return Buffer.from(JSON.stringify({ v: 1, ...cursor })).toString("base64url");
}

export function decodeCursor(raw: string): Cursor {
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
  } catch {
    return fail("invalid-argument", "Invalid request: cursor: not a cursor returned by getLedgerHistory");
  }
}

const META_MAX_STRING = 200;

/**
 * Meta fields a history line may show to every account named on the transaction: ids, counts, prices and
 * the caller's own terms. Anything else (a gift's split, which includes the agency's commission; payment
 * provider ids) stays in the ledger, which only admins read.
 */
const SHARED_META_FIELDS = new Set([
  "giftId",
  "count",
  "recipientUid",
  "agencyId",
  "totalCoins",
  "roomId",
  "visitId",
  "withdrawalId",
  "payoutType",
  "decision",
  "diamonds",
  "coinsPerDiamond",
  "feeCoins",
  "vipBonusCoins",
  "tier",
  "change",
  "durationDays",
  "expiresAtMs",
  "reason",
  "track",
  "level",
  "provider",
  "packageId",
  "productId",
  "store",
  "price",
  "currency",
  "eventType",
  "cancelReason",
  "fromUid",
  "toUid",
  "coins",
  "targetUid",
]);
/** Shown only to the transaction's owner (who initiated it): their own earnings from it. */
const OWNER_META_FIELDS = new Set(["commissionCoins", "commissionWithheld"]);

/** Allow-listed scalar meta fields (ids, counts, names), bounded: enough for a history line, nothing nested. */
function metaSummary(meta: unknown, isOwner: boolean): LedgerHistoryItem["meta"] {
  const summary: LedgerHistoryItem["meta"] = {};
  if (!meta || typeof meta !== "object") return summary;
  for (const [key, value] of Object.entries(meta as Record<string, unknown>)) {
    if (!SHARED_META_FIELDS.has(key) && !(isOwner && OWNER_META_FIELDS.has(key))) continue;
    if (typeof value === "string") summary[key] = value.slice(0, META_MAX_STRING);
    else if (typeof value === "number" || typeof value === "boolean" || value === null) summary[key] = value;
  }
  return summary;
}

/** The caller's own view of a transaction: their net amounts and the meta they may see, never `result`. */
function toItem(doc: QueryDocumentSnapshot<DocumentData>, uid: string): LedgerHistoryItem {
  const account = userAccount(uid);
  const data = doc.data();
  const amounts: LedgerHistoryItem["amounts"] = {};
  for (const entry of (data.entries ?? []) as { account: string; currency: Currency; amount: number }[]) {
    if (entry.account !== account || !CURRENCIES.includes(entry.currency)) continue;
    amounts[entry.currency] = (amounts[entry.currency] ?? 0) + entry.amount;
  }
  const createdAt = data.createdAt as Timestamp | undefined;
  return {
    id: doc.id,
    type: data.type,
    amounts,
    createdAt: createdAt?.toDate?.().toISOString() ?? null,
    meta: metaSummary(data.meta, data.owner === uid),
  };
}

export function getLedgerHistory(caller: Caller, request: GetLedgerHistoryRequest): Promise<GetLedgerHistoryResponse> {
  return ledgerHistoryOf(caller.uid, request);
}

/** The history of `uid` as that account sees it (staff read it the same way: getUserDossier, listUserLedger). */
export async function ledgerHistoryOf(uid: string, request: GetLedgerHistoryRequest): Promise<GetLedgerHistoryResponse> {
  const { FieldPath, Timestamp } = firestoreValues();
  const account = userAccount(uid);
  let query = request.currency
    ? db().collection(Collections.ledger).where("accountCurrencies", "array-contains", `${account}|${request.currency}`)
    : db().collection(Collections.ledger).where("accounts", "array-contains", account);
  if (request.type) query = query.where("type", "==", request.type);
  query = query.orderBy("createdAt", "desc").orderBy(FieldPath.documentId(), "desc");
  if (request.cursor) {
    const cursor = decodeCursor(request.cursor);
    query = query.startAfter(new Timestamp(cursor.s, cursor.n), cursor.id);
  }
  // One extra document tells whether another page exists without a second query.
  const snapshot = await query.limit(request.limit + 1).get();
  const page = snapshot.docs.slice(0, request.limit);
  const last = page.at(-1);
  const lastCreatedAt = last?.get("createdAt") as Timestamp | undefined;
  const nextCursor =
    snapshot.docs.length > request.limit && last && lastCreatedAt
      ? encodeCursor({ id: last.id, s: lastCreatedAt.seconds, n: lastCreatedAt.nanoseconds })
      : null;
  return { items: page.map((doc) => toItem(doc, uid)), nextCursor };
}
