/**
 * Paying one winner of a closed board, exactly once per snapshot (board, period, scope) and rank: the
 * reward record leaderboardSnapshots/{id}/rewards/{rank} is created in the same transaction as the
 * payment. Coins are a ledger transaction (type "reward", owner "rankings", keyed by snapshot, rank and
 * uid: system:mint → the winner), whose plan also writes the badges, frames, VIP days and the record; a
 * reward without coins is one Firestore transaction that finds the record absent before writing. So any
 * number of closes, sequential or concurrent, pay each rank once.
 */
import type { DocumentSnapshot, Transaction } from "firebase-admin/firestore";
import { firestoreValues } from "../kernel/app.js";
import { userRef } from "../kernel/collections.js";
import { log } from "../kernel/logger.js";
import { runTransaction } from "../kernel/transactions.js";
import { awardMissingBadges, badgeRef } from "../progression/badges.js";
import { frameRef, grantFrame, grantVipDays } from "../progression/grants.js";
import { syncVipClaim } from "../progression/vip/memberships.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../wallet/accounts.js";
import { ledgerTransactionId, postLedgerTransaction } from "../wallet/ledger.js";
import type { RankReward } from "./config.js";
import { snapshotRewardRef } from "./store.js";

export const REWARD_LEDGER_OWNER = "rankings";

/** What one rank receives: every configured rule covering it, added up (the first rule with VIP gives it). */
export interface RankPrize {
  coins: number;
  badges: string[];
  frames: { frameId: string; days: number }[];
  vip: { tier: number; days: number } | null;
}

export function prizeFor(rules: RankReward[], rank: number): RankPrize | null {
  const matching = rules.filter((rule) => rank >= rule.fromRank && rank <= rule.toRank);
  if (!matching.length) return null;
  return {
    coins: matching.reduce((sum, rule) => sum + rule.coins, 0),
    badges: [...new Set(matching.flatMap((rule) => rule.badges))],
    frames: matching.flatMap((rule) => rule.frames),
    vip: matching.find((rule) => rule.vip)?.vip ?? null,
  };
}

export const rewardKey = (snapshotId: string, rank: number, uid: string): string => `${snapshotId}:${rank}:${uid}`;

interface PrizeReads {
  profile: DocumentSnapshot;
  badges: DocumentSnapshot[];
  frames: DocumentSnapshot[];
}

async function readForPrize(
  get: (ref: FirebaseFirestore.DocumentReference) => Promise<DocumentSnapshot>,
  uid: string,
  prize: RankPrize,
): Promise<PrizeReads> {
  const [profile, badges, frames] = await Promise.all([
    get(userRef(uid)),
    Promise.all(prize.badges.map((id) => get(badgeRef(uid, id)))),
    Promise.all(prize.frames.map((frame) => get(frameRef(uid, frame.frameId)))),
  ]);
  return { profile, badges, frames };
}

/** The badges, frames, VIP days and the reward record: the writes of a payment, after its reads. */
function writePrize(
  tx: Transaction,
  target: { snapshotId: string; rank: number; uid: string },
  prize: RankPrize,
  reads: PrizeReads,
  transactionId: string | null,
  nowMs: number,
): void {
  const { FieldValue } = firestoreValues();
  const now = FieldValue.serverTimestamp();
  const { snapshotId, rank, uid } = target;
  const source = `ranking:${snapshotId}:${rank}`;
  const badges = awardMissingBadges(tx, uid, prize.badges, reads.badges, source, now);
  for (const [i, frame] of prize.frames.entries()) grantFrame(tx, uid, frame, reads.frames[i], source, nowMs);
  const vip = prize.vip
    ? grantVipDays(
        tx,
        uid,
        reads.profile,
        prize.vip,
        { id: `ranking_${snapshotId}_${rank}`.slice(0, 400), source: "ranking-reward", snapshotId, rank, days: prize.vip.days },
        nowMs,
      )
    : null;
  tx.create(snapshotRewardRef(snapshotId, rank), { rank, uid, ...prize, badgesAwarded: badges, vipChange: vip, transactionId, paidAt: now });
}

export interface PaidReward {
  /** False when an earlier close already paid this rank. */
  paid: boolean;
  skipped?: "no-profile";
}

/** Pays `prize` to the winner at `rank` of the snapshot, once. */
export async function payRankReward(snapshotId: string, rank: number, uid: string, prize: RankPrize): Promise<PaidReward> {
  const target = { snapshotId, rank, uid };
  const key = rewardKey(snapshotId, rank, uid);
  let outcome: PaidReward;
  if (prize.coins > 0) {
    const transactionId = ledgerTransactionId("reward", REWARD_LEDGER_OWNER, key);
    let skipped = false;
    const posted = await postLedgerTransaction<null>(
      { type: "reward", owner: REWARD_LEDGER_OWNER, key, payload: target, actor: REWARD_LEDGER_OWNER },
      async (ctx) => {
        const nowMs = Date.now();
        const reads = await readForPrize((ref) => ctx.get(ref), uid, prize);
        if (!reads.profile.exists || reads.profile.get("deleted") === true) {
          // A deleted account is not paid; the record says so, and a later close finds it.
          skipped = true;
          throw new ProfileGone();
        }
        return {
          entries: [
            { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -prize.coins },
            { account: userAccount(uid), currency: "coins", amount: prize.coins },
          ],
          result: null,
          meta: { snapshotId, rank, uid },
          writes: (tx) => writePrize(tx, target, prize, reads, transactionId, nowMs),
        };
      },
    ).catch((err) => {
      if (err instanceof ProfileGone) return null;
      throw err;
    });
    outcome = skipped ? await recordSkipped(target, prize) : { paid: posted !== null && !posted.replayed };
  } else {
    outcome = await runTransaction(async (tx) => {
      const nowMs = Date.now();
      const record = await tx.get(snapshotRewardRef(snapshotId, rank));
      if (record.exists) return { paid: false };
      const reads = await readForPrize((ref) => tx.get(ref), uid, prize);
      if (!reads.profile.exists || reads.profile.get("deleted") === true) return { paid: false, skipped: "no-profile" as const };
      writePrize(tx, target, prize, reads, null, nowMs);
      return { paid: true };
    });
    if (outcome.skipped) outcome = await recordSkipped(target, prize);
  }
  if (outcome.paid && prize.vip) {
    await syncVipClaim(uid).catch((err) =>
      log.error("vip claim not synced after a ranking reward; the next VIP change syncs it", { uid, error: String(err) }),
    );
  }
  return outcome;
}

class ProfileGone extends Error {}

async function recordSkipped(target: { snapshotId: string; rank: number; uid: string }, prize: RankPrize): Promise<PaidReward> {
  const { FieldValue } = firestoreValues();
  await runTransaction(async (tx) => {
    const ref = snapshotRewardRef(target.snapshotId, target.rank);
    if ((await tx.get(ref)).exists) return;
    tx.create(ref, {
      rank: target.rank,
      uid: target.uid,
      ...prize,
      skipped: "no-profile",
      transactionId: null,
      paidAt: FieldValue.serverTimestamp(),
    });
  });
  return { paid: false, skipped: "no-profile" };
}
