/** Closed periods, browsable later: a page of a snapshot's entries (snapshots are kept, Redis keys expire). */

import { Collections } from "../kernel/collections.js";
import { fail } from "../kernel/errors.js";
import { decodeOffsetCursor, encodeOffsetCursor, withNames } from "./boards.js";
import { periodOfKey } from "./periods.js";
import type { LeaderboardSnapshotResponse, ListLeaderboardSnapshotsRequest } from "./schema.js";
import { snapshotId, snapshotRef } from "./store.js";

export async function getLeaderboardSnapshot(request: ListLeaderboardSnapshotsRequest): Promise<LeaderboardSnapshotResponse> {
  if (!periodOfKey(request.period, request.periodKey)) {
    fail("invalid-argument", `Invalid request: periodKey: not a ${request.period} period key`, {
      issues: [{ path: "periodKey", message: "wrong period key", code: "custom" }],
    });
  }
  if ((request.scope === "global") !== (request.scopeId === undefined)) {
    fail("invalid-argument", "Invalid request: scopeId: required for the country and agency scopes, and only for them", {
      issues: [{ path: "scopeId", message: "required exactly for country and agency", code: "custom" }],
    });
  }
  const id = snapshotId(request.board, request.periodKey, request.scope, request.scopeId ?? null);
  const header = await snapshotRef(id).get();
  if (!header.exists) fail("not-found", "This period has no snapshot (not closed yet, or nothing was ranked).");
  const offset = request.cursor ? decodeOffsetCursor(request.cursor) : 0;
  const page = await snapshotRef(id)
    .collection(Collections.leaderboardEntries)
    .where("rank", ">", offset)
    .orderBy("rank")
    .limit(request.limit + 1)
    .get();
  const ranked = page.docs.slice(0, request.limit).map((d) => ({ member: String(d.get("member")), score: Number(d.get("score")) }));
  return {
    snapshotId: id,
    closed: header.get("status") === "paid",
    entries: await withNames(request.board, ranked, offset + 1),
    nextCursor: page.size > request.limit ? encodeOffsetCursor(offset + request.limit) : null,
  };
}
