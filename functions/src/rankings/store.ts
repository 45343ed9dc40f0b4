/**
 * Where boards live. Redis (a cache, rebuilt from the ledger by rebuild.ts), one hash tag per period so a
 * transaction's update of a period is one script on one slot:
 *   rk:{p:PERIODKEY}:BOARD:global            ZSET member → −score (see below)
 *   rk:{p:PERIODKEY}:BOARD:country:CC        ZSET, the members whose country was CC when they scored
 *   rk:{p:PERIODKEY}:BOARD:agency:AGENCYID   ZSET, the members of that agency when they scored
 *   rk:{p:PERIODKEY}:index:BOARD:SCOPE       SET  the country or agency ids with a board this period (the close reads it)
 *   rk:{p:PERIODKEY}:seen                    SET  ledger transaction ids already counted in the period
 *   rk:{p:all}:seen:YYYY-MM-DD               SET  the same for all-time, one set per day of createdAt (expires)
 * Scores are stored negated, so ZRANGE in ascending order reads the board best first and, Redis ordering
 * equal scores by member, ties go to the smaller member id (byte order): deterministic, and the same rank
 * whoever reads it. Period keys expire `keyGraceDays` after the period ends; all-time boards do not expire.
 *
 * Firestore: leaderboardSnapshots/{board}_{periodKey}_{scopeKey} with entries/ and rewards/ (schema.ts).
 */
import type { DocumentReference } from "firebase-admin/firestore";
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";
import type { Board, StoredScope } from "./schema.js";

export const periodTag = (periodKey: string): string => `rk:{p:${periodKey}}`;

export function boardKey(periodKey: string, board: Board, scope: StoredScope, scopeId: string | null): string {
  return scope === "global" ? `${periodTag(periodKey)}:${board}:global` : `${periodTag(periodKey)}:${board}:${scope}:${scopeId}`;
}

export const scopeIndexKey = (periodKey: string, board: Board, scope: Exclude<StoredScope, "global">): string =>
  `${periodTag(periodKey)}:index:${board}:${scope}`;

/** The dedupe set of a period; all-time keeps one per day of the transaction (`dayKey`), each expiring. */
export const seenKey = (periodKey: string, dayKey: string): string =>
  periodKey === "all" ? `${periodTag(periodKey)}:seen:${dayKey}` : `${periodTag(periodKey)}:seen`;

/** Every key of a period matches this (the rebuild deletes them before replaying the ledger). */
export const periodKeyPattern = (periodKey: string): string => `${periodTag(periodKey)}:*`;

/** The scope part of a snapshot id: global, country-BR, agency-ag1. */
export const scopeKeyOf = (scope: StoredScope, scopeId: string | null): string => (scope === "global" ? "global" : `${scope}-${scopeId}`);

export const snapshotId = (board: Board, periodKey: string, scope: StoredScope, scopeId: string | null): string =>
  `${board}_${periodKey}_${scopeKeyOf(scope, scopeId)}`;

export const snapshotRef = (id: string): DocumentReference => db().collection(Collections.leaderboardSnapshots).doc(id);

/** Ranks as document ids that sort: 001, 002, … */
export const rankDocId = (rank: number): string => String(rank).padStart(3, "0");

export const snapshotEntryRef = (id: string, rank: number): DocumentReference =>
  snapshotRef(id).collection(Collections.leaderboardEntries).doc(rankDocId(rank));

export const snapshotRewardRef = (id: string, rank: number): DocumentReference =>
  snapshotRef(id).collection(Collections.leaderboardRewards).doc(rankDocId(rank));
