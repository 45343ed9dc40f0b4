/**
 * Resellers sell coins they hold to users (paid outside the app) by transferring them; the platform pays
 * them a commission in newly minted coins. The commission is credited in the same transaction, but the
 * reseller must hold the full amount beforehand: the commission never funds the transfer itself.
 *
 * Commission policy: it is earned only on transfers to ordinary users. A recipient holding the reseller,
 * moderator or admin role earns the sender nothing (otherwise two resellers, or a reseller and an admin,
 * could send the same coins back and forth and mint a commission on every leg). Per reseller and UTC day,
 * resellerDays/{uid}_{yyyymmdd} totals the coins transferred and the commission paid, read and updated in
 * the ledger transaction: transfers beyond the daily transfer cap are refused, commission beyond the
 * daily commission cap is withheld. resellerEdges/{from}__{to} keeps the last transfer of each ordered
 * pair, so a transfer that reverses a recent one (A→B then B→A) opens a "reseller-ring" review entry.
 */
import type { DocumentSnapshot } from "firebase-admin/firestore";
import { auth, db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { log } from "../kernel/logger.js";
import { type Role, rolesFromClaims } from "../kernel/roles.js";
import { SYSTEM_ACCOUNTS, userAccount } from "./accounts.js";
import { type EconomyConfig, economyConfig, shareOf } from "./config.js";
import { postLedgerTransaction } from "./ledger.js";
import { balancesAfter, nonZero, requireUserProfile } from "./postings.js";
import type { CommissionWithheld, ResellerTransferRequest, ResellerTransferResponse } from "./schema.js";

/** Recipients on whom no commission is earned: they can pass coins back (resellers) or act for anyone (staff). */
const NO_COMMISSION_ROLES: Role[] = ["reseller", "moderator", "admin"];

const HOUR_MS = 3_600_000;

function blockRef(blockerUid: string, blockedUid: string) {
  return db().collection(Collections.blocks).doc(`${blockerUid}__${blockedUid}`);
}

function resellerDayRef(uid: string, nowMs: number) {
  const day = new Date(nowMs).toISOString().slice(0, 10).replaceAll("-", "");
  return db().collection(Collections.resellerDays).doc(`${uid}_${day}`);
}

function edgeRef(fromUid: string, toUid: string) {
  return db().collection(Collections.resellerEdges).doc(`${fromUid}__${toUid}`);
}

/** One open entry per pair, whichever direction came first; a closed one is archived when reopened. */
function ringReviewRef(a: string, b: string) {
  const [low, high] = a < b ? [a, b] : [b, a];
  return db().collection(Collections.reviewQueue).doc(`reseller-ring__${low}__${high}`);
}

/** Suspended (banned claim) or disabled accounts cannot receive coins; returns the recipient's roles. */
async function requireActiveAccount(uid: string): Promise<Role[]> {
  const user = await auth()
    .getUser(uid)
    .catch(() => fail("not-found", "No such user."));
  if (user.disabled || user.customClaims?.banned === true) fail("failed-precondition", "The recipient's account is suspended.");
  return rolesFromClaims(user.customClaims);
}

function numberField(snapshot: DocumentSnapshot, field: string): number {
  const value = snapshot.get(field);
  return typeof value === "number" ? value : 0;
}

function millisField(snapshot: DocumentSnapshot, field: string): number | null {
  const value = snapshot.get(field) as { toMillis?: () => number } | undefined;
  return typeof value?.toMillis === "function" ? value.toMillis() : null;
}

/** The commission a transfer earns the reseller, and why part or all of it is withheld. */
export function resellerCommission(
  transfer: { coins: number; recipientRoles: Role[]; commissionToday: number },
  config: Pick<EconomyConfig, "resellerCommissionBps" | "resellerDailyCommissionCapCoins">,
): { commission: number; withheld?: CommissionWithheld } {
  const earned = shareOf(transfer.coins, config.resellerCommissionBps);
  if (transfer.recipientRoles.some((role) => NO_COMMISSION_ROLES.includes(role))) return { commission: 0, withheld: "recipient-not-eligible" };
  if (transfer.commissionToday + earned > config.resellerDailyCommissionCapCoins) {
    return { commission: Math.max(0, config.resellerDailyCommissionCapCoins - transfer.commissionToday), withheld: "daily-commission-cap" };
  }
  return { commission: earned };
}

/** Refuses a transfer that would take the reseller's coins transferred today past the daily cap. */
export function checkDailyTransferCap(coins: number, transferredToday: number, config: Pick<EconomyConfig, "resellerDailyTransferCapCoins">): void {
  if (transferredToday + coins > config.resellerDailyTransferCapCoins) {
    fail("failed-precondition", `At most ${config.resellerDailyTransferCapCoins} coins can be transferred per day.`, {
      reason: "daily-transfer-cap",
      remainingToday: Math.max(0, config.resellerDailyTransferCapCoins - transferredToday),
    });
  }
}

/** A transfer that reverses one the recipient made to the reseller within the ring window (A→B, then B→A). */
export function reversesRecentTransfer(reverseAtMs: number | null, nowMs: number, ringWindowHours: number): boolean {
  return reverseAtMs !== null && nowMs - reverseAtMs <= ringWindowHours * HOUR_MS;
}

export async function resellerTransfer(caller: Caller, request: ResellerTransferRequest): Promise<ResellerTransferResponse> {
  if (request.toUid === caller.uid) fail("failed-precondition", "Resellers cannot transfer coins to themselves.");
  const reseller = userAccount(caller.uid);
  const recipient = userAccount(request.toUid);
  const { FieldValue, Timestamp } = firestoreValues();

  const outcome = await postLedgerTransaction<Omit<ResellerTransferResponse, "transactionId">>(
    { type: "reseller.transfer", owner: caller.uid, key: request.requestId, payload: request },
    async (ctx) => {
      const config = await economyConfig();
      const nowMs = Date.now();
      if (request.coins > config.resellerMaxTransferCoins) {
        fail("failed-precondition", `At most ${config.resellerMaxTransferCoins} coins per transfer.`, { reason: "above-maximum" });
      }
      await requireUserProfile(ctx, request.toUid);
      const dayRef = resellerDayRef(caller.uid, nowMs);
      const [blockedByRecipient, blockedByReseller, today, reverseEdge] = await Promise.all([
        ctx.get(blockRef(request.toUid, caller.uid)),
        ctx.get(blockRef(caller.uid, request.toUid)),
        ctx.get(dayRef),
        ctx.get(edgeRef(request.toUid, caller.uid)),
      ]);
      if (blockedByRecipient.exists || blockedByReseller.exists) {
        fail("failed-precondition", "Coins cannot be transferred between users who blocked each other.", { reason: "blocked" });
      }
      const recipientRoles = await requireActiveAccount(request.toUid);

      const transferredToday = numberField(today, "transferredCoins");
      checkDailyTransferCap(request.coins, transferredToday, config);
      const wallet = await ctx.wallet(reseller, { showShards: true });
      if (wallet.coins < request.coins) {
        fail("failed-precondition", "Insufficient coins.", { account: reseller, currency: "coins", shortBy: request.coins - wallet.coins });
      }

      const commissionToday = numberField(today, "commissionCoins");
      const { commission, withheld } = resellerCommission({ coins: request.coins, recipientRoles, commissionToday }, config);

      const ring = reversesRecentTransfer(millisField(reverseEdge, "lastTransferAt"), nowMs, config.resellerRingWindowHours);
      const ringReview = ring ? await ctx.get(ringReviewRef(caller.uid, request.toUid)) : null;

      const entries = nonZero([
        { account: reseller, currency: "coins", amount: -request.coins },
        { account: recipient, currency: "coins", amount: request.coins },
        { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -commission },
        { account: reseller, currency: "coins", amount: commission },
      ]);
      const withheldField = withheld ? { commissionWithheld: withheld } : {};
      return {
        entries,
        meta: { fromUid: caller.uid, toUid: request.toUid, coins: request.coins, commissionCoins: commission, ...withheldField },
        result: {
          toUid: request.toUid,
          coins: request.coins,
          commissionCoins: commission,
          ...withheldField,
          balances: balancesAfter(wallet, entries),
        },
        writes: (tx) => {
          const now = FieldValue.serverTimestamp();
          tx.set(
            dayRef,
            {
              uid: caller.uid,
              transferredCoins: transferredToday + request.coins,
              commissionCoins: commissionToday + commission,
              updatedAt: now,
            },
            { merge: true },
          );
          tx.set(edgeRef(caller.uid, request.toUid), {
            fromUid: caller.uid,
            toUid: request.toUid,
            lastTransferAt: Timestamp.fromMillis(nowMs),
            coins: request.coins,
          });
          if (ringReview && ringReview.get("status") !== "open") {
            if (ringReview.exists) tx.create(db().collection(Collections.reviewQueue).doc(), { ...ringReview.data(), archivedAt: now });
            tx.set(ringReview.ref, {
              reason: "reseller-ring",
              status: "open",
              source: "wallet.reseller",
              uids: [request.toUid, caller.uid],
              amounts: { [request.toUid]: numberField(reverseEdge, "coins"), [caller.uid]: request.coins },
              windowHours: config.resellerRingWindowHours,
              createdAt: now,
            });
          }
        },
      };
    },
  );
  if (!outcome.replayed) {
    log.info("reseller transfer", {
      resellerUid: caller.uid,
      toUid: request.toUid,
      coins: request.coins,
      commissionCoins: outcome.result.commissionCoins,
    });
  }
  return { ...outcome.result, transactionId: outcome.transactionId };
}
