/**
 * Players' client seeds: each player may set their own; a round's client seed combines the seeds of its
 * participants when betting closes (at the deal), so the server, which committed to its seed before,
 * cannot steer the outcome. A player who never set one counts with their uid as the seed.
 */
import type { Transaction } from "firebase-admin/firestore";
import { db, firestoreValues } from "../../kernel/app.js";
import type { Caller } from "../../kernel/guards.js";
import { combineClientSeeds } from "./fairness.js";
import type { SetGameClientSeedRequest, SetGameClientSeedResponse } from "./schema.js";
import { gamePlayerRef } from "./store.js";

export async function setGameClientSeed(caller: Caller, request: SetGameClientSeedRequest): Promise<SetGameClientSeedResponse> {
  const { FieldValue } = firestoreValues();
  await gamePlayerRef(caller.uid).set({ clientSeed: request.clientSeed, clientSeedUpdatedAt: FieldValue.serverTimestamp() }, { merge: true });
  return { clientSeed: request.clientSeed };
}

/** Each player's client seed, in the order of `uids` (their uid when they set none); read inside `tx` when given. */
export async function clientSeedsOf(uids: readonly string[], tx?: Transaction): Promise<string[]> {
  if (uids.length === 0) return [];
  const refs = uids.map(gamePlayerRef);
  const snapshots = tx ? await tx.getAll(...refs) : await db().getAll(...refs);
  return snapshots.map((snapshot, i) => {
    const seed = snapshot.get("clientSeed");
    return typeof seed === "string" && seed.length > 0 ? seed : (uids[i] as string);
  });
}

/** The round's client seed from its participants (distinct uids): combineClientSeeds of their seeds. */
export async function roundClientSeed(uids: readonly string[], tx?: Transaction): Promise<string> {
  return combineClientSeeds(await clientSeedsOf(uids, tx));
}
