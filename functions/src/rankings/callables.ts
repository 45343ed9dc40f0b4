/** How the rankings domain is reached by the apps (boards, own rank, closed periods) and by admins (rebuild). */
import { defineCallable } from "../kernel/callable.js";
import { getLeaderboard as readLeaderboard, getMyRank as readMyRank } from "./boards.js";
import { rankingsConfig } from "./config.js";
import { getLeaderboardSnapshot as readSnapshot } from "./history.js";
import { currentPeriods, rebuildPeriods } from "./rebuild.js";
import {
  GetLeaderboardRequestSchema,
  GetMyRankRequestSchema,
  ListLeaderboardSnapshotsRequestSchema,
  RebuildLeaderboardsRequestSchema,
} from "./schema.js";

export const getLeaderboard = defineCallable({
  name: "rankings.leaderboard",
  input: GetLeaderboardRequestSchema,
  handler: ({ caller, data }) => readLeaderboard(caller, data),
});

export const getMyRank = defineCallable({
  name: "rankings.myRank",
  input: GetMyRankRequestSchema,
  handler: ({ caller, data }) => readMyRank(caller, data),
});

export const getLeaderboardSnapshot = defineCallable({
  name: "rankings.snapshot",
  input: ListLeaderboardSnapshotsRequestSchema,
  handler: ({ data }) => readSnapshot(data),
});

/** Restores the current periods from the ledger after Redis lost them (admins). */
export const rebuildLeaderboards = defineCallable({
  name: "rankings.rebuild",
  input: RebuildLeaderboardsRequestSchema,
  roles: ["admin"],
  rateLimit: { perUid: { tokens: 2, windowSeconds: 600 } },
  options: { timeoutSeconds: 540, memory: "512MiB" },
  handler: async ({ data }) => rebuildPeriods(currentPeriods(Date.now(), data.includeAllTime), (await rankingsConfig()).keyGraceDays),
});
