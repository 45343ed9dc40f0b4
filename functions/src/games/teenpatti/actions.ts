/**
 * Playing a hand: the players' intents (see, bet, pack, show, side show and its answer), the deal, and
 * the timer's step. Each is one Firestore transaction over the table document that asks table.ts what
 * the action does; a stake is a ledger posting (player → game escrow, "game.bet") inside that same
 * transaction, keyed by the player's requestId, so a retried request stakes once. After the commit the
 * RTDB mirror is written, the timer is set for what is due next, and an ended hand is settled.
 */
import type { Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import { refuse } from "../../kernel/errors.js";
import type { Caller } from "../../kernel/guards.js";
import { runIdempotent } from "../../kernel/idempotency.js";
import { log } from "../../kernel/logger.js";
import { runTransaction } from "../../kernel/transactions.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../../wallet/accounts.js";
import { type EntryInput, postLedgerTransaction } from "../../wallet/ledger.js";
import { roundClientSeed } from "../fairness/client-seeds.js";
import { FAIRNESS_ALGORITHM, newServerSeed, OutcomeStream } from "../fairness/fairness.js";
import { dealDeck, dealHands } from "../fairness/outcomes.js";
import type { FairnessRecord } from "../fairness/schema.js";
import { gameDay } from "../limits/decisions.js";
import { assertMayStake, recordGameResult } from "../limits/limits.js";
import { clearCards, mirrorCards, mirrorTable } from "./mirror.js";
import type { SeeCardsResponse, TeenPattiActionResponse, TeenPattiRefusal, TeenPattiTable } from "./schema.js";
import { HandNotEnded, settleHand } from "./settlement.js";
import { dealerRef, handIdFor, handRef, nextRev, readDealer, readTable, TEEN_PATTI_LEDGER_OWNER, tableRef } from "./store.js";
import { type CardsByUid, dealOrder, decide, dueStep, startHand, type TableAction } from "./table.js";
import { scheduleTableTimer } from "./timers.js";

const notFound = (): never => refuse<TeenPattiRefusal>("not-found", "no-table", "No such table.");

/** After a committed change: the mirror, the next timer, and the settlement of a hand that just ended. */
export async function afterChange(table: TeenPattiTable, now: number): Promise<void> {
  await mirrorTable(table);
  if (table.hand?.phase === "ended") {
    await settleQuietly(table.id, table.hand.id, now);
    return;
  }
  if (table.nextActionAt !== null) await scheduleTableTimer(table.id, table.nextActionAt);
}

/** Settles and mirrors; a failure is logged and left to the timer or the sweep (settlement is idempotent). */
async function settleQuietly(tableId: string, handId: string, now: number): Promise<void> {
  try {
    const { table } = await settleHand(tableId, handId, now);
    if (!table) return;
    await Promise.all([mirrorTable(table), clearCards(tableId)]);
    if (table.nextActionAt !== null) await scheduleTableTimer(tableId, table.nextActionAt);
  } catch (err) {
    if (err instanceof HandNotEnded) return;
    log.warn("Teen Patti hand not settled; the timer or the sweep retries", { tableId, handId, error: String(err) });
    await scheduleTableTimer(tableId, Date.now() + 5_000, { named: false });
  }
}

async function readCards(tx: Transaction, table: TeenPattiTable): Promise<CardsByUid> {
  const dealer = readDealer(await tx.get(dealerRef(table.id)));
  return dealer.handId === table.hand?.id ? dealer.cards : {};
}

function responseOf(table: TeenPattiTable, staked: number): TeenPattiActionResponse {
  const hand = table.hand;
  if (!hand) return notFound();
  return { handId: hand.id, phase: hand.phase, pot: hand.pot, stake: hand.stake, staked, result: hand.result };
}

/** A stake: the ledger posting and the table change in one transaction, once per (player, requestId). */
async function stakingAction(caller: Caller, tableId: string, action: TableAction, requestId: string): Promise<TeenPattiActionResponse> {
  let changed: TeenPattiTable | null = null;
  const now = Date.now();
  const { result } = await postLedgerTransaction<TeenPattiActionResponse>(
    { type: "game.bet", owner: caller.uid, key: `teenpatti:${requestId}`, payload: { tableId, action } },
    async (ctx) => {
      const table = readTable(await ctx.get(tableRef(tableId))) ?? notFound();
      const cards = await readCards(ctx.tx, table);
      const decision = decide(table, caller.uid, action, cards, now);
      await assertMayStake(ctx.tx, caller.uid, decision.staked, now);
      const next = { ...decision.table, rev: nextRev(table, now) };
      changed = next;
      const entries: EntryInput[] = [
        { account: userAccount(caller.uid), currency: "coins", amount: -decision.staked },
        { account: SYSTEM_ACCOUNTS.gameEscrow, currency: "coins", amount: decision.staked },
      ];
      return {
        entries,
        result: responseOf(next, decision.staked),
        meta: { game: "teenpatti", tableId, handId: table.hand?.id ?? null, action: action.type },
        writes: (tx) => {
          tx.set(tableRef(tableId), next);
          recordGameResult(tx, caller.uid, -decision.staked, gameDay(now));
        },
      };
    },
  );
  if (changed) await afterChange(changed, now);
  return result;
}

/** An action without a stake (pack, an answer to a side show), once per (player, requestId). */
async function plainAction(caller: Caller, tableId: string, action: TableAction, requestId: string): Promise<TeenPattiActionResponse> {
  let changed: TeenPattiTable | null = null;
  const now = Date.now();
  const { result } = await runIdempotent(
    { scope: "teenpatti.action", owner: caller.uid, key: requestId, payload: { tableId, action } },
    async (tx) => {
      const table = readTable(await tx.get(tableRef(tableId))) ?? notFound();
      const cards = await readCards(tx, table);
      const next = { ...decide(table, caller.uid, action, cards, now).table, rev: nextRev(table, now) };
      changed = next;
      tx.set(tableRef(tableId), next);
      return responseOf(next, 0);
    },
  );
  if (changed) await afterChange(changed, now);
  return result;
}

export const bet = (caller: Caller, tableId: string, amount: number, requestId: string) =>
  stakingAction(caller, tableId, { type: "bet", amount }, requestId);
export const show = (caller: Caller, tableId: string, requestId: string) => stakingAction(caller, tableId, { type: "show" }, requestId);
export const sideShow = (caller: Caller, tableId: string, requestId: string) => stakingAction(caller, tableId, { type: "side-show" }, requestId);
export const pack = (caller: Caller, tableId: string, requestId: string) => plainAction(caller, tableId, { type: "pack" }, requestId);
export const respondSideShow = (caller: Caller, tableId: string, accept: boolean, requestId: string) =>
  plainAction(caller, tableId, { type: "respond-side-show", accept }, requestId);

/** The caller's own cards; the player is marked seen (stakes change from blind to chaal). */
export async function seeCards(caller: Caller, tableId: string, requestId: string): Promise<SeeCardsResponse> {
  let changed: TeenPattiTable | null = null;
  const now = Date.now();
  const { result } = await runIdempotent({ scope: "teenpatti.see", owner: caller.uid, key: requestId, payload: { tableId } }, async (tx) => {
    const table = readTable(await tx.get(tableRef(tableId))) ?? notFound();
    const cards = await readCards(tx, table);
    const next = { ...decide(table, caller.uid, { type: "see" }, cards, now).table, rev: nextRev(table, now) };
    changed = next;
    tx.set(tableRef(tableId), next);
    return { handId: next.hand?.id ?? "", cards: [...(cards[caller.uid] ?? [])] };
  });
  if (changed) await afterChange(changed, now);
  await mirrorCards(tableId, caller.uid, result.handId, result.cards);
  return result;
}

// ---------------------------------------------------------------------------------------------------
// The deal
// ---------------------------------------------------------------------------------------------------

class NotDue extends Error {}
class TooFewPayers extends Error {
  constructor(readonly broke: string[]) {
    super("fewer than two players can pay the boot");
  }
}

/**
 * Deals the next hand: every seated player who can pay the boot is dealt in (the others are stood up),
 * the boots go to escrow in one posting keyed by the hand, and the deck is shuffled from the server seed
 * committed before the players were known, the players' combined client seeds and the hand's number.
 */
async function dealHand(tableId: string, now: number): Promise<TeenPattiTable | null> {
  const before = readTable(await tableRef(tableId).get());
  if (!before || dueStep(before, now) !== "deal") return null;
  const handId = handIdFor(tableId, before.handCount + 1);
  let dealt: TeenPattiTable | null = null;
  try {
    await postLedgerTransaction(
      { type: "game.bet", owner: TEEN_PATTI_LEDGER_OWNER, key: `${handId}:boot`, payload: { tableId, handId } },
      async (ctx) => {
        const table = readTable(await ctx.get(tableRef(tableId)));
        if (!table || dueStep(table, now) !== "deal" || handIdFor(tableId, table.handCount + 1) !== handId) throw new NotDue();
        const dealer = readDealer(await ctx.get(dealerRef(tableId)));
        const order = dealOrder(table);
        if (!order) throw new NotDue();
        const boot = table.settings.bootAmount;
        const payers: { uid: string; seat: number }[] = [];
        const broke: string[] = [];
        for (const player of order.order) {
          const wallet = await ctx.wallet(userAccount(player.uid));
          if (wallet.coins >= boot && !wallet.frozen && wallet.diamonds >= 0 && (await mayStake(ctx.tx, player.uid, boot, now))) payers.push(player);
          else broke.push(player.uid);
        }
        if (payers.length < 2) throw new TooFewPayers(broke);

        const clientSeed = await roundClientSeed(
          payers.map((p) => p.uid),
          ctx.tx,
        );
        const nonce = table.handCount + 1;
        const hands = dealHands(dealDeck(new OutcomeStream(dealer.nextServerSeed, clientSeed, nonce)), payers.length);
        const cards = Object.fromEntries(payers.map((p, i) => [p.uid, hands[i] as string[]]));
        const following = newServerSeed();
        const seats = table.seats.map((uid) => (uid && broke.includes(uid) ? null : uid));
        const started = startHand({ ...table, seats }, { handId, dealerSeat: order.dealerSeat, players: payers, now });
        const next: TeenPattiTable = { ...started, nextCommitment: following.commitment, rev: nextRev(table, now) };
        dealt = next;
        const fairness: FairnessRecord = {
          algorithm: FAIRNESS_ALGORITHM,
          commitment: table.nextCommitment,
          serverSeed: null,
          clientSeed,
          nonce,
          revealedAt: null,
        };
        return {
          entries: [
            ...payers.map((p): EntryInput => ({ account: userAccount(p.uid), currency: "coins", amount: -boot })),
            { account: SYSTEM_ACCOUNTS.gameEscrow, currency: "coins", amount: boot * payers.length },
          ],
          result: { handId },
          meta: { game: "teenpatti", tableId, handId, action: "boot" },
          writes: (tx) => {
            tx.set(tableRef(tableId), next);
            for (const payer of payers) recordGameResult(tx, payer.uid, -boot, gameDay(now));
            tx.set(dealerRef(tableId), { nextServerSeed: following.serverSeed, handId, serverSeed: dealer.nextServerSeed, cards });
            tx.create(handRef(handId), {
              id: handId,
              game: "teenpatti",
              tableId,
              number: nonce,
              bootAmount: boot,
              status: "playing",
              players: next.hand?.players ?? [],
              playerUids: payers.map((p) => p.uid),
              fairness,
              startedAt: now,
              createdAt: firestoreValues().FieldValue.serverTimestamp(),
            });
          },
        };
      },
    );
  } catch (err) {
    if (err instanceof NotDue) return null;
    if (err instanceof TooFewPayers) return standUp(tableId, err.broke, now);
    throw err;
  }
  return dealt;
}

/** Whether the player's limits (self-exclusion, daily loss limit) allow the stake; read in the deal's transaction. */
async function mayStake(tx: Transaction, uid: string, amount: number, now: number): Promise<boolean> {
  try {
    await assertMayStake(tx, uid, amount, now);
    return true;
  } catch (err) {
    if ((err as { code?: unknown }).code === "failed-precondition") return false;
    throw err;
  }
}

/** Players who cannot pay the boot (no coins, or their limits) leave their seats; the table waits for players. */
async function standUp(tableId: string, uids: string[], now: number): Promise<TeenPattiTable | null> {
  return runTransaction(async (tx) => {
    const table = readTable(await tx.get(tableRef(tableId)));
    if (!table) return null;
    const seats = table.seats.map((uid) => (uid && uids.includes(uid) ? null : uid));
    const seated = seats.filter(Boolean).length;
    const next: TeenPattiTable = { ...table, seats, nextActionAt: seated >= 2 ? now : null, rev: nextRev(table, now) };
    tx.set(tableRef(tableId), next);
    return next;
  });
}

// ---------------------------------------------------------------------------------------------------
// The timer's step
// ---------------------------------------------------------------------------------------------------

export type AdvanceOutcome = "timed-out" | "settled" | "dealt" | "not-due" | "gone";

/** Does what is due at the table at `now` (a turn's or a side show's timeout, settlement, the next deal). */
export async function advanceTable(tableId: string, now: number): Promise<{ outcome: AdvanceOutcome; table: TeenPattiTable | null }> {
  const table = readTable(await tableRef(tableId).get());
  if (!table) return { outcome: "gone", table: null };
  const step = dueStep(table, now);
  if (step === "settle" && table.hand) {
    await settleQuietly(tableId, table.hand.id, now);
    return { outcome: "settled", table: readTable(await tableRef(tableId).get()) };
  }
  if (step === "deal") {
    const dealt = await dealHand(tableId, now);
    if (dealt) await afterChange(dealt, now);
    return { outcome: dealt?.hand ? "dealt" : "not-due", table: dealt ?? table };
  }
  if (step === "timeout") {
    const timedOut = await runTransaction(async (tx) => {
      const current = readTable(await tx.get(tableRef(tableId)));
      const hand = current?.hand;
      if (!current || !hand || dueStep(current, now) !== "timeout") return null;
      const uid = hand.phase === "side-show" ? hand.sideShow?.target : hand.players[hand.turn ?? -1]?.uid;
      if (!uid) return null;
      const next = { ...decide(current, uid, { type: "timeout" }, {}, now).table, rev: nextRev(current, now) };
      tx.set(tableRef(tableId), next);
      return next;
    });
    if (timedOut) await afterChange(timedOut, now);
    return { outcome: timedOut ? "timed-out" : "not-due", table: timedOut ?? table };
  }
  return { outcome: "not-due", table };
}

/** The sweep: tables whose due time has passed (lost or early-dropped timers). */
export async function sweepDueTables(now: number, limit = 100): Promise<{ due: number; failed: number }> {
  const due = await db().collection(Collections.teenPattiTables).where("nextActionAt", "<=", now).orderBy("nextActionAt").limit(limit).get();
  let failed = 0;
  for (const doc of due.docs) {
    try {
      await advanceTable(doc.id, now);
    } catch (err) {
      failed++;
      log.warn("Teen Patti sweep could not advance a table", { tableId: doc.id, error: String(err) });
    }
  }
  return { due: due.size, failed };
}
