/**
 * placeGreedyBet: one ledger posting player → game escrow ("game.bet"), idempotent by requestId (keyed
 * "greedy:{requestId}", so other games' stakes of the same player never share the key), inside
 * the round's betting window by server time. The posting's transaction also checks and writes the
 * player's stake record (gameRounds/{id}/greedyStakes/{uid}: per-user cap) and one exposure shard of
 * the item; the round document is only read, so bets never queue behind one another on it.
 *
 * Exposure cap: the worst case an item can owe is multiplier × Σ stakes on it, and a bet that would push
 * it over exposureCapPerItem is refused up front. Reading one per-item total in every bet would make all
 * bets on an item contend on that document (or on all its counter shards, since each bet would read them
 * all). Instead the cap is split into EXPOSURE_SHARDS reservations of cap / EXPOSURE_SHARDS each
 * (gameRounds/{id}/greedyExposure/{itemId}_{n}); a bet reserves its worst case on one shard, starting
 * from a random one and moving on only when that one is full. Each reservation is exact inside its
 * transaction, so Σ shards ≤ cap always holds, and concurrent bets meet only when they pick the same
 * shard. The price: a bet is refused when no single shard has room for it, even if the item as a whole
 * has a little (at most one largest bet per shard, which config.ts keeps small against the cap).
 * Measured by `npm run bench:games` (bets on one item, 25 in flight, Firestore emulator): 32 shards take
 * 25 bets/s, one total document 2 bets/s.
 */
import type { DocumentSnapshot } from "firebase-admin/firestore";
import { fail, refuse } from "../../kernel/errors.js";
import type { Caller } from "../../kernel/guards.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../../wallet/accounts.js";
import { postLedgerTransaction } from "../../wallet/ledger.js";
import { assertMayStake, gameDay, recordGameResult } from "../limits/limits.js";
import { EXPOSURE_SHARDS } from "./config.js";
import { incrementLiveTotal } from "./mirror.js";
import { isRoomMember, startGreedy } from "./rounds.js";
import type { GreedyRefusal, PlaceGreedyBetRequest, PlaceGreedyBetResponse } from "./schema.js";
import { exposureRef, gameRef, readGame, readRound, readStake, roundRef, stakeRef } from "./store.js";

/** The worst-case payout reserved on an exposure shard (reading a missing shard as empty). */
const reservedOn = (shard: DocumentSnapshot): number => (typeof shard.get("reserved") === "number" ? (shard.get("reserved") as number) : 0);

export async function placeGreedyBet(caller: Caller, request: PlaceGreedyBetRequest): Promise<PlaceGreedyBetResponse> {
  const { roomId, itemId, chip } = request;
  if (!(await isRoomMember(roomId, caller.uid))) refuse<GreedyRefusal>("failed-precondition", "not-in-room", "Enter the room first.");

  const game = readGame(await gameRef(roomId).get(), roomId);
  if (!game.running) {
    // The game stopped when the room emptied: this bet starts it again; the player bets on the new round.
    const started = await startGreedy(caller.uid, roomId);
    refuse<GreedyRefusal>("failed-precondition", "betting-closed", "A new round has just opened: bet on it.", { currentRoundId: started.roundId });
  }

  const outcome = await postGreedyBet(caller.uid, request, game.currentRoundId);
  if (!outcome.replayed) await incrementLiveTotal(roomId, itemId, chip);
  return { ...outcome.result, transactionId: outcome.transactionId };
}

/** The bet's ledger transaction: the window, chip, item, per-user and exposure checks, the stake and reservation writes. */
export async function postGreedyBet(uid: string, request: PlaceGreedyBetRequest, currentRoundId: string | null = null) {
  const { roomId, roundId, itemId, chip, requestId } = request;
  const account = userAccount(uid);
  return postLedgerTransaction<PlaceGreedyBetResponse>(
    { type: "game.bet", owner: uid, key: `greedy:${requestId}`, payload: { game: "greedy", roomId, roundId, itemId, chip } },
    async (ctx) => {
      const now = Date.now();
      const round = readRound(await ctx.get(roundRef(roundId)));
      if (!round) return fail("not-found", "No such round.");
      if (round.roomId !== roomId) refuse<GreedyRefusal>("invalid-argument", "round-mismatch", "This round belongs to another room.");
      if (round.phase !== "betting" || now >= round.bettingEndsAt) {
        refuse<GreedyRefusal>("failed-precondition", "betting-closed", "Betting on this round has closed.", { currentRoundId });
      }
      const item = round.items.find((candidate) => candidate.id === itemId);
      if (!item) return refuse<GreedyRefusal>("invalid-argument", "unknown-item", "No such item on this wheel.");
      if (!round.chips.includes(chip))
        refuse<GreedyRefusal>("invalid-argument", "invalid-chip", "Bets use the round's chip values.", { chips: round.chips });

      const stake = readStake(await ctx.get(stakeRef(roundId, uid)));
      const staked = stake?.total ?? 0;
      if (staked + chip > round.maxStakePerUser) {
        refuse<GreedyRefusal>("failed-precondition", "user-round-limit", "That would exceed the per-round stake limit.", {
          maxStakePerUser: round.maxStakePerUser,
          staked,
        });
      }
      await assertMayStake(ctx.tx, uid, chip, now);

      const worstCase = chip * item.multiplier;
      const shardCap = Math.floor(round.exposureCapPerItem / EXPOSURE_SHARDS);
      const first = Math.floor(Math.random() * EXPOSURE_SHARDS);
      let chosen: { shard: number; reserved: number; stakes: number } | null = null;
      for (let step = 0; step < EXPOSURE_SHARDS && !chosen; step++) {
        const shard = (first + step) % EXPOSURE_SHARDS;
        const snapshot = await ctx.get(exposureRef(roundId, itemId, shard));
        const reserved = reservedOn(snapshot);
        if (reserved + worstCase <= shardCap) chosen = { shard, reserved, stakes: Number(snapshot.get("stakes") ?? 0) };
      }
      if (!chosen) {
        return refuse<GreedyRefusal>("failed-precondition", "exposure-cap", "This item cannot take more stakes this round.", { itemId });
      }
      const reservation = chosen;

      const byItem = { ...(stake?.byItem ?? {}), [itemId]: (stake?.byItem[itemId] ?? 0) + chip };
      const myStakes = { total: staked + chip, byItem };
      return {
        entries: [
          { account, currency: "coins", amount: -chip },
          { account: SYSTEM_ACCOUNTS.gameEscrow, currency: "coins", amount: chip },
        ],
        meta: { game: "greedy", roomId, roundId, itemId, chip },
        result: { roundId, itemId, chip, myStakes, transactionId: "" },
        writes: (tx) => {
          recordGameResult(tx, uid, -chip, gameDay(now));
          tx.set(stakeRef(roundId, uid), {
            uid,
            roundId,
            roomId,
            byItem,
            total: myStakes.total,
            placedAt: stake?.placedAt ?? now,
            updatedAt: now,
          });
          tx.set(exposureRef(roundId, itemId, reservation.shard), {
            itemId,
            reserved: reservation.reserved + worstCase,
            stakes: reservation.stakes + chip,
          });
        },
      };
    },
  );
}
