/**
 * Reading boards: a page of a board (getLeaderboard) and the caller's own rank (getMyRank). Stored
 * scopes are one ZRANGE / ZRANK on their sorted set; the friends scope is computed at read time from the
 * global board: the scores of the caller and their mutual follows (ZMSCORE), ordered like a stored board.
 */
import { db } from "../kernel/app.js";
import { Collections, userRef } from "../kernel/collections.js";
import { fail, refuse } from "../kernel/errors.js";
import type { Caller } from "../kernel/guards.js";
import { redis } from "../kernel/redis.js";
import { followingRef } from "../social/store.js";
import { profileScopesOf } from "./contributions.js";
import { periodAt, periodOfKey } from "./periods.js";
import {
  type Board,
  type GetLeaderboardRequest,
  type GetMyRankRequest,
  isUserBoard,
  type LeaderboardEntry,
  type LeaderboardResponse,
  type MyRankResponse,
  type Period,
  type RankingsRefusal,
  type Scope,
  type StoredScope,
} from "./schema.js";
import { boardKey } from "./store.js";

/** Pages go this deep into a board (10 pages of 100). */
export const MAX_DEPTH = 1_000;
/** The friends scope considers this many of the caller's most recent follows. */
export const FRIENDS_CONSIDERED = 500;

/** Scopes each board is kept in: rooms and agencies are not people, so only global. */
export function scopesOfBoard(board: Board): Scope[] {
  return isUserBoard(board) ? ["global", "country", "agency", "friends"] : ["global"];
}

export interface RankedMember {
  member: string;
  score: number;
}

/** Best first: higher score, then the smaller member id (the stored boards' order, see store.ts). */
export function compareRanked(a: RankedMember, b: RankedMember): number {
  if (a.score !== b.score) return b.score - a.score;
  return a.member < b.member ? -1 : a.member > b.member ? 1 : 0;
}

export function encodeOffsetCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString("base64url");
}

export function decodeOffsetCursor(raw: string): number {
  try {
    const { o } = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as { o?: unknown };
    if (typeof o === "number" && Number.isInteger(o) && o > 0 && o < MAX_DEPTH) return o;
  } catch {
    // fall through
  }
  return fail("invalid-argument", "Invalid request: cursor: malformed cursor", {
    issues: [{ path: "cursor", message: "malformed cursor", code: "custom" }],
  });
}

function requireRedis() {
  const client = redis();
  if (!client) fail("unavailable", "Leaderboards are unavailable right now.");
  return client;
}

interface ResolvedBoard {
  board: Board;
  period: Period;
  periodKey: string;
  scope: Scope;
  scopeId: string | null;
}

/** The period key (current by default) and the scope id (the caller's own country or agency by default). */
async function resolveBoard(
  caller: Caller,
  request: Pick<GetLeaderboardRequest, "board" | "period" | "periodKey" | "scope" | "scopeId">,
): Promise<ResolvedBoard> {
  const { board, period, scope } = request;
  if (!scopesOfBoard(board).includes(scope)) {
    refuse<RankingsRefusal>("invalid-argument", "scope-not-supported", `The ${board} board has no ${scope} scope.`, { scopes: scopesOfBoard(board) });
  }
  if (request.periodKey && !periodOfKey(period, request.periodKey)) {
    fail("invalid-argument", `Invalid request: periodKey: not a ${period} period key`, {
      issues: [{ path: "periodKey", message: `not a ${period} period key`, code: "custom" }],
    });
  }
  const periodKey = request.periodKey ?? periodAt(period, Date.now()).key;
  if (scope === "global" || scope === "friends") {
    if (request.scopeId)
      fail("invalid-argument", "Invalid request: scopeId: only the country and agency scopes take a scopeId", {
        issues: [{ path: "scopeId", message: "not expected", code: "custom" }],
      });
    return { board, period, periodKey, scope, scopeId: null };
  }
  if (scope === "country" && request.scopeId && !/^[A-Z]{2}$/.test(request.scopeId)) {
    fail("invalid-argument", "Invalid request: scopeId: a country is an ISO 3166-1 alpha-2 code (e.g. BR)", {
      issues: [{ path: "scopeId", message: "not a country code", code: "custom" }],
    });
  }
  let scopeId = request.scopeId ?? null;
  if (!scopeId) {
    const own = profileScopesOf((await userRef(caller.uid).get()).data());
    scopeId = scope === "country" ? own.country : own.agencyId;
    if (!scopeId) refuse<RankingsRefusal>("failed-precondition", "no-scope", `You have no ${scope}: name one with scopeId.`);
  }
  return { board, period, periodKey, scope, scopeId };
}

