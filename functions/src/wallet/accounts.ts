/**
 * Ledger accounts. Users and agencies hold balances in wallets/{walletId} (plus credit shards for hot
 * recipients); system accounts exist only in the ledger: their balance is the sum of their entries, so
 * no hot system document serialises every gift or purchase.
 */
import type { DocumentReference } from "firebase-admin/firestore";
import * as z from "zod";
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { refuse } from "../kernel/errors.js";
import { type ShardedCounter, shardedCounter } from "../kernel/sharded-counter.js";
import { KeySafeUidSchema } from "../kernel/validation.js";
import type { WalletRefusal } from "./schema.js";

export const CURRENCIES = ["coins", "diamonds"] as const;
export const CurrencySchema = z.enum(CURRENCIES);
export type Currency = z.infer<typeof CurrencySchema>;

/** Counterparties of every movement: where coins come from and where value goes. */
export const SYSTEM_ACCOUNTS = {
  /** Source of purchased and granted coins (store/Stripe purchases, admin grants, rewards). */
  mint: "system:mint",
  /** The platform's share of gifts, exchange fees, withdrawal fees. */
  platform: "system:platform",
  /** Games: the house's winnings (losing stakes, rake) in, nothing else out. */
  house: "system:house",
  /** Games: stakes held while a round or hand is open; every settlement empties what it took in. */
  gameEscrow: "system:game-escrow",
  /** Diamonds frozen by pending withdrawals, until paid out or refunded. */
  payable: "system:payable",
  /** Coins spent on gifts and diamonds paid out leave circulation here. */
  burn: "system:burn",
} as const;
export type SystemAccount = (typeof SYSTEM_ACCOUNTS)[keyof typeof SYSTEM_ACCOUNTS];

export type WalletAccount = `user:${string}` | `agency:${string}`;
export type AccountId = WalletAccount | SystemAccount;

/**
 * A user's account. The uid must be key-safe: "agency:X" (or any uid with ':' or '.') would otherwise
 * name another wallet document; schemas refuse such uids first, this refuses them again.
 */
export function userAccount(uid: string): WalletAccount {
  if (!KeySafeUidSchema.safeParse(uid).success) refuse<WalletRefusal>("invalid-argument", "invalid-uid", "Not a valid user id.");
  return `user:${uid}`;
}
export const agencyAccount = (agencyId: string): WalletAccount => `agency:${agencyId}`;

export function isWalletAccount(account: AccountId): account is WalletAccount {
  return account.startsWith("user:") || account.startsWith("agency:");
}

/** wallets/{uid} for users (the id the apps know), wallets/agency:{id} for agencies. */
export function walletDocId(account: WalletAccount): string {
  if (account.startsWith("agency:")) return account;
  const uid = account.startsWith("user:") ? account.slice("user:".length) : "";
  // Through userAccount: "user:agency:X" must never reach wallets/agency:X.
  userAccount(uid);
  return uid;
}

/** The inverse of walletDocId: which account a wallets/{id} document belongs to. */
export function accountOfWalletDoc(walletDocId: string): WalletAccount {
  return walletDocId.startsWith("agency:") ? (walletDocId as WalletAccount) : userAccount(walletDocId);
}

export function walletRef(account: WalletAccount): DocumentReference {
  return db().collection(Collections.wallets).doc(walletDocId(account));
}

/** Hot recipients are credited on one of N shards, folded into the wallet on spend or by a job. */
export const CREDIT_SHARDS = 16;

/** wallets/{id}/shards/{0..15}: the wallet's diamond credits not yet folded into it. */
export function walletShards(account: WalletAccount): ShardedCounter<"diamonds"> {
  return shardedCounter(walletRef(account), Collections.walletShards, CREDIT_SHARDS, ["diamonds"]);
}
