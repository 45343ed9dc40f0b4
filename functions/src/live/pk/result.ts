/**
 * The end of a battle: the authoritative scores from the ledger, the result decided once, the optional
 * winner reward paid once, and the close of the punishment/celebration phase.
 *
 * Score of a side = Σ meta.totalCoins of ledger gift transactions whose meta.context is that side's stream
 * and whose meta.recipientUid is that side's host, committed (createdAt) in [startedAt, endsAt). Only the
 * host's gifts count: a PK is between the two hosts, and gifts to a multi-guest guest are the guest's.
 * The ledger, not the live display, decides; the result is read after a grace period so late commits of
 * gifts sent inside the window are in.
 *
 * Exactly once: the result is written by a transaction that moves the battle from "active" to "finished";
 * every later or concurrent attempt finds it finished and changes nothing. The reward is a ledger posting
 * keyed by the battle id, so concurrent or repeated payers post it once.
 *
 * The reward is earned, not farmed: never on a forfeit (a colluding opponent need only end its stream),
 * only after a battle that ran config/pk rewardMinBattleSeconds and a winner score of rewardMinWinnerScore,
 * and at most rewardDailyCapPerHost per winner and rewardDailyCapPerPair per pair of hosts per UTC day.
 * The day's counters are read and written by the transaction that decides the battle, so battles decided
 * at the same time cannot both take the last reward. A battle denied its reward keeps its result, with
 * reward null and the reason in rewardWithheld.
 */
