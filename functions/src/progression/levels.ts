/**
 * Wealth and charm levels, derived from the ledger only. Each ledger transaction is counted once (per
 * trigger event id): coins a user spent (gifts, VIP, room entries) raise wealth; diamonds a user
 * received from gifts (shard credits included) raise charm.
 *
 * A popular host receives many gifts at once, so counting must not serialise on one document (the
 * wallet's lesson, see wallet/shards.ts): points are blind increments on progression/{uid}/points/{n}
 * (no read, random shard), in the same transaction as the event's idempotency record. Then the levels
 * are settled: one aggregate read of the points against progression/{uid} (levels, rewarded levels,
 * ledger badges held); only when a threshold is crossed, a reward is owed or a badge is due does a
 * transaction run, re-reading the points inside it. So the hot path writes one shard and reads two
 * things, and writes to progression/{uid} happen once per level, not once per gift.
 *
 * Level-ups notify the user (through notifications/notify, keyed by track and level) and grant the
 * configured coin reward through the ledger (type "reward", keyed by uid/track/level, so it is granted
 * once however often this runs); `rewarded` records what was notified and granted, so a crash between the
 * level-up and its notice or reward is repaired by the next settle. Rewards,
 * purchases, grants and every other type are not counted: a reward cannot feed back into levels.
 */
