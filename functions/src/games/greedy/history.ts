/**
 * Greedy history: a room's finished rounds (public: result, revealed seeds, totals), a player's own
 * rounds (stakes by item, result, payout, net), both newest first with opaque cursors, and the house's
 * result of one UTC day summed from the ledger.
 */
import * as z from "zod";
import { db, firestoreValues } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import { fail } from "../../kernel/errors.js";
import type { Caller } from "../../kernel/guards.js";
import { SYSTEM_ACCOUNTS } from "../../wallet/accounts.js";
import type {
  GetHouseDayRequest,
  GreedyRound,
  HouseDay,
  ListGreedyRoundsRequest,
  ListGreedyRoundsResponse,
  ListMyGreedyBetsRequest,
  ListMyGreedyBetsResponse,
  MyGreedyRound,
} from "./schema.js";
import { readRound, readStake, roundRef } from "./store.js";

const RoundsCursorSchema = z.object({ v: z.literal(1), seq: z.number().int().min(0) }).strict();
const BetsCursorSchema = z.object({ v: z.literal(1), at: z.number().int(), r: z.string().min(1).max(128) }).strict();

function encode(cursor: object): string {
  return Buffer.from(JSON.stringify({ v: 1, ...cursor })).toString("base64url");
}

function decode<S extends z.ZodType>(schema: S, raw: string, callable: string): z.output<S> {
  try {
    return schema.parse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
  } catch {
    return fail("invalid-argument", `Invalid request: cursor: not a cursor returned by ${callable}`);
  }
}

export async function listGreedyRounds(request: ListGreedyRoundsRequest): Promise<ListGreedyRoundsResponse> {
  let query = db()
    .collection(Collections.gameRounds)
    .where("roomId", "==", request.roomId)
    .where("game", "==", "greedy")
    .where("phase", "==", "finished")
    .orderBy("seq", "desc");
  if (request.cursor) query = query.startAfter(decode(RoundsCursorSchema, request.cursor, "listGreedyRounds").seq);
  const snapshot = await query.limit(request.limit + 1).get();
  const page = snapshot.docs
    .slice(0, request.limit)
    .map((doc) => ({ round: readRound(doc) as GreedyRound, finishedAt: Number(doc.get("finishedAt") ?? 0) }));
  const last = page.at(-1);
  return {
    rounds: page.map(({ round, finishedAt }) => ({
      roundId: round.id,
      roomId: round.roomId,
      seq: round.seq,
      winningItemId: round.winningItemId,
      totals: round.totals,
      participants: round.participants,
      fairness: round.fairness,
      weights: round.weights,
      winningIndex: round.winningIndex,
      finishedAt,
    })),
    nextCursor: snapshot.docs.length > request.limit && last ? encode({ seq: last.round.seq }) : null,
  };
}

export async function listMyGreedyBets(caller: Caller, request: ListMyGreedyBetsRequest): Promise<ListMyGreedyBetsResponse> {
  let query = db().collectionGroup(Collections.greedyStakes).where("uid", "==", caller.uid).orderBy("placedAt", "desc").orderBy("roundId", "desc");
  if (request.cursor) {
    const cursor = decode(BetsCursorSchema, request.cursor, "listMyGreedyBets");
    query = query.startAfter(cursor.at, cursor.r);
  }
  const snapshot = await query.limit(request.limit + 1).get();
  const stakes = snapshot.docs
    .slice(0, request.limit)
    .map((doc) => readStake(doc))
    .filter((stake) => stake !== null);
  const rounds = stakes.length ? await db().getAll(...stakes.map((stake) => roundRef(stake.roundId))) : [];
  const items: MyGreedyRound[] = stakes.map((stake, index) => {
    const round = readRound(rounds[index] as FirebaseFirestore.DocumentSnapshot);
    const winner = round && round.winningIndex !== null ? round.items[round.winningIndex] : undefined;
    const payout = winner ? (stake.byItem[winner.id] ?? 0) * winner.multiplier : null;
    return {
      roundId: stake.roundId,
      roomId: stake.roomId,
      byItem: stake.byItem,
      staked: stake.total,
      winningItemId: winner?.id ?? null,
      payout,
      net: payout === null ? null : payout - stake.total,
      placedAt: stake.placedAt,
    };
  });
  const last = stakes.at(-1);
  return { items, nextCursor: snapshot.docs.length > request.limit && last ? encode({ at: last.placedAt, r: last.roundId }) : null };
}

const HOUSE_PAGE = 500;

/** The house's game result of one UTC day: Σ of its entries in that day's ledger transactions. */
export async function houseDay(request: GetHouseDayRequest): Promise<HouseDay> {
  const start = Date.parse(`${request.day}T00:00:00.000Z`);
  if (Number.isNaN(start)) fail("invalid-argument", "Invalid request: day: not a calendar day");
  const { Timestamp } = firestoreValues();
  const day: HouseDay = { day: request.day, net: 0, credits: 0, debits: 0, transactions: 0 };
  let query = db()
    .collection(Collections.ledger)
    .where("accounts", "array-contains", SYSTEM_ACCOUNTS.house)
    .where("createdAt", ">=", Timestamp.fromMillis(start))
    .where("createdAt", "<", Timestamp.fromMillis(start + 86_400_000))
    .orderBy("createdAt", "desc")
    .limit(HOUSE_PAGE);
  for (;;) {
    const page = await query.get();
    for (const doc of page.docs) {
      if (!String(doc.get("type")).startsWith("game.")) continue;
      day.transactions++;
      for (const entry of (doc.get("entries") ?? []) as { account: string; currency: string; amount: number }[]) {
        if (entry.account !== SYSTEM_ACCOUNTS.house || entry.currency !== "coins") continue;
        day.net += entry.amount;
        if (entry.amount > 0) day.credits += entry.amount;
        else day.debits -= entry.amount;
      }
    }
    const last = page.docs.at(-1);
    if (page.size < HOUSE_PAGE || !last) return day;
    query = query.startAfter(last);
  }
}
