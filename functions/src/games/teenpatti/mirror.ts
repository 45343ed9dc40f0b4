/**
 * The RTDB side of a table: the public state the apps render (teenPatti/tables/{tableId}) and each
 * player's own cards (teenPatti/cards/{tableId}/{uid}, readable by that player only). Firestore is
 * authoritative; the mirror is written after each committed change, ordered by the table's revision, so
 * a delayed write never replaces newer state. Failures are logged: the next change rewrites it.
 */
import { rtdb } from "../../kernel/app.js";
import { log } from "../../kernel/logger.js";
import { withTimeout } from "../../kernel/timeout.js";
import { TeenPattiPaths } from "../../venues/paths.js";
import type { TableMirror, TeenPattiTable } from "./schema.js";

const RTDB_TIMEOUT_MS = 5_000;

function bounded<T>(what: string, work: Promise<T>): Promise<T> {
  return withTimeout(work, RTDB_TIMEOUT_MS, () => new Error(`${what} timed out after ${RTDB_TIMEOUT_MS} ms`));
}

/** The public view: no cards but those shown at the end of a hand. */
export function mirrorOf(table: TeenPattiTable): TableMirror {
  const seats: Record<string, string> = {};
  table.seats.forEach((uid, seat) => {
    if (uid) seats[String(seat)] = uid;
  });
  const mirror: TableMirror = { rev: table.rev, settings: table.settings, seats, nextCommitment: table.nextCommitment };
  const hand = table.hand;
  if (hand) {
    mirror.hand = {
      handId: hand.id,
      commitment: hand.commitment,
      phase: hand.phase,
      pot: hand.pot,
      stake: hand.stake,
      turnUid: hand.turn === null ? null : (hand.players[hand.turn]?.uid ?? null),
      turnEndsAt: hand.turnEndsAt,
      sideShow: hand.sideShow,
      players: Object.fromEntries(hand.players.map((p) => [p.uid, { seat: p.seat, status: p.status, invested: p.invested }])),
      result: hand.result,
    };
  }
  return mirror;
}

export async function mirrorTable(table: TeenPattiTable): Promise<void> {
  const mirror = mirrorOf(table);
  try {
    await bounded(
      "Teen Patti mirror write",
      rtdb()
        .ref(TeenPattiPaths.table(table.id))
        .transaction(
          (current: { rev?: unknown } | null) => (current && typeof current.rev === "number" && current.rev > mirror.rev ? undefined : mirror),
          undefined,
          false,
        ),
    );
  } catch (err) {
    log.warn("Teen Patti mirror not written; the next change rewrites it", { tableId: table.id, error: String(err) });
  }
}

/** The player's own cards, once seen. */
export async function mirrorCards(tableId: string, uid: string, handId: string, cards: string[]): Promise<void> {
  try {
    await bounded("Teen Patti cards write", rtdb().ref(TeenPattiPaths.cardsOf(tableId, uid)).set({ handId, cards }));
  } catch (err) {
    log.warn("Teen Patti cards not written; the seeCards response carries them", { tableId, uid, error: String(err) });
  }
}

/** After a hand: nobody's cards stay on the table. */
export async function clearCards(tableId: string): Promise<void> {
  try {
    await bounded("Teen Patti cards clear", rtdb().ref(TeenPattiPaths.cards(tableId)).remove());
  } catch (err) {
    log.warn("Teen Patti cards not cleared", { tableId, error: String(err) });
  }
}
