/**
 * The RTDB mirror of a battle at streams/{streamId}/state/pk, one per side, for the apps to render the PK
 * bar without reading Firestore. Firestore (pkBattles) is authoritative; the mirror is written after each
 * committed transition, so a failed write is logged and the next transition rewrites it. Writes are
 * ordered by the battle's revision: a delayed write never replaces newer state, and the live scores that
 * gifts increment in between are kept.
 */
import { rtdb } from "../../kernel/app.js";
import { log } from "../../kernel/logger.js";
import { VenuePaths } from "../../venues/paths.js";
import type { PkBattle, PkMirror, PkSide } from "./schema.js";
import { opponentOf, sidesOf } from "./store.js";

const RTDB_TIMEOUT_MS = 5_000;

export const pkMirrorPath = (streamId: string): string => `${VenuePaths.streamState(streamId)}/pk`;

/** Bounded in time: the RTDB client queues writes forever while it cannot reach the server. */
async function withTimeout<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${RTDB_TIMEOUT_MS} ms`)), RTDB_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function mirrorFor(battle: PkBattle, side: PkSide): PkMirror {
  const opponent = opponentOf(battle, side.streamId);
  const mirror: PkMirror = {
    battleId: battle.id,
    rev: battle.rev,
    status: battle.status,
    phase: battle.phase,
    role: side.streamId === battle.challenger.streamId ? "challenger" : "challenged",
    opponentStreamId: opponent.streamId,
    opponentHostUid: opponent.hostUid,
  };
  if (battle.status === "pending") mirror.expiresAt = battle.expiresAt;
  if (battle.startedAt !== null) mirror.startedAt = battle.startedAt;
  if (battle.endsAt !== null) mirror.endsAt = battle.endsAt;
  if (battle.punishmentEndsAt !== null) mirror.punishmentEndsAt = battle.punishmentEndsAt;
  if (battle.result) {
    mirror.scores = battle.result.scores;
    mirror.result = {
      winnerStreamId: battle.result.winnerStreamId,
      draw: battle.result.draw,
      reason: battle.result.reason,
      scores: battle.result.scores,
    };
  }
  return mirror;
}

async function writeMirror(streamId: string, mirror: PkMirror): Promise<void> {
  await withTimeout(
    "PK mirror write",
    rtdb()
      .ref(pkMirrorPath(streamId))
      .transaction(
        (current: (Partial<PkMirror> & Record<string, unknown>) | null) => {
          if (current && typeof current.rev === "number" && current.rev > mirror.rev) return undefined;
          // Live scores were incremented gift by gift; keep them until the result brings the authoritative ones.
          const liveScores = current?.battleId === mirror.battleId && !mirror.scores ? current.scores : undefined;
          return liveScores ? { ...mirror, scores: liveScores } : mirror;
        },
        undefined,
        false,
      ),
  );
}

/** Mirrors the battle to the given sides (by default both); failures are logged, never thrown. */
export async function mirrorBattle(battle: PkBattle, streamIds?: string[]): Promise<void> {
  const sides = sidesOf(battle).filter((side) => !streamIds || streamIds.includes(side.streamId));
  await Promise.all(
    sides.map(async (side) => {
      try {
        await writeMirror(side.streamId, mirrorFor(battle, side));
      } catch (err) {
        log.warn("PK mirror not written; the next transition rewrites it", { battleId: battle.id, streamId: side.streamId, error: String(err) });
      }
    }),
  );
}

/** Adds a gift's value to one side's live score, as both streams display it. */
export async function incrementLiveScore(battle: PkBattle, scoringStreamId: string, coins: number): Promise<void> {
  const { ServerValue } = require("firebase-admin/database") as typeof import("firebase-admin/database");
  const updates: Record<string, unknown> = {};
  for (const side of sidesOf(battle)) updates[`${pkMirrorPath(side.streamId)}/scores/${scoringStreamId}`] = ServerValue.increment(coins);
  await withTimeout("PK live score increment", rtdb().ref().update(updates));
}