import type { DocumentSnapshot, Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";
import { numberOf } from "../kernel/fields.js";
import { runOncePerEvent } from "../kernel/idempotency.js";
import { log } from "../kernel/logger.js";
import { shardedCounter } from "../kernel/sharded-counter.js";
import { runTransaction } from "../kernel/transactions.js";
import { notify } from "../notifications/notify.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../wallet/accounts.js";
import { type LedgerType, postLedgerTransaction } from "../wallet/ledger.js";
import { awardMissingBadges, badgeRef, ledgerBadgeCandidates, notifyBadges } from "./badges.js";
import { levelFor, nextThreshold, type ProgressionConfig, progressionConfig, rewardFor, TRACKS, type Track, thresholdsOf } from "./config.js";
import type { BadgeId, ListMyProgressionResponse, TrackProgress } from "./schema.js";
import { badgeCategory } from "./showcase.js";

/** Spending that earns wealth points (coins debited from the user). */
const SPENDING_TYPES: ReadonlySet<string> = new Set<LedgerType>(["gift", "vip.purchase", "room.entry"]);
/** Receiving that earns charm points (diamonds credited to the user). */
const RECEIVING_TYPES: ReadonlySet<string> = new Set<LedgerType>(["gift"]);

/** Enough to spread a top host's concurrent gifts (the wallet uses as many credit shards). */
export const POINT_SHARD_COUNT = 16;

interface LedgerEntry {
  account: string;
  currency: string;
  amount: number;
}

export interface PointsDelta {
  coinsSpent: number;
  diamondsReceived: number;
}

/** Per user of a ledger transaction: the points it earns (users with none are left out). */
export function pointsOfTransaction(ledger: { type?: unknown; entries?: unknown }): Map<string, PointsDelta> {
  const deltas = new Map<string, PointsDelta>();
  const type = typeof ledger.type === "string" ? ledger.type : "";
  if (!SPENDING_TYPES.has(type) && !RECEIVING_TYPES.has(type)) return deltas;
  const entries = Array.isArray(ledger.entries) ? (ledger.entries as LedgerEntry[]) : [];
  for (const entry of entries) {
    if (typeof entry?.account !== "string" || !entry.account.startsWith("user:") || !Number.isSafeInteger(entry.amount)) continue;
    const uid = entry.account.slice("user:".length);
    const delta = deltas.get(uid) ?? { coinsSpent: 0, diamondsReceived: 0 };
    if (SPENDING_TYPES.has(type) && entry.currency === "coins" && entry.amount < 0) delta.coinsSpent += -entry.amount;
    else if (RECEIVING_TYPES.has(type) && entry.currency === "diamonds" && entry.amount > 0) delta.diamondsReceived += entry.amount;
    else continue;
    deltas.set(uid, delta);
  }
  return deltas;
}

export function progressionRef(uid: string) {
  return db().collection(Collections.progression).doc(uid);
}

/** progression/{uid}/points/{n}: the user's points, blind increments on a random shard. */
function pointShards(uid: string) {
  return shardedCounter(progressionRef(uid), Collections.progressionPoints, POINT_SHARD_COUNT, ["coinsSpent", "diamondsReceived"]);
}

/** A user's points: the sum of their point shards (one aggregate query; inside `tx` when given). */
export function readPoints(uid: string, tx?: Transaction): Promise<PointsDelta> {
  return pointShards(uid).read(tx);
}

const POINT_FIELDS: Record<Track, keyof PointsDelta> = { wealth: "coinsSpent", charm: "diamondsReceived" };
const LEVEL_FIELDS: Record<Track, "wealthLevel" | "charmLevel"> = { wealth: "wealthLevel", charm: "charmLevel" };

export interface LevelUp {
  uid: string;
  track: Track;
  /** Previous level, exclusive. */
  from: number;
  /** New level, inclusive. */
  to: number;
}

export interface LedgerProgressResult {
  levelUps: LevelUp[];
  badges: { uid: string; badgeId: string }[];
}

/** What one counted transaction did for a user, for the badge rules. */
interface GiftFacts {
  sentGift: boolean;
  receivedGift: boolean;
}

/** The state progression/{uid} records: levels, the levels whose rewards were granted, ledger badges held. */
interface Standing {
  levels: Record<Track, number>;
  rewarded: Record<Track, number>;
  badges: Set<string>;
}

function standingOf(snapshot: DocumentSnapshot): Standing {
  const rewarded = (snapshot.get("rewarded") ?? {}) as Partial<Record<Track, unknown>>;
  const levels = { wealth: numberOf(snapshot.get("wealthLevel")), charm: numberOf(snapshot.get("charmLevel")) };
  const badges = snapshot.get("badges");
  return {
    levels,
    // Documents written before `rewarded` existed granted their rewards in the same step: all are paid.
    rewarded: {
      wealth: typeof rewarded.wealth === "number" ? rewarded.wealth : levels.wealth,
      charm: typeof rewarded.charm === "number" ? rewarded.charm : levels.charm,
    },
    badges: new Set(Array.isArray(badges) ? badges.filter((b): b is string => typeof b === "string") : []),
  };
}

/** Counts one ledger transaction once per event id, then settles each user's levels, rewards and badges. */
export async function applyLedgerTransaction(
  eventId: string,
  transactionId: string,
  ledger: { type?: unknown; entries?: unknown },
): Promise<LedgerProgressResult> {
  const deltas = pointsOfTransaction(ledger);
  if (deltas.size === 0) return { levelUps: [], badges: [] };
  const isGift = ledger.type === "gift";

  await runOncePerEvent("progression.ledger", eventId, async (tx) => {
    for (const [uid, delta] of deltas) {
      pointShards(uid).increment(tx, delta);
    }
    return null;
  });

  const config = await progressionConfig();
  const result: LedgerProgressResult = { levelUps: [], badges: [] };
  // Settling runs on every delivery, first or not: a redelivery after a crash finishes what was left.
  for (const [uid, delta] of deltas) {
    const facts = { sentGift: isGift && delta.coinsSpent > 0, receivedGift: isGift && delta.diamondsReceived > 0 };
    const settled = await settleProgression(uid, facts, `ledger:${transactionId}`, config);
    result.levelUps.push(...settled.levelUps);
    result.badges.push(...settled.badges.map((badgeId) => ({ uid, badgeId })));
  }
  return result;
}

/** The level each track is due at these points: the curve's level, never below the level already held. */
export function dueLevels(points: PointsDelta, standing: Pick<Standing, "levels">, config: ProgressionConfig): Record<Track, number> {
  const due = { wealth: 0, charm: 0 };
  for (const track of TRACKS) due[track] = Math.max(standing.levels[track], levelFor(points[POINT_FIELDS[track]], thresholdsOf(config, track)));
  return due;
}

function missingBadges(points: PointsDelta, facts: GiftFacts, standing: Standing): BadgeId[] {
  return ledgerBadgeCandidates({ ...facts, coinsSpent: points.coinsSpent }).filter((badge) => !standing.badges.has(badge));
}

/**
 * Brings progression/{uid} in line with the user's points: levels (never down), level-up notifications,
 * owed rewards, ledger badges. Reads only, unless something is due.
 */
async function settleProgression(
  uid: string,
  facts: GiftFacts,
  source: string,
  config: ProgressionConfig,
): Promise<{ levelUps: LevelUp[]; badges: BadgeId[] }> {
  const [points, snapshot] = await Promise.all([readPoints(uid), progressionRef(uid).get()]);
  const standing = standingOf(snapshot);
  const due = dueLevels(points, standing, config);
  const levelsDue = TRACKS.some((t) => due[t] > standing.levels[t]);
  const rewardsDue = TRACKS.some((t) => standing.rewarded[t] < standing.levels[t]);
  if (!levelsDue && !rewardsDue && missingBadges(points, facts, standing).length === 0) return { levelUps: [], badges: [] };

  const { FieldValue } = firestoreValues();
  // Points only grow and levels never fall, so the total read above is a safe lower bound: the
  // transaction locks progression/{uid} (and the badges it creates), never the point shards that
  // concurrent gifts are incrementing. A level the next gift's settle sees is settled by that one.
  const changed = await runTransaction(
    async (tx) => {
      const [fresh, profile] = await tx.getAll(progressionRef(uid), userRef(uid));
      const current = standingOf(fresh as DocumentSnapshot);
      const levels = dueLevels(points, current, config);
      const candidates = missingBadges(points, facts, current);
      const levelUps: LevelUp[] = [];
      const unchanged = TRACKS.every((t) => levels[t] <= current.levels[t]) && candidates.length === 0;
      // A concurrent settle got here first: nothing to write (a read-only transaction never conflicts).
      if (unchanged) return { levelUps, awarded: [] as BadgeId[], levels, rewarded: current.rewarded };

      const badgeSnapshots = candidates.length ? await tx.getAll(...candidates.map((b) => badgeRef(uid, b))) : [];
      const now = FieldValue.serverTimestamp();
      for (const track of TRACKS) {
        if (levels[track] <= current.levels[track]) continue;
        levelUps.push({ uid, track, from: current.levels[track], to: levels[track] });
      }
      const awarded = awardMissingBadges(tx, uid, candidates, badgeSnapshots, source, now);
      tx.set(
        progressionRef(uid),
        {
          uid,
          wealthLevel: levels.wealth,
          charmLevel: levels.charm,
          // Set once; afterwards only the reward step below moves it (a stale copy here could move it back).
          ...((fresh as DocumentSnapshot).get("rewarded") === undefined ? { rewarded: current.rewarded } : {}),
          // Held badges (awarded now or before) are remembered, so the settle skips them without a read.
          badges: [...new Set([...current.badges, ...candidates])],
          updatedAt: now,
        },
        { merge: true },
      );
      // The mirror only updates an existing profile: a stub would look like a new user to other triggers.
      const user = profile as DocumentSnapshot;
      if (user.exists && (user.get("wealthLevel") !== levels.wealth || user.get("charmLevel") !== levels.charm)) {
        tx.update(user.ref, { wealthLevel: levels.wealth, charmLevel: levels.charm });
      }
      return { levelUps, awarded, levels, rewarded: current.rewarded };
    },
    // Only a burst at a threshold (or a first gift) contends here, and the losers' retries are read-only.
    { maxAttempts: 20 },
  );

  // The notice and the rewards of every level not yet rewarded (this level-up's, or one a crash left
  // unfinished): both are keyed by the level, so a re-run queues and pays each once. A notice that cannot
  // be queued throws before `rewarded` moves, so the trigger's retry queues it.
  for (const track of TRACKS) {
    if (changed.rewarded[track] >= changed.levels[track]) continue;
    await notify({
      recipient: uid,
      type: "level-up",
      data: { track, level: changed.levels[track], from: changed.rewarded[track] },
      dedupeKey: `${track}:${changed.levels[track]}`,
    });
    await grantLevelRewards({ uid, track, from: changed.rewarded[track], to: changed.levels[track] }, config);
    await progressionRef(uid).set({ rewarded: { [track]: changed.levels[track] } }, { merge: true });
  }
  await notifyBadges(uid, changed.awarded);
  return { levelUps: changed.levelUps, badges: changed.awarded };
}

/** The coin rewards of every level reached by a level-up (several when points jump past more than one). */
export async function grantLevelRewards(levelUp: LevelUp, config: ProgressionConfig): Promise<number> {
  let granted = 0;
  for (let level = levelUp.from + 1; level <= levelUp.to; level++) {
    const coins = rewardFor(config, levelUp.track, level);
    if (coins <= 0) continue;
    const { uid, track } = levelUp;
    // The payload leaves the amount out: a config change between retries must not turn them into conflicts.
    const outcome = await postLedgerTransaction(
      { type: "reward", owner: "progression", key: `${uid}:${track}:${level}`, payload: { uid, track, level }, actor: "progression" },
      async () => ({
        entries: [
          { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -coins },
          { account: userAccount(uid), currency: "coins", amount: coins },
        ],
        result: { uid, track, level, coins },
        meta: { reason: "level-up", uid, track, level },
      }),
    );
    if (!outcome.replayed) {
      granted += coins;
      log.info("level reward granted", { uid, track, level, coins, transactionId: outcome.transactionId });
    }
  }
  return granted;
}

interface TimestampLike {
  toDate(): Date;
}

/** listMyProgression: the caller's levels, points, next thresholds and badges. */
export async function readMyProgression(uid: string): Promise<ListMyProgressionResponse> {
  const [config, progress, points, badges] = await Promise.all([
    progressionConfig(),
    progressionRef(uid).get(),
    readPoints(uid),
    userRef(uid).collection(Collections.badges).get(),
  ]);
  const track = (name: Track): TrackProgress => {
    // Levels are settled just after the points land; until then the points already show the new total.
    const level = numberOf(progress.get(LEVEL_FIELDS[name]));
    return { level, points: points[POINT_FIELDS[name]], nextLevelAt: nextThreshold(level, thresholdsOf(config, name)) };
  };
  return {
    wealth: track("wealth"),
    charm: track("charm"),
    badges: badges.docs
      .map((badge) => {
        const at = badge.get("awardedAt") as TimestampLike | undefined;
        return {
          id: badge.id,
          awardedAt: at && typeof at.toDate === "function" ? at.toDate().toISOString() : null,
          source: String(badge.get("source") ?? ""),
          category: badgeCategory(badge.id),
          rarity: typeof badge.get("rarity") === "string" ? (badge.get("rarity") as string) : "common",
        };
      })
      .sort((a, b) => (a.awardedAt ?? "").localeCompare(b.awardedAt ?? "") || a.id.localeCompare(b.id)),
  };
}
