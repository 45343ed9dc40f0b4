/** How players reach Greedy. Rounds, results and payouts are the server's (rounds.ts, jobs.ts, settlement.ts). */
import { defineCallable } from "../../kernel/callable.js";
import { placeGreedyBet as placeBet } from "./bets.js";
import { greedyConfig } from "./config.js";
import { houseDay, listMyGreedyBets as listMyBets, listGreedyRounds as listRounds } from "./history.js";
import { oddsOf } from "./odds.js";
import { startGreedy as start } from "./rounds.js";
import {
  GetGreedyOddsRequestSchema,
  GetHouseDayRequestSchema,
  ListGreedyRoundsRequestSchema,
  ListMyGreedyBetsRequestSchema,
  PlaceGreedyBetRequestSchema,
  StartGreedyRequestSchema,
} from "./schema.js";

/** A bet of one chip on one item of the current round; idempotent by requestId. */
export const placeGreedyBet = defineCallable({
  name: "games.placeGreedyBet",
  input: PlaceGreedyBetRequestSchema,
  verifySession: true,
  rateLimit: { perUid: { tokens: 120, windowSeconds: 60 } },
  handler: ({ caller, data }) => placeBet(caller, data),
});

/** Someone in the room starts its game (a no-op while a round runs). */
export const startGreedy = defineCallable({
  name: "games.startGreedy",
  input: StartGreedyRequestSchema,
  rateLimit: { perUid: { tokens: 20, windowSeconds: 60 } },
  handler: ({ caller, data }) => start(caller.uid, data.roomId),
});

/** The published wheel: each item's multiplier, weight, probability and RTP, the chips and the caps. */
export const getGreedyOdds = defineCallable({
  name: "games.getGreedyOdds",
  input: GetGreedyOddsRequestSchema,
  handler: async () => oddsOf(await greedyConfig()),
});

export const listGreedyRounds = defineCallable({
  name: "games.listGreedyRounds",
  input: ListGreedyRoundsRequestSchema,
  handler: ({ data }) => listRounds(data),
});

export const listMyGreedyBets = defineCallable({
  name: "games.listMyGreedyBets",
  input: ListMyGreedyBetsRequestSchema,
  handler: ({ caller, data }) => listMyBets(caller, data),
});

/** Admins: the house's game result of one UTC day, from the ledger. */
export const getGreedyHouseDay = defineCallable({
  name: "games.getGreedyHouseDay",
  input: GetHouseDayRequestSchema,
  roles: ["admin"],
  handler: ({ data }) => houseDay(data),
});
