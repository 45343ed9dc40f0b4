/**
 * Responsible limits over Firestore: the player's own settings (setGameLimits, selfExcludeFromGames,
 * getGameLimits) and the two calls every game makes inside its stake and settlement writes.
 *
 * The daily net loss is stakes minus payouts, per UTC day: a stake counts as a loss when it is placed and
 * its payout (if any) brings it back down, so open rounds can never take a player past the limit.
 */
import type { Transaction, WriteBatch } from "firebase-admin/firestore";
import { refuse } from "../../kernel/errors.js";
import { numberOf } from "../../kernel/fields.js";
import type { Caller } from "../../kernel/guards.js";
import { runTransaction } from "../../kernel/transactions.js";
import { gamePlayerRef } from "../fairness/store.js";
import { changeDailyLossLimit, gameDay, limitsAt, type PlayerLimits, selfExclude, stakeRefusal } from "./decisions.js";
import type { GameLimitsView, LimitsRefusal, SelfExcludeFromGamesRequest, SetGameLimitsRequest } from "./schema.js";
import { limitsData, limitsFromSnapshot, lossDayData, lossDayRef } from "./store.js";

export { gameDay } from "./decisions.js";

function view(limits: PlayerLimits, netLossToday: number, day: string): GameLimitsView {
  const exclusion = limits.selfExclusion;
  return {
    dailyLossLimit: limits.dailyLossLimit,
    pendingDailyLossLimit: limits.pendingDailyLossLimit,
    day,
    netLossToday,
    remainingToday: limits.dailyLossLimit === null ? null : Math.max(0, limits.dailyLossLimit - netLossToday),
    selfExcludedUntil: exclusion?.until ?? null,
    selfExcludedPermanently: exclusion !== null && exclusion.until === null,
  };
}

/** Reads the player's limits and today's loss in `tx`, applies `change`, writes the limits back. */
function updateLimits(uid: string, change: (limits: PlayerLimits, now: number) => PlayerLimits): Promise<GameLimitsView> {
  return runTransaction(async (tx) => {
    const now = Date.now();
    const day = gameDay(now);
    const [player, lossDay] = await tx.getAll(gamePlayerRef(uid), lossDayRef(uid, day));
    const limits = change(limitsFromSnapshot(player), now);
    tx.set(gamePlayerRef(uid), limitsData(limits), { merge: true });
    return view(limits, numberOf(lossDay.get("netLoss")), day);
  });
}

export function setGameLimits(caller: Caller, request: SetGameLimitsRequest): Promise<GameLimitsView> {
  return updateLimits(caller.uid, (limits, now) => changeDailyLossLimit(limits, request.dailyLossLimit, now));
}

export function selfExcludeFromGames(caller: Caller, request: SelfExcludeFromGamesRequest): Promise<GameLimitsView> {
  return updateLimits(caller.uid, (limits, now) => selfExclude(limits, request.days, now));
}

export async function getGameLimits(caller: Caller): Promise<GameLimitsView> {
  const now = Date.now();
  const day = gameDay(now);
  const [player, lossDay] = await Promise.all([gamePlayerRef(caller.uid).get(), lossDayRef(caller.uid, day).get()]);
  return view(limitsAt(limitsFromSnapshot(player), now), numberOf(lossDay.get("netLoss")), day);
}

/**
 * Inside the stake's transaction, before its writes: refuses (failed-precondition, reason "self-excluded"
 * or "daily-loss-limit") a stake of `amount` coins the player's limits do not allow at `now`. Reads
 * gamePlayers/{uid} and today's loss counter in `tx`, so concurrent stakes cannot both slip under the
 * limit. The game then counts the stake with recordGameResult(tx, uid, -amount, gameDay(now)).
 */
export async function assertMayStake(tx: Transaction, uid: string, amount: number, now: number): Promise<void> {
  const [player, lossDay] = await tx.getAll(gamePlayerRef(uid), lossDayRef(uid, gameDay(now)));
  const refusal = stakeRefusal(limitsFromSnapshot(player), numberOf(lossDay.get("netLoss")), amount, now);
  if (refusal === "self-excluded") {
    refuse<LimitsRefusal>("failed-precondition", "self-excluded", "You have excluded yourself from games for now.");
  }
  if (refusal === "daily-loss-limit") {
    refuse<LimitsRefusal>("failed-precondition", "daily-loss-limit", "This stake would go past your daily loss limit.", {
      dailyLossLimit: limitsAt(limitsFromSnapshot(player), now).dailyLossLimit,
    });
  }
}

/**
 * Counts a player's result towards their daily loss, without reading (settlement stays blind): `net` is
 * from the player's side, -stake when staking, +payout when paid. `day` is gameDay() of the stake, so a
 * round that settles after midnight pays back the day it was staked on.
 */
export function recordGameResult(writer: Transaction | WriteBatch, uid: string, net: number, day: string): void {
  (writer as WriteBatch).set(lossDayRef(uid, day), lossDayData(-net, day), { merge: true });
}