import type { Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import { log } from "../../kernel/logger.js";
import { runTransaction } from "../../kernel/transactions.js";
import { displayNameOf, notifyAfterCommit } from "../../notifications/after-commit.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../../wallet/accounts.js";
import { ledgerTransactionId, postLedgerTransaction } from "../../wallet/ledger.js";
import { type PkConfig, pkConfig } from "./config.js";
import { mirrorBattle } from "./mirror.js";
import type { PkBattle, PkResult, PkReward, PkRewardWithheld, PkSide } from "./schema.js";
import { battleRef, nextRev, opponentOf, readBattle, rewardCounterRef, sidesOf, storedFields, streamRef, timestampOf } from "./store.js";
import { schedulePkTimer } from "./timers.js";

/** The ledger key of a battle's winner reward (type "reward", owner "pk"). */
export const PK_REWARD_OWNER = "pk";

/** Gift value received by a side's host on its stream in [fromMs, toMs), summed by Firestore. */
export async function sideScore(side: PkSide, fromMs: number, toMs: number): Promise<number> {
  if (toMs <= fromMs) return 0;
  const { AggregateField } = firestoreValues();
  const snapshot = await db()
    .collection(Collections.ledger)
    .where("type", "==", "gift")
    .where("meta.context.type", "==", "stream")
    .where("meta.context.id", "==", side.streamId)
    .where("meta.recipientUid", "==", side.hostUid)
    .where("createdAt", ">=", timestampOf(fromMs))
    .where("createdAt", "<", timestampOf(toMs))
    .aggregate({ coins: AggregateField.sum("meta.totalCoins") })
    .get();
  return Number(snapshot.data().coins ?? 0);
}

export function decideResult(battle: PkBattle, scores: Record<string, number>, forfeitedStreamId: string | null): PkResult {
  const [a, b] = sidesOf(battle);
  let winner: PkSide | null;
  if (forfeitedStreamId) winner = opponentOf(battle, forfeitedStreamId);
  else if ((scores[a.streamId] ?? 0) === (scores[b.streamId] ?? 0)) winner = null;
  else winner = (scores[a.streamId] ?? 0) > (scores[b.streamId] ?? 0) ? a : b;
  return {
    scores,
    winnerStreamId: winner?.streamId ?? null,
    winnerUid: winner?.hostUid ?? null,
    draw: winner === null,
    reason: forfeitedStreamId ? "forfeit" : "score",
    forfeitedStreamId,
  };
}

/** The UTC day of `ms` ("2025-01-31"): the period of the reward caps. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Whether the winner of `result` has earned a reward, before the day's caps: "none" when there is no
 * reward to give (turned off, a draw), a withheld reason, or "eligible". `ranUntil`: the end of the
 * window the scores cover.
 */
export function pkRewardEligibility(
  battle: Pick<PkBattle, "startedAt">,
  result: PkResult,
  ranUntil: number,
  config: PkConfig,
): "none" | "eligible" | PkRewardWithheld {
  if (config.winnerRewardCoins === 0 || !result.winnerUid) return "none";
  if (result.reason === "forfeit") return "forfeit";
  if (ranUntil - (battle.startedAt as number) < config.rewardMinBattleSeconds * 1000) return "battle-too-short";
  if ((result.scores[result.winnerStreamId as string] ?? 0) < config.rewardMinWinnerScore) return "score-too-low";
  return "eligible";
}

/** The daily cap an eligible reward runs into, given the rewards already paid today to the winner and within the pair. */
export function pkRewardCapReached(today: { hostRewards: number; pairRewards: number }, config: PkConfig): PkRewardWithheld | null {
  if (today.hostRewards >= config.rewardDailyCapPerHost) return "host-daily-cap";
  if (today.pairRewards >= config.rewardDailyCapPerPair) return "pair-daily-cap";
  return null;
}

/** Counters outlive their day only as long as an operator might look at them (a TTL policy on expiresAt). */
const COUNTER_RETAIN_MS = 7 * 86_400_000;

/**
 * The winner's reward, or why it is withheld; when it is granted, counts it in the day's counters (reads
 * and writes in `tx`, before any other write of the transaction).
 */
async function decideReward(
  tx: Transaction,
  battle: PkBattle,
  result: PkResult,
  ranUntil: number,
  config: PkConfig,
  now: number,
): Promise<{ reward: PkReward | null; rewardWithheld: PkRewardWithheld | null }> {
  const eligibility = pkRewardEligibility(battle, result, ranUntil, config);
  if (eligibility === "none") return { reward: null, rewardWithheld: null };
  if (eligibility !== "eligible") return { reward: null, rewardWithheld: eligibility };

  const winnerUid = result.winnerUid as string;
  const day = utcDay(now);
  const pairUids = sidesOf(battle).map((side) => side.hostUid);
  const hostCounter = rewardCounterRef(day, winnerUid);
  const pairCounter = rewardCounterRef(day, ...pairUids);
  const [host, pair] = await tx.getAll(hostCounter, pairCounter);
  const hostRewards = Number(host?.get("rewards") ?? 0);
  const pairRewards = Number(pair?.get("rewards") ?? 0);
  const capped = pkRewardCapReached({ hostRewards, pairRewards }, config);
  if (capped) return { reward: null, rewardWithheld: capped };
  const expiresAt = timestampOf(now + COUNTER_RETAIN_MS);
  tx.set(hostCounter, { day, kind: "host", uids: [winnerUid], rewards: hostRewards + 1, expiresAt });
  tx.set(pairCounter, { day, kind: "pair", uids: [...pairUids].sort(), rewards: pairRewards + 1, expiresAt });
  return {
    reward: {
      uid: winnerUid,
      coins: config.winnerRewardCoins,
      transactionId: ledgerTransactionId("reward", PK_REWARD_OWNER, battle.id),
      paid: false,
    },
    rewardWithheld: null,
  };
}

function outcomeFor(result: PkResult, streamId: string): "won" | "lost" | "draw" {
  if (result.draw) return "draw";
  return result.winnerStreamId === streamId ? "won" : "lost";
}

export interface ResolveOptions {
  now: number;
  /** A stream that ended during the battle: the other side wins, whatever the scores. */
  forfeitedStreamId?: string;
}

/**
 * Decides the battle if it is active and due (or forfeited). Returns the finished battle when this call
 * decided it, null when there was nothing to do (not due, already decided, not a battle).
 */
export async function resolvePkBattle(battleId: string, options: ResolveOptions): Promise<PkBattle | null> {
  const { now } = options;
  const forfeited = options.forfeitedStreamId ?? null;
  const current = readBattle(await battleRef(battleId).get());
  if (current?.status !== "active" || current.startedAt === null || current.endsAt === null) return null;
  const config = await pkConfig();
  if (!forfeited && now < current.endsAt + config.resultGraceSeconds * 1000) return null;

  // Read outside the transaction: aggregations over many ledger documents do not belong in a lock.
  const windowEnd = forfeited ? Math.min(now, current.endsAt) : current.endsAt;
  const startedAt = current.startedAt;
  const scores: Record<string, number> = {};
  await Promise.all(
    sidesOf(current).map(async (side) => {
      scores[side.streamId] = await sideScore(side, startedAt, windowEnd);
    }),
  );

  const { FieldValue } = firestoreValues();
  const decided = await runTransaction(async (tx) => {
    const battle = readBattle(await tx.get(battleRef(battleId)));
    if (battle?.status !== "active") return null;
    const streams = await tx.getAll(...sidesOf(battle).map((side) => streamRef(side.streamId)));
    const result = decideResult(battle, scores, forfeited);
    const { reward, rewardWithheld } = await decideReward(tx, battle, result, windowEnd, config, now);
    const punishmentEndsAt = now + battle.punishmentSeconds * 1000;
    const changes: Partial<PkBattle> = {
      status: "finished",
      phase: "punishment",
      result,
      reward,
      rewardWithheld,
      resolvedAt: now,
      punishmentEndsAt,
      nextActionAt: punishmentEndsAt,
      rev: nextRev(battle, now),
    };
    tx.update(battleRef(battleId), storedFields(changes));
    const liveStreamIds: string[] = [];
    for (const stream of streams) {
      if (!stream.exists) continue;
      if (stream.get("status") === "live" && stream.id !== forfeited) liveStreamIds.push(stream.id);
      const opponent = opponentOf(battle, stream.id);
      tx.update(stream.ref, {
        lastPk: {
          battleId,
          outcome: outcomeFor(result, stream.id),
          reason: result.reason,
          score: scores[stream.id] ?? 0,
          opponentScore: scores[opponent.streamId] ?? 0,
          opponentStreamId: opponent.streamId,
          opponentHostUid: opponent.hostUid,
          at: FieldValue.serverTimestamp(),
        },
      });
    }
    return { battle: { ...battle, ...changes }, liveStreamIds };
  });
  if (!decided) return null;

  const battle = decided.battle;
  log.info("PK battle decided", {
    battleId,
    scores,
    winnerStreamId: battle.result?.winnerStreamId ?? null,
    reason: battle.result?.reason,
    rewardWithheld: battle.rewardWithheld,
  });
  await mirrorBattle(battle, decided.liveStreamIds);
  await notifyPkResult(battle);
  try {
    await payPkReward(battle);
  } catch (err) {
    // The close step pays it (idempotently) before ending the battle.
    log.warn("PK reward not paid yet; the close step retries", { battleId, error: String(err) });
  }
  if (battle.punishmentSeconds === 0) await closePkBattle(battleId, now);
  else await schedulePkTimer(battleId, "close", battle.punishmentEndsAt as number);
  return battle;
}

/** Both hosts hear the outcome from their side (won, lost, draw), with the scores and the opponent's name. */
async function notifyPkResult(battle: PkBattle): Promise<void> {
  const result = battle.result;
  if (!result) return;
  await Promise.all(
    sidesOf(battle).map((side) => {
      const opponent = opponentOf(battle, side.streamId);
      return notifyAfterCommit(async () => ({
        recipient: side.hostUid,
        type: "pk-result",
        actorUid: opponent.hostUid,
        data: {
          battleId: battle.id,
          outcome: outcomeFor(result, side.streamId),
          reason: result.reason,
          score: result.scores[side.streamId] ?? 0,
          opponentScore: result.scores[opponent.streamId] ?? 0,
          opponentUid: opponent.hostUid,
          opponentName: await displayNameOf(opponent.hostUid),
          streamId: side.streamId,
          rewardCoins: battle.reward?.uid === side.hostUid ? battle.reward.coins : 0,
        },
        dedupeKey: `${battle.id}:result`,
      }));
    }),
  );
}

/** Pays the winner reward once (the ledger transaction id derives from the battle id). */
export async function payPkReward(battle: Pick<PkBattle, "id" | "reward">): Promise<void> {
  const reward = battle.reward;
  if (!reward || reward.paid) return;
  const outcome = await postLedgerTransaction(
    {
      type: "reward",
      owner: PK_REWARD_OWNER,
      key: battle.id,
      payload: { battleId: battle.id, uid: reward.uid, coins: reward.coins },
      actor: PK_REWARD_OWNER,
    },
    async () => ({
      entries: [
        { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -reward.coins },
        { account: userAccount(reward.uid), currency: "coins", amount: reward.coins },
      ],
      result: { battleId: battle.id, uid: reward.uid, coins: reward.coins },
      meta: { reason: "pk.winner", battleId: battle.id },
    }),
  );
  await battleRef(battle.id).update({ "reward.paid": true });
  if (!outcome.replayed) log.info("PK winner rewarded", { battleId: battle.id, uid: reward.uid, coins: reward.coins });
}

/**
 * Ends the punishment/celebration phase when it is due: pays a reward still owed, then releases both
 * streams (pkBattleId cleared) and marks the battle "finished" for the apps. Returns whether it closed.
 */
export async function closePkBattle(battleId: string, now: number): Promise<boolean> {
  const current = readBattle(await battleRef(battleId).get());
  if (current?.status !== "finished" || current.phase !== "punishment") return false;
  if (current.punishmentEndsAt !== null && now < current.punishmentEndsAt) return false;
  await payPkReward(current);
  // Again here (queued once per host): the decision's own attempt may have stopped after its commit.
  await notifyPkResult(current);

  const closed = await runTransaction(async (tx) => {
    const battle = readBattle(await tx.get(battleRef(battleId)));
    if (battle?.phase !== "punishment") return null;
    const streams = await tx.getAll(...sidesOf(battle).map((side) => streamRef(side.streamId)));
    const changes: Partial<PkBattle> = { phase: "finished", closedAt: now, nextActionAt: null, rev: nextRev(battle, now) };
    tx.update(battleRef(battleId), storedFields(changes));
    const liveStreamIds: string[] = [];
    for (const stream of streams) {
      if (!stream.exists || stream.get("pkBattleId") !== battleId) continue;
      tx.update(stream.ref, { pkBattleId: null });
      if (stream.get("status") === "live") liveStreamIds.push(stream.id);
    }
    return { battle: { ...battle, ...changes }, liveStreamIds };
  });
  if (!closed) return false;
  await mirrorBattle(closed.battle, closed.liveStreamIds);
  return true;
}
