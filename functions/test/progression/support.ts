/** Progression test helpers: ledger postings as the wallet and gift domains write them, delivered to the ledger trigger. */
import { randomUUID } from "node:crypto";
import { db } from "../../src/kernel/app.js";
import { clearProgressionConfigCache } from "../../src/progression/config.js";
import { readPoints } from "../../src/progression/levels.js";
import { onLedgerTransactionCreated } from "../../src/progression/triggers.js";
import { type AccountId, SYSTEM_ACCOUNTS, userAccount } from "../../src/wallet/accounts.js";
import { type EntryInput, type LedgerType, postLedgerTransaction } from "../../src/wallet/ledger.js";
import { deliverDocumentCreated } from "../support/triggers.js";

export interface Posted {
  id: string;
  data: Record<string, unknown>;
}

/** Posts a real ledger transaction and returns its stored document (what the trigger receives). */
export async function post(type: LedgerType, entries: EntryInput[], owner = "test"): Promise<Posted> {
  const { transactionId } = await postLedgerTransaction({ type, owner, key: randomUUID() }, async () => ({ entries, result: null }));
  return { id: transactionId, data: (await db().doc(`ledger/${transactionId}`).get()).data() as Record<string, unknown> };
}

export function fundCoins(uid: string, coins: number): Promise<Posted> {
  return post("admin.grant", [
    { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -coins },
    { account: userAccount(uid), currency: "coins", amount: coins },
  ]);
}

/** A gift as gifts/send-gift.ts posts it: half to the host on a shard, the rest to the platform. */
export function giftPosting(senderUid: string, recipientUid: string, coins: number): Promise<Posted> {
  const host = Math.floor(coins / 2);
  return post("gift", [
    { account: userAccount(senderUid), currency: "coins", amount: -coins },
    { account: SYSTEM_ACCOUNTS.burn, currency: "coins", amount: coins },
    { account: SYSTEM_ACCOUNTS.mint, currency: "diamonds", amount: -coins },
    { account: userAccount(recipientUid), currency: "diamonds", amount: host, viaShard: true },
    { account: SYSTEM_ACCOUNTS.platform, currency: "diamonds", amount: coins - host },
  ]);
}

export function spend(type: "vip.purchase" | "room.entry", uid: string, coins: number, to: AccountId = SYSTEM_ACCOUNTS.burn): Promise<Posted> {
  return post(type, [
    { account: userAccount(uid), currency: "coins", amount: -coins },
    { account: to, currency: "coins", amount: coins },
  ]);
}

/** Delivers the ledger document's created event to the progression trigger, in-process. */
export function deliverLedger(posted: Posted, eventId = `evt-${posted.id}`): Promise<unknown> {
  return deliverDocumentCreated(onLedgerTransactionCreated, `ledger/${posted.id}`, posted.data, eventId, { txId: posted.id });
}

export const TEST_CONFIG = {
  wealthThresholds: [0, 100, 1000, 5000],
  charmThresholds: [0, 50, 500],
  levelRewards: { wealth: { "1": 10, "2": 100 }, charm: { "1": 5 } },
};

export async function setProgressionConfig(config: Record<string, unknown> = TEST_CONFIG): Promise<void> {
  await db().doc("config/progression").set(config);
  clearProgressionConfigCache();
}

/** A profile as the sign-up trigger leaves it (the level mirror only updates existing profiles). */
export async function profile(uid: string, fields: Record<string, unknown> = {}): Promise<void> {
  await db()
    .doc(`users/${uid}`)
    .set({ uid, displayName: uid, roles: [], ...fields });
}

/** A user's points (summed over the point shards) and settled levels; undefined when nothing was ever counted. */
export async function progressOf(
  uid: string,
): Promise<{ coinsSpent: number; diamondsReceived: number; wealthLevel?: number; charmLevel?: number } | undefined> {
  const [points, levels] = await Promise.all([readPoints(uid), db().doc(`progression/${uid}`).get()]);
  if (!levels.exists && points.coinsSpent === 0 && points.diamondsReceived === 0) return undefined;
  return { ...points, wealthLevel: levels.get("wealthLevel"), charmLevel: levels.get("charmLevel") };
}
