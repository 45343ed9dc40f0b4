/**
 * Greedy settlement benchmark: one round with BENCH_BETS bets (default 1,000, one per player, spread
 * over the eight items), settled by the real settlement, on Google's Firestore emulator.
 *
 * A settlement that commits once per bet (a payout or a forfeit record each) needs BENCH_BETS commits;
 * this one posts the house's share once and pays up to PAYOUT_BATCH winners per ledger transaction, then
 * writes the round's marker. Prints both commit counts and their ratio (target ≤ 5 %), then settles
 * again, concurrently, to show nothing more is committed, and checks conservation: the round's escrow
 * entries sum to zero, every currency balances over the ledger, and each player's wallet equals its
 * ledger entries and its stake and payout. Exits non-zero if a check fails.
 *
 * Then the exposure cap under contention: BENCH_HOT_BETS bets on one item of a fresh round, placed by the
 * real bet (the item's worst case reserved on one of EXPOSURE_SHARDS shards) and by a naive variant that keeps the item's
 * reserved total in one document every bet reads and rewrites; prints bets/s of both.
 *
 * What runs is the bet's ledger transaction (postGreedyBet, without the room-presence check and the live
 * RTDB totals: no RTDB here), the round's transitions without their mirror and timer, and the settlement.
 *
 *   npm run bench:games          (or: npx tsx functions/bench/games.ts; BENCH_BETS=2000 for more)
 */
import assert from "node:assert/strict";
import { cpus, loadavg } from "node:os";
import { startFirestore } from "../../devstack/src/firestore.js";
import { ensureFirestoreJar, ensureJava } from "../../devstack/src/system.js";
import { postGreedyBet } from "../src/games/greedy/bets.js";
import { EXPOSURE_SHARDS } from "../src/games/greedy/config.js";
import { openGreedyRound, transitionGreedyRound } from "../src/games/greedy/rounds.js";
import type { GreedyRound } from "../src/games/greedy/schema.js";
import { PAYOUT_BATCH, settleGreedyRound } from "../src/games/greedy/settlement.js";
import { exposureRef, readRound, roundRef, stakeRef } from "../src/games/greedy/store.js";
import { db } from "../src/kernel/app.js";
import { Collections } from "../src/kernel/collections.js";
import { fail } from "../src/kernel/errors.js";
import { SYSTEM_ACCOUNTS, userAccount } from "../src/wallet/accounts.js";
import { postLedgerTransaction, readBalances } from "../src/wallet/ledger.js";

const PROJECT = "demo-bench";
const BETS = envInt("BENCH_BETS", 1_000);
const CONCURRENCY = envInt("BENCH_CONCURRENCY", 25);
const CHIP = 100;
const COINS = 1_000;
const ROOM = "bench-room";
const ITEMS = ["carrot", "corn", "tomato", "cabbage", "fish", "shrimp", "chicken", "steak"];
const TARGET_RATIO = 0.05;
const HOT_BETS = envInt("BENCH_HOT_BETS", 150);
/** The single-document variant is slow enough that fewer bets measure it inside one betting window. */
const NAIVE_HOT_BETS = envInt("BENCH_NAIVE_HOT_BETS", 40);
const HOT_ITEM = "steak";

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

/** Committed transactions, counted around db().runTransaction (a transaction that throws commits nothing). */
let commits = 0;
function countCommits(): void {
  const firestore = db();
  const run = firestore.runTransaction.bind(firestore);
  firestore.runTransaction = (async (work: Parameters<typeof run>[0], options?: Parameters<typeof run>[1]) => {
    const result = await run(work, options);
    commits++;
    return result;
  }) as typeof firestore.runTransaction;
}

async function pool(count: number, limit: number, job: (n: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await job(next++);
    }),
  );
}

const player = (n: number) => `bench-player-${n}`;

async function roundOf(roundId: string): Promise<GreedyRound> {
  return readRound(await roundRef(roundId).get()) as GreedyRound;
}

/** The design not taken: the item's reserved worst case in one document, read and rewritten by every bet on it. */
async function naiveBet(roundId: string, uid: string, requestId: string): Promise<void> {
  const chip = 10;
  const totalRef = exposureRef(roundId, HOT_ITEM, -1);
  await postLedgerTransaction({ type: "game.bet", owner: uid, key: requestId, payload: { roundId } }, async (ctx) => {
    const round = readRound(await ctx.get(roundRef(roundId))) as GreedyRound;
    if (round.phase !== "betting" || Date.now() >= round.bettingEndsAt) fail("failed-precondition", "betting closed");
    const multiplier = round.items.find((item) => item.id === HOT_ITEM)?.multiplier ?? 0;
    const stake = await ctx.get(stakeRef(roundId, uid));
    const reserved = Number((await ctx.get(totalRef)).get("reserved") ?? 0);
    if (reserved + chip * multiplier > round.exposureCapPerItem) fail("failed-precondition", "exposure cap");
    const total = Number(stake.get("total") ?? 0) + chip;
    return {
      entries: [
        { account: userAccount(uid), currency: "coins", amount: -chip },
        { account: SYSTEM_ACCOUNTS.gameEscrow, currency: "coins", amount: chip },
      ],
      meta: { game: "greedy", roundId, itemId: HOT_ITEM, chip },
      result: null,
      writes: (tx) => {
        tx.set(stakeRef(roundId, uid), { uid, roundId, roomId: ROOM, byItem: { [HOT_ITEM]: total }, total, placedAt: Date.now() });
        tx.set(totalRef, { itemId: HOT_ITEM, reserved: reserved + chip * multiplier, stakes: 0 });
      },
    };
  });
}

