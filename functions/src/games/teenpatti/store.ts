/**
 * Where Teen Patti state lives (the layout is in schema.ts) and how it is read back. The table document
 * keeps times as epoch ms: it is read and written whole by every action, and the sweep queries
 * nextActionAt as a number.
 */
import { createHash } from "node:crypto";
import type { DocumentReference, DocumentSnapshot } from "firebase-admin/firestore";
import { db } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import type { TeenPattiTable } from "./schema.js";

export const tableRef = (tableId: string): DocumentReference => db().collection(Collections.teenPattiTables).doc(tableId);
/** The dealer's secrets: { nextServerSeed, handId, serverSeed, cards: { uid: string[] } }. Server only. */
export const dealerRef = (tableId: string): DocumentReference => tableRef(tableId).collection(Collections.teenPattiTablePrivate).doc("dealer");
export const handRef = (handId: string): DocumentReference => db().collection(Collections.gameHands).doc(handId);

/** One table per (creator, requestId): a replayed create finds the same table. */
export function tableIdFor(creatorUid: string, requestId: string): string {
  return `tp_${createHash("sha256").update(`teenpatti\u0000${creatorUid}\u0000${requestId}`).digest("hex").slice(0, 28)}`;
}

/** A hand's id: the table and the hand's number. */
export const handIdFor = (tableId: string, number: number): string => `${tableId}_${number}`;

export function readTable(snapshot: DocumentSnapshot): TeenPattiTable | null {
  return snapshot.exists ? ({ ...(snapshot.data() as TeenPattiTable), id: snapshot.id } as TeenPattiTable) : null;
}

export interface DealerSecrets {
  nextServerSeed: string;
  handId: string | null;
  serverSeed: string | null;
  /** Each player's three cards, by uid. */
  cards: Record<string, string[]>;
}

export function readDealer(snapshot: DocumentSnapshot): DealerSecrets {
  const data = (snapshot.data() ?? {}) as Partial<DealerSecrets>;
  return { nextServerSeed: data.nextServerSeed ?? "", handId: data.handId ?? null, serverSeed: data.serverSeed ?? null, cards: data.cards ?? {} };
}

/** Revisions only grow, even if two instances' clocks disagree by a little. */
export const nextRev = (table: Pick<TeenPattiTable, "rev">, now: number): number => Math.max(now, table.rev + 1);

/** The ledger system owner of the boot and payout postings (keyed by hand). */
export const TEEN_PATTI_LEDGER_OWNER = "teenpatti";