/** [member, score, member, score, ...] with stored (negated) scores → members and scores. */
function rankedOf(flat: unknown[]): RankedMember[] {
  const ranked: RankedMember[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) ranked.push({ member: String(flat[i]), score: -Number(flat[i + 1]) });
  return ranked;
}

/** The caller and their mutual follows (among their FRIENDS_CONSIDERED latest follows). */
export async function friendsOf(uid: string): Promise<string[]> {
  const following = await userRef(uid).collection(Collections.following).orderBy("createdAt", "desc").limit(FRIENDS_CONSIDERED).get();
  const candidates = following.docs.map((d) => d.id).filter((id) => id !== uid);
  if (!candidates.length) return [uid];
  const reverse = await db().getAll(...candidates.map((id) => followingRef(id, uid)));
  return [uid, ...candidates.filter((_, i) => reverse[i]?.exists)];
}

/** The friends board: every scored member among the caller's friends, best first. */
async function friendsBoard(uid: string, resolved: ResolvedBoard): Promise<RankedMember[]> {
  const members = await friendsOf(uid);
  const scores = await requireRedis().zmscore(boardKey(resolved.periodKey, resolved.board, "global", null), members);
  const ranked: RankedMember[] = [];
  members.forEach((member, i) => {
    const stored = scores?.[i];
    if (stored !== null && stored !== undefined) ranked.push({ member, score: -Number(stored) });
  });
  return ranked.sort(compareRanked);
}

/** Names and avatars: users for people's boards, rooms and agencies for theirs. */
export async function withNames(board: Board, ranked: RankedMember[], firstRank: number): Promise<LeaderboardEntry[]> {
  if (!ranked.length) return [];
  const collection = board === "rooms" ? Collections.rooms : board === "agencies" ? Collections.agencies : Collections.users;
  const snaps = await db().getAll(...ranked.map((r) => db().collection(collection).doc(r.member)));
  return ranked.map((r, i) => {
    const data = snaps[i]?.data();
    const name = isUserBoard(board) ? data?.displayName : data?.name;
    return {
      rank: firstRank + i,
      member: r.member,
      score: r.score,
      name: typeof name === "string" ? name : null,
      avatarPath: typeof data?.avatarPath === "string" ? data.avatarPath : typeof data?.logoPath === "string" ? data.logoPath : null,
    };
  });
}

export async function getLeaderboard(caller: Caller, request: GetLeaderboardRequest): Promise<LeaderboardResponse> {
  const resolved = await resolveBoard(caller, request);
  const offset = request.cursor ? decodeOffsetCursor(request.cursor) : 0;
  const limit = Math.min(request.limit, MAX_DEPTH - offset);
  let page: RankedMember[];
  let more: boolean;
  if (resolved.scope === "friends") {
    const all = await friendsBoard(caller.uid, resolved);
    page = all.slice(offset, offset + limit);
    more = all.length > offset + limit;
  } else {
    // One more than the page: whether there is a next page.
    const key = boardKey(resolved.periodKey, resolved.board, resolved.scope as StoredScope, resolved.scopeId);
    const flat = await requireRedis().zrange<unknown[]>(key, offset, offset + limit, { withScores: true });
    const ranked = rankedOf(flat);
    page = ranked.slice(0, limit);
    more = ranked.length > limit;
  }
  const next = offset + limit;
  return {
    ...resolved,
    entries: await withNames(resolved.board, page, offset + 1),
    nextCursor: more && next < MAX_DEPTH ? encodeOffsetCursor(next) : null,
  };
}

export async function getMyRank(caller: Caller, request: GetMyRankRequest): Promise<MyRankResponse> {
  const resolved = await resolveBoard(caller, request);
  const base = { ...resolved, board: request.board };
  if (resolved.scope === "friends") {
    const all = await friendsBoard(caller.uid, resolved);
    const index = all.findIndex((r) => r.member === caller.uid);
    return { ...base, rank: index < 0 ? null : index + 1, score: index < 0 ? null : (all[index] as RankedMember).score };
  }
  const key = boardKey(resolved.periodKey, resolved.board, resolved.scope as StoredScope, resolved.scopeId);
  const client = requireRedis();
  const [rank, stored] = await Promise.all([client.zrank(key, caller.uid), client.zscore(key, caller.uid)]);
  if (rank === null || rank === undefined || stored === null || stored === undefined) return { ...base, rank: null, score: null };
  return { ...base, rank: Number(rank) + 1, score: -Number(stored) };
}
