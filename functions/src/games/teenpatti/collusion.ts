/**
 * Collusion review. An hourly job reads the hands settled in the last windowHours and scores every pair
 * of players who were dealt into a hand together; a pair that trips any heuristic gets one open entry in
 * reviewQueue (teenpatti-collusion__{low}__{high}) for a person to look at. Nothing is blocked here.
 *
 * The heuristics (thresholds in config/games teenPatti.collusion):
 * - shared-tables: the two played at least minSharedHands hands together, and those are at least
 *   sharedHandsRatio of the hands of the less active of the two (they follow each other round tables).
 * - soft-play: side shows between the two, plus hands one of them won because the other packed last
 *   (folded to them), reach minSoftPlays: they test hands against each other instead of playing.
 * - chip-dumping: at least minDumps pots of largePotBoots boots or more won uncontested by one of the two
 *   after the other put at least dumpShare of the pot in and packed, in the same direction.
 * - gifting-partners: the two shared at least minSharedHandsForGifts hands and gifted each other at
 *   least minGiftCoins coins in the window (ledger "gift" postings between them).
 */
import { db, firestoreValues } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import { log } from "../../kernel/logger.js";
import { runTransaction } from "../../kernel/transactions.js";
import { userAccount } from "../../wallet/accounts.js";
import { teenPattiConfig } from "./config.js";
import type { HandEvent, HandPlayer, HandResult, TeenPattiConfig } from "./schema.js";

export type CollusionConfig = TeenPattiConfig["collusion"];
export type CollusionReason = "shared-tables" | "soft-play" | "chip-dumping" | "gifting-partners";

/** The fields of a settled gameHands document the review reads. */
export interface SettledHandRecord {
  id: string;
  bootAmount: number;
  pot: number;
  players: Pick<HandPlayer, "uid" | "status" | "invested">[];
  events: Pick<HandEvent, "uid" | "action" | "target">[];
  result: Pick<HandResult, "winners" | "reason">;
}

export interface PairStats {
  uids: [string, string];
  handsTogether: number;
  sideShows: number;
  foldsToPartner: number;
  /** Large pots the second uid won after the first packed with a large share in, and the reverse. */
  dumps: Record<string, number>;
  giftCoins: number;
}

export const pairKey = (a: string, b: string): string => (a < b ? `${a}__${b}` : `${b}__${a}`);

/** Pair statistics over settled hands, and how many hands each player played. */
export function pairStatistics(hands: SettledHandRecord[], config: CollusionConfig): { pairs: Map<string, PairStats>; handsOf: Map<string, number> } {
  const pairs = new Map<string, PairStats>();
  const handsOf = new Map<string, number>();
  const pair = (a: string, b: string): PairStats => {
    const key = pairKey(a, b);
    let stats = pairs.get(key);
    if (!stats) {
      stats = { uids: (a < b ? [a, b] : [b, a]) as [string, string], handsTogether: 0, sideShows: 0, foldsToPartner: 0, dumps: {}, giftCoins: 0 };
      pairs.set(key, stats);
    }
    return stats;
  };
  for (const hand of hands) {
    const uids = hand.players.map((p) => p.uid);
    for (const uid of uids) handsOf.set(uid, (handsOf.get(uid) ?? 0) + 1);
    for (let i = 0; i < uids.length; i++) for (let j = i + 1; j < uids.length; j++) pair(uids[i] as string, uids[j] as string).handsTogether++;
    for (const event of hand.events) if (event.action === "side-show" && event.target) pair(event.uid, event.target).sideShows++;
    const packers = new Set(hand.events.filter((e) => e.action === "pack").map((e) => e.uid));
    const winner = hand.result.winners[0];
    if (hand.result.reason !== "last-standing" || winner === undefined) continue;
    // The last pack handed the pot to the winner: that player folded to them.
    const lastPack = [...hand.events].reverse().find((e) => e.action === "pack");
    if (lastPack && lastPack.uid !== winner) pair(lastPack.uid, winner).foldsToPartner++;
    if (hand.pot < config.largePotBoots * hand.bootAmount) continue;
    for (const loser of hand.players) {
      if (loser.uid === winner || !packers.has(loser.uid) || loser.invested < config.dumpShare * hand.pot) continue;
      const stats = pair(loser.uid, winner);
      stats.dumps[winner] = (stats.dumps[winner] ?? 0) + 1;
    }
  }
  return { pairs, handsOf };
}

