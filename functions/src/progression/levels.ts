/**
 * Wealth and charm levels, derived from the ledger only. Each ledger transaction is read once (per
 * trigger event id): coins a user spent (gifts, VIP, room entries) raise wealth; diamonds a user
 * received from gifts (shard credits included) raise charm. progression/{uid} holds the points and
 * levels; users/{uid} mirrors the levels for display, in the same transaction.
 *
 * Level-ups notify the user and grant the configured coin reward through the ledger (type "reward",
 * keyed by uid/track/level, so it is granted once however often this runs). Rewards, purchases, grants
 * and every other type are not counted: the reward's own ledger document cannot feed back into levels.
 */
import type { DocumentSnapshot } from "firebase-admin/firestore";
import { db, firestoreValues } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import { runOncePerEvent } from "../kernel/idempotency.js";
import { log } from "../kernel/logger.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../wallet/accounts.js";
import { type LedgerType, postLedgerTransaction } from "../wallet/ledger.js";
import { awardMissingBadges, badgeRef, ledgerBadgeCandidates } from "./badges.js";
import { levelFor, nextThreshold, type ProgressionConfig, progressionConfig, rewardFor, type Track, thresholdsOf } from "./config.js";
import { BADGES, type ListMyProgressionResponse, NOTIFICATIONS, PROGRESSION, type TrackProgress } from "./schema.js";

/** Spending that earns wealth points (coins debited from the user). */
const SPENDING_TYPES: ReadonlySet<string> = new Set<LedgerType>(["gift", "vip.purchase", "room.entry"]);
/** Receiving that earns charm points (diamonds credited to the user). */
const RECEIVING_TYPES: ReadonlySet<string> = new Set<LedgerType>(["gift"]);

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
  return db().collection(PROGRESSION).doc(uid);
}

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

function numberOf(snapshot: DocumentSnapshot, field: string): number {
  const value = snapshot.get(field);
  return typeof value === "number" ? value : 0;
}

/**
 * Applies one ledger transaction to its users' progression, once per event id, then grants level
 * rewards. A redelivered event replays the stored result: the rewards are (re)posted idempotently, so a
 * crash between the two steps is repaired by the retry.
 */
export async function applyLedgerTransaction(eventId: string, transactionId: string, ledger: { type?: unknown; entries?: unknown }): Promise<LedgerProgressResult> {
  const deltas = pointsOfTransaction(ledger);
  if (deltas.size === 0) return { levelUps: [], badges: [] };
  const config = await progressionConfig();
  const { FieldValue } = firestoreValues();
  const isGift = ledger.type === "gift";

  const { result } = await runOncePerEvent("progression.ledger", eventId, async (tx) => {
    const uids = [...deltas.keys()];
    // All reads first: per user the progression doc, the public profile (mirror target) and candidate badges.
    const plans = uids.map((uid) => {
      const delta = deltas.get(uid) as PointsDelta;
      return { uid, delta, sentGift: isGift && delta.coinsSpent > 0, receivedGift: isGift && delta.diamondsReceived > 0 };
    });
    const snapshots = await tx.getAll(...uids.flatMap((uid) => [progressionRef(uid), db().collection(Collections.users).doc(uid)]));
    const now = FieldValue.serverTimestamp();
    const levelUps: LevelUp[] = [];
    const awarded: { uid: string; badgeId: string }[] = [];
    const writes: (() => void)[] = [];

    for (const [i, plan] of plans.entries()) {
      const progress = snapshots[2 * i] as DocumentSnapshot;
      const profile = snapshots[2 * i + 1] as DocumentSnapshot;
      const coinsSpent = numberOf(progress, "coinsSpent") + plan.delta.coinsSpent;
      const diamondsReceived = numberOf(progress, "diamondsReceived") + plan.delta.diamondsReceived;
      const previous = { wealth: numberOf(progress, "wealthLevel"), charm: numberOf(progress, "charmLevel") };
      const levels = {
        wealth: Math.max(previous.wealth, levelFor(coinsSpent, thresholdsOf(config, "wealth"))),
        charm: Math.max(previous.charm, levelFor(diamondsReceived, thresholdsOf(config, "charm"))),
      };
      const candidates = ledgerBadgeCandidates({ sentGift: plan.sentGift, receivedGift: plan.receivedGift, coinsSpent });
      const badgeSnapshots = candidates.length ? await tx.getAll(...candidates.map((b) => badgeRef(plan.uid, b))) : [];

      writes.push(() => {
        tx.set(progressionRef(plan.uid), {
          uid: plan.uid,
          coinsSpent,
          diamondsReceived,
          wealthLevel: levels.wealth,
          charmLevel: levels.charm,
          updatedAt: now,
        });
        // The mirror only updates an existing profile: a stub would look like a new user to other triggers.
        if (profile.exists && (profile.get("wealthLevel") !== levels.wealth || profile.get("charmLevel") !== levels.charm)) {
          tx.update(profile.ref, { wealthLevel: levels.wealth, charmLevel: levels.charm });
        }
        for (const track of ["wealth", "charm"] as const) {
          if (levels[track] <= previous[track]) continue;
          levelUps.push({ uid: plan.uid, track, from: previous[track], to: levels[track] });
          const notification = db().collection(Collections.users).doc(plan.uid).collection(NOTIFICATIONS).doc(`level-up-${track}-${levels[track]}`);
          tx.set(notification, { type: "level-up", track, level: levels[track], at: now });
        }
        for (const badgeId of awardMissingBadges(tx, plan.uid, candidates, badgeSnapshots, `ledger:${transactionId}`, now)) {
          awarded.push({ uid: plan.uid, badgeId });
        }
      });
    }
    for (const write of writes) write();
    return { levelUps, badges: awarded };
  });

  for (const levelUp of result.levelUps) await grantLevelRewards(levelUp, config);
  return result;
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
  const [config, progress, badges] = await Promise.all([
    progressionConfig(),
    progressionRef(uid).get(),
    db().collection(Collections.users).doc(uid).collection(BADGES).get(),
  ]);
  const track = (name: Track, pointsField: string, levelField: string): TrackProgress => {
    const level = numberOf(progress, levelField);
    return { level, points: numberOf(progress, pointsField), nextLevelAt: nextThreshold(level, thresholdsOf(config, name)) };
  };
  return {
    wealth: track("wealth", "coinsSpent", "wealthLevel"),
    charm: track("charm", "diamondsReceived", "charmLevel"),
    badges: badges.docs
      .map((badge) => {
        const at = badge.get("awardedAt") as TimestampLike | undefined;
        return { id: badge.id, awardedAt: at && typeof at.toDate === "function" ? at.toDate().toISOString() : null, source: String(badge.get("source") ?? "") };
      })
      .sort((a, b) => (a.awardedAt ?? "").localeCompare(b.awardedAt ?? "") || a.id.localeCompare(b.id)),
  };
}
