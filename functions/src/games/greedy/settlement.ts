/**
 * Settlement of a decided round: winners are paid multiplier × their stake on the winning item from the
 * game escrow, and the rest of what the round took in goes to the house (or, when the winners are owed
 * more than the round took in, the house pays the difference into escrow first). Either way the round's
 * escrow entries sum to zero.
 *
 * Exactly once: the postings are derived deterministically from the stake records (frozen once betting
 * closed) and each carries an idempotency key of the round and its batch number, so any number of
 * settlers, sequential or concurrent, post each batch once; the marker on the round (settlement) is
 * written last, in a transaction that writes it only if it is absent.
 *
 * Batched: one ledger transaction pays up to PAYOUT_BATCH winners (each winner's wallet is one read and
 * one write, and one write to its daily-loss counter: well inside Firestore's 500 writes per commit), so a round's settlement takes
 * ceil(winners / PAYOUT_BATCH) + 2 commits however many bets it had.
 */

import type { Transaction } from "firebase-admin/firestore";
import { Collections } from "../../kernel/collections.js";
import { log } from "../../kernel/logger.js";
import { runTransaction } from "../../kernel/transactions.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../../wallet/accounts.js";
import { type EntryInput, postLedgerTransaction } from "../../wallet/ledger.js";
import { gameDay, recordGameResult } from "../limits/limits.js";
import type { GreedyRound, GreedySettlement } from "./schema.js";
import { readRound, readStake, roundRef, type StakeRecord } from "./store.js";

/** Winners paid per ledger transaction. */
export const PAYOUT_BATCH = 200;

export interface SettlementPlan {
  stakes: number;
  /** placedAt: when the winner's first bet of the round was placed (their loss-limit day). */
  payouts: { uid: string; coins: number; placedAt: number }[];
  house: number;
}

/** Who is owed what: pure, from the round's result and the stake records. */
export function planSettlement(round: Pick<GreedyRound, "items" | "winningIndex">, stakes: StakeRecord[]): SettlementPlan {
  const winner = round.winningIndex === null ? undefined : round.items[round.winningIndex];
  if (!winner) throw new Error("the round has no result to settle");
  let total = 0;
  const payouts: SettlementPlan["payouts"] = [];
  for (const stake of stakes) {
    total += stake.total;
    const onWinner = stake.byItem[winner.id] ?? 0;
    if (onWinner > 0) payouts.push({ uid: stake.uid, coins: onWinner * winner.multiplier, placedAt: stake.placedAt });
  }
  payouts.sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
  const paid = payouts.reduce((sum, payout) => sum + payout.coins, 0);
  return { stakes: total, payouts, house: total - paid };
}

export interface SettleOutcome {
  status: "settled" | "already-settled" | "not-decided" | "missing";
  settlement: GreedySettlement | null;
  /** Commits this call made (postings it did not find already made, and the marker). */
  commits: number;
}

const SETTLER = "system:greedy";

/** Settles the round if it is decided and not yet settled. Safe to call any number of times, concurrently. */
export async function settleGreedyRound(roundId: string, now = Date.now()): Promise<SettleOutcome> {
  const round = readRound(await roundRef(roundId).get());
  if (!round) return { status: "missing", settlement: null, commits: 0 };
  if (round.settlement) return { status: "already-settled", settlement: round.settlement, commits: 0 };
  if (round.winningIndex === null) return { status: "not-decided", settlement: null, commits: 0 };

  // Betting closed before the result: the stake records no longer change.
  const stakeDocs = await roundRef(roundId).collection(Collections.greedyStakes).get();
  const stakes = stakeDocs.docs.map((doc) => readStake(doc)).filter((stake): stake is StakeRecord => stake !== null);
  const plan = planSettlement(round, stakes);
  let commits = 0;

  const post = async (key: string, entries: EntryInput[], meta: Record<string, unknown>, writes?: (tx: Transaction) => void) => {
    const posted = await postLedgerTransaction(
      { type: "game.payout", owner: SETTLER, key: `${roundId}:${key}`, payload: { roundId, key }, actor: SETTLER },
      async () => ({ entries, meta: { game: "greedy", roundId, roomId: round.roomId, ...meta }, result: null, writes }),
    );
    if (!posted.replayed) commits++;
  };

  // The house's part first: when the winners are owed more than the stakes, escrow is topped up before they are paid.
  if (plan.house !== 0) {
    await post(
      "house",
      [
        { account: SYSTEM_ACCOUNTS.gameEscrow, currency: "coins", amount: -plan.house },
        { account: SYSTEM_ACCOUNTS.house, currency: "coins", amount: plan.house },
      ],
      { kind: "house" },
    );
  }
  const batches = Math.ceil(plan.payouts.length / PAYOUT_BATCH);
  for (let batch = 0; batch < batches; batch++) {
    const winners = plan.payouts.slice(batch * PAYOUT_BATCH, (batch + 1) * PAYOUT_BATCH);
    const paid = winners.reduce((sum, winner) => sum + winner.coins, 0);
    await post(
      `payout-${batch}`,
      [
        { account: SYSTEM_ACCOUNTS.gameEscrow, currency: "coins", amount: -paid },
        ...winners.map((winner): EntryInput => ({ account: userAccount(winner.uid), currency: "coins", amount: winner.coins })),
      ],
      { kind: "payout", batch, winners: winners.length },
      // Payouts count back against the daily loss of the day the stake was placed.
      (tx) => {
        for (const winner of winners) recordGameResult(tx, winner.uid, winner.coins, gameDay(winner.placedAt));
      },
    );
  }

  const settlement: GreedySettlement = {
    stakes: plan.stakes,
    payouts: plan.stakes - plan.house,
    house: plan.house,
    winners: plan.payouts.length,
    batches,
    settledAt: now,
  };
  const marked = await runTransaction(async (tx) => {
    const current = readRound(await tx.get(roundRef(roundId)));
    if (!current || current.settlement) return current?.settlement ?? null;
    tx.update(roundRef(roundId), { settlement, awaitingSettlement: false });
    return null;
  });
  if (marked) return { status: "already-settled", settlement: marked, commits };
  commits++;
  log.info("Greedy round settled", { roundId, ...settlement });
  return { status: "settled", settlement, commits };
}