/** Which heuristics a pair trips. */
export function collusionReasons(stats: PairStats, handsOf: Map<string, number>, config: CollusionConfig): CollusionReason[] {
  const reasons: CollusionReason[] = [];
  const fewerHands = Math.min(...stats.uids.map((uid) => handsOf.get(uid) ?? 0));
  if (stats.handsTogether >= config.minSharedHands && fewerHands > 0 && stats.handsTogether / fewerHands >= config.sharedHandsRatio) {
    reasons.push("shared-tables");
  }
  if (stats.sideShows + stats.foldsToPartner >= config.minSoftPlays) reasons.push("soft-play");
  if (Object.values(stats.dumps).some((count) => count >= config.minDumps)) reasons.push("chip-dumping");
  if (stats.handsTogether >= config.minSharedHandsForGifts && stats.giftCoins >= config.minGiftCoins) reasons.push("gifting-partners");
  return reasons;
}

/** Coins either of the two gifted the other since `sinceMs` (the sender's coin entries of gifts naming both). */
async function giftCoinsBetween(uids: [string, string], sinceMs: number): Promise<number> {
  const { Timestamp } = firestoreValues();
  let coins = 0;
  for (const [from, to] of [uids, [uids[1], uids[0]]] as [string, string][]) {
    const gifts = await db()
      .collection(Collections.ledger)
      .where("accounts", "array-contains", userAccount(from))
      .where("type", "==", "gift")
      .where("createdAt", ">=", Timestamp.fromMillis(sinceMs))
      .orderBy("createdAt", "desc")
      .get();
    for (const gift of gifts.docs) {
      if (!(gift.get("accounts") as string[]).includes(userAccount(to))) continue;
      for (const entry of gift.get("entries") as { account: string; currency: string; amount: number }[]) {
        if (entry.account === userAccount(from) && entry.currency === "coins" && entry.amount < 0) coins -= entry.amount;
      }
    }
  }
  return coins;
}

const reviewRef = (stats: PairStats) => db().collection(Collections.reviewQueue).doc(`teenpatti-collusion__${stats.uids[0]}__${stats.uids[1]}`);

/** One open entry per pair; a closed (reviewed) one is archived when the pair is flagged again. */
async function openReview(stats: PairStats, reasons: CollusionReason[], windowHours: number): Promise<boolean> {
  const ref = reviewRef(stats);
  return runTransaction(async (tx) => {
    const existing = await tx.get(ref);
    if (existing.exists && existing.get("status") === "open") return false;
    const now = firestoreValues().FieldValue.serverTimestamp();
    if (existing.exists) tx.create(db().collection(Collections.reviewQueue).doc(), { ...existing.data(), archivedAt: now });
    tx.set(ref, {
      reason: "teenpatti-collusion",
      reasons,
      status: "open",
      source: "games.teenpatti",
      uids: stats.uids,
      metrics: {
        handsTogether: stats.handsTogether,
        sideShows: stats.sideShows,
        foldsToPartner: stats.foldsToPartner,
        dumps: stats.dumps,
        giftCoins: stats.giftCoins,
      },
      windowHours,
      createdAt: now,
    });
    return true;
  });
}

/** The job: reads the window's settled hands, scores the pairs, opens reviews. */
export async function reviewCollusion(now: number): Promise<{ hands: number; pairs: number; flagged: number }> {
  const config = (await teenPattiConfig()).collusion;
  const sinceMs = now - config.windowHours * 3_600_000;
  const snapshot = await db().collection(Collections.gameHands).where("settledAt", ">=", sinceMs).get();
  const hands = snapshot.docs.filter((doc) => doc.get("game") === "teenpatti").map((doc) => ({ ...(doc.data() as SettledHandRecord), id: doc.id }));
  const { pairs, handsOf } = pairStatistics(hands, config);
  let flagged = 0;
  for (const stats of pairs.values()) {
    if (stats.handsTogether >= config.minSharedHandsForGifts) stats.giftCoins = await giftCoinsBetween(stats.uids, sinceMs);
    const reasons = collusionReasons(stats, handsOf, config);
    if (reasons.length && (await openReview(stats, reasons, config.windowHours))) {
      flagged++;
      log.warn("Teen Patti pair flagged for review", { uids: stats.uids, reasons });
    }
  }
  return { hands: hands.length, pairs: pairs.size, flagged };
}
