/**
 * Settlement of an ended hand: one ledger posting (type "game.payout", keyed by the hand) empties what
 * the hand put in escrow — the winners' shares to them, the rake to the house — and, in the same
 * transaction, closes the hand and reveals its server seed and every hand dealt in gameHands. The
 * posting's key makes it exactly once however often or concurrently it runs.
 */
import { firestoreValues } from "../../kernel/app.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../../wallet/accounts.js";
import { type EntryInput, postLedgerTransaction } from "../../wallet/ledger.js";
import { nonZero } from "../../wallet/postings.js";
import { gameDay } from "../limits/decisions.js";
import { recordGameResult } from "../limits/limits.js";
import type { HandResult, TeenPattiTable } from "./schema.js";
import { dealerRef, handRef, nextRev, readDealer, readTable, TEEN_PATTI_LEDGER_OWNER, tableRef } from "./store.js";
import { settled } from "./table.js";

export class HandNotEnded extends Error {
  constructor(readonly handId: string) {
    super(`hand ${handId} has not ended`);
  }
}

/** The posting of a hand's result: escrow pays the pot out in full. */
export function payoutEntries(pot: number, result: Pick<HandResult, "payouts" | "rake">): EntryInput[] {
  return nonZero([
    { account: SYSTEM_ACCOUNTS.gameEscrow, currency: "coins", amount: -pot },
    ...Object.entries(result.payouts).map(([uid, amount]): EntryInput => ({ account: userAccount(uid), currency: "coins", amount })),
    { account: SYSTEM_ACCOUNTS.house, currency: "coins", amount: result.rake },
  ]);
}

/**
 * Pays out the hand `handId` of the table once it has ended. Throws HandNotEnded while it is still
 * being played; a hand already settled replays (table: null, nothing written).
 */
export async function settleHand(tableId: string, handId: string, now: number): Promise<{ replayed: boolean; table: TeenPattiTable | null }> {
  let closedTable: TeenPattiTable | null = null;
  const outcome = await postLedgerTransaction<{ handId: string }>(
    { type: "game.payout", owner: TEEN_PATTI_LEDGER_OWNER, key: handId, payload: { tableId, handId } },
    async (ctx) => {
      const [tableSnap, dealerSnap] = await Promise.all([ctx.get(tableRef(tableId)), ctx.get(dealerRef(tableId))]);
      const table = readTable(tableSnap);
      const hand = table?.hand;
      if (!table || !hand || hand.id !== handId || hand.phase !== "ended" || !hand.result) throw new HandNotEnded(handId);
      const dealer = readDealer(dealerSnap);
      const closed = { ...settled(table, now), rev: nextRev(table, now) };
      closedTable = closed;
      const hands = hand.players.map(({ uid }) => ({ uid, cards: dealer.handId === handId ? (dealer.cards[uid] ?? []) : [] }));
      return {
        entries: payoutEntries(hand.pot, hand.result),
        result: { handId },
        meta: { game: "teenpatti", tableId, handId },
        writes: (tx) => {
          tx.set(tableRef(tableId), closed);
          for (const [uid, payout] of Object.entries(hand.result?.payouts ?? {})) recordGameResult(tx, uid, payout, gameDay(hand.startedAt));
          tx.set(
            handRef(handId),
            {
              status: "settled",
              players: hand.players,
              pot: hand.pot,
              result: hand.result,
              events: hand.events,
              endedAt: hand.endedAt,
              settledAt: now,
              // In dealing order, as verifyRound reads them (Firestore stores no arrays of arrays).
              hands,
              // Merged into the fairness record written at the deal.
              fairness: { serverSeed: dealer.serverSeed, revealedAt: now },
              updatedAt: firestoreValues().FieldValue.serverTimestamp(),
            },
            { merge: true },
          );
        },
      };
    },
  );
  return outcome.replayed ? { replayed: true, table: null } : { replayed: false, table: closedTable };
}