async function main() {
  const say = (line: string) => console.log(line);
  const java = ensureJava(say);
  const jar = ensureFirestoreJar(say);
  const firestore = await startFirestore({ java: java.bin, jar });
  Object.assign(process.env, { FIRESTORE_EMULATOR_HOST: firestore.emulatorHost, GCLOUD_PROJECT: PROJECT, GOOGLE_CLOUD_PROJECT: PROJECT });
  try {
    console.log(
      `games benchmark: ${BETS} Greedy bets in one round, Firestore emulator ${firestore.emulatorHost}, ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}`,
    );
    await pool(BETS, CONCURRENCY, (n) =>
      postLedgerTransaction({ type: "admin.grant", owner: "bench", key: `grant-${n}` }, async () => ({
        entries: [
          { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -COINS },
          { account: userAccount(player(n)), currency: "coins", amount: COINS },
        ],
        result: null,
      })),
    );
    // A long betting window: the bets must land inside it by server time.
    await db()
      .collection(Collections.config)
      .doc("games")
      .set({ greedy: { bettingSeconds: 60 } });
    const { round } = await openGreedyRound(ROOM);
    const started = Date.now();
    await pool(BETS, CONCURRENCY, (n) =>
      postGreedyBet(player(n), { roomId: ROOM, roundId: round.id, itemId: ITEMS[n % ITEMS.length] as string, chip: CHIP, requestId: `bet-${n}` }),
    );
    console.log(`  ${BETS} bets placed in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    await transitionGreedyRound(round.id, round.bettingEndsAt, { occupied: false });
    await transitionGreedyRound(round.id, (await roundOf(round.id)).spinEndsAt, { occupied: false });
    const decided = await roundOf(round.id);

    commits = 0;
    countCommits();
    const settled = await settleGreedyRound(round.id);
    const batched = commits;
    assert.equal(settled.status, "settled");
    assert.equal(batched, settled.commits, "the settlement's own count agrees with the transactions committed");

    commits = 0;
    const again = await Promise.all(Array.from({ length: 5 }, () => settleGreedyRound(round.id)));
    assert.ok(
      again.every((outcome) => outcome.status === "already-settled"),
      "settling again changes nothing",
    );

    const ratio = batched / BETS;
    const settlement = settled.settlement;
    console.log(
      `  winning item ${decided.winningItemId} (×${decided.items[decided.winningIndex as number]?.multiplier}): ${settlement?.winners} winners paid ${settlement?.payouts} coins, house ${settlement?.house}`,
    );
    console.log(`  one commit per bet:  ${BETS} commits`);
    console.log(
      `  batched settlement:  ${batched} commits (${settlement?.batches} payout batches of up to ${PAYOUT_BATCH}, the house's share, the marker)`,
    );
    console.log(`  ratio:               ${(ratio * 100).toFixed(2)} % (target ≤ ${TARGET_RATIO * 100} %)`);
    assert.ok(ratio <= TARGET_RATIO, `settlement took ${batched} commits for ${BETS} bets`);

    // Conservation: the round's escrow is empty, the ledger balances, every player holds what it should.
    let escrow = 0;
    let coins = 0;
    for (const doc of (await db().collection(Collections.ledger).get()).docs) {
      for (const entry of doc.get("entries") as { account: string; currency: string; amount: number }[]) {
        if (entry.currency === "coins") coins += entry.amount;
        if (entry.account === SYSTEM_ACCOUNTS.gameEscrow && doc.get("meta.roundId") === round.id) escrow += entry.amount;
      }
    }
    assert.equal(escrow, 0, "the round's escrow entries sum to zero");
    assert.equal(coins, 0, "coins balance over the ledger");
    const winner = decided.items[decided.winningIndex as number];
    await pool(BETS, CONCURRENCY, async (n) => {
      const won = ITEMS[n % ITEMS.length] === winner?.id ? CHIP * (winner?.multiplier ?? 0) : 0;
      assert.equal((await readBalances(userAccount(player(n)))).coins, COINS - CHIP + won, `${player(n)}'s wallet`);
    });
    console.log("  conservation ok: the round's escrow sums to zero, the ledger balances, every wallet is exact");

    await transitionGreedyRound(round.id, (await roundOf(round.id)).resultEndsAt, { occupied: false });
    const hot = async (label: string, bets: number, place: (roundId: string, n: number) => Promise<unknown>) => {
      const { round: hotRound } = await openGreedyRound(ROOM);
      const began = Date.now();
      await pool(bets, CONCURRENCY, (n) => place(hotRound.id, n));
      const seconds = (Date.now() - began) / 1000;
      console.log(`  ${label.padEnd(52)} ${bets} bets in ${seconds.toFixed(1)} s = ${(bets / seconds).toFixed(1)} bets/s`);
      await transitionGreedyRound(hotRound.id, hotRound.bettingEndsAt, { occupied: false });
      await transitionGreedyRound(hotRound.id, (await roundOf(hotRound.id)).spinEndsAt, { occupied: false });
      await settleGreedyRound(hotRound.id);
      await transitionGreedyRound(hotRound.id, (await roundOf(hotRound.id)).resultEndsAt, { occupied: false });
      return bets / seconds;
    };
    const sharded = await hot(`one item, ${EXPOSURE_SHARDS} exposure shards (placeGreedyBet)`, HOT_BETS, (roundId, n) =>
      postGreedyBet(player(n), { roomId: ROOM, roundId, itemId: HOT_ITEM, chip: 10, requestId: `hot-sharded-${n}` }),
    );
    const single = await hot("one item, one exposure document (naive)", NAIVE_HOT_BETS, (roundId, n) =>
      naiveBet(roundId, player(n), `hot-naive-${n}`),
    );
    console.log(`  sharded ÷ single document: ${(sharded / single).toFixed(2)}x`);
  } finally {
    await firestore.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
