/**
 * Sharded counters, as firebase/extensions' firestore-counter packages them: a counter's value is spread
 * over N shard documents in a sub-collection of the document it counts for. An increment is a blind
 * FieldValue.increment on one shard picked at random (no read, so concurrent increments rarely meet on one
 * document and never lock the parent); the value is the sum of the shards. Several numeric fields may
 * share one set of shards. Folding the shards back into the parent is the owner's business (collect()).
 */
import type { DocumentReference, DocumentSnapshot, Transaction } from "firebase-admin/firestore";
import { firestoreValues } from "./app.js";

export type Totals<F extends string> = Record<F, number>;

export interface ShardedCounter<F extends string> {
  /** Every shard, in order. */
  shards(): DocumentReference[];
  /** Adds `deltas` to one random shard, with the other writes of `tx`. */
  increment(tx: Transaction, deltas: Partial<Totals<F>>): void;
  /** The counter's value: one aggregate query over the shards (inside `tx` when given). */
  read(tx?: Transaction): Promise<Totals<F>>;
  /** Reads every shard in `tx`, for a fold: their totals and the shards that exist (to delete once folded). */
  collect(tx: Transaction): Promise<{ totals: Totals<F>; present: DocumentReference[] }>;
}

function totalsOf<F extends string>(fields: readonly F[], snapshots: DocumentSnapshot[]): Totals<F> {
  const totals = Object.fromEntries(fields.map((field) => [field, 0])) as Totals<F>;
  for (const snapshot of snapshots) {
    for (const field of fields) {
      const value = snapshot.get(field);
      if (typeof value === "number") totals[field] += value;
    }
  }
  return totals;
}

/** The counter of `parent`: shards parent/{collection}/{0..shards-1}, holding `fields`. */
export function shardedCounter<F extends string>(
  parent: DocumentReference,
  collection: string,
  shards: number,
  fields: readonly F[],
): ShardedCounter<F> {
  const shardRef = (n: number) => parent.collection(collection).doc(String(n));
  const all = () => Array.from({ length: shards }, (_, n) => shardRef(n));
  return {
    shards: all,
    increment(tx, deltas) {
      const { FieldValue } = firestoreValues();
      // Every field, even at 0: an aggregation of several sums counts only the documents that hold all
      // of its fields, so a shard missing one would drop out of every total.
      const update = Object.fromEntries(fields.map((field) => [field, FieldValue.increment(deltas[field] ?? 0)]));
      tx.set(shardRef(Math.floor(Math.random() * shards)), update, { merge: true });
    },
    async read(tx) {
      const { AggregateField } = firestoreValues();
      const query = parent.collection(collection).aggregate(Object.fromEntries(fields.map((field) => [field, AggregateField.sum(field)])));
      const sums = (tx ? await tx.get(query) : await query.get()).data() as Record<string, unknown>;
      return Object.fromEntries(fields.map((field) => [field, Number(sums[field] ?? 0)])) as Totals<F>;
    },
    async collect(tx) {
      const snapshots = (await tx.getAll(...all())).filter((snapshot) => snapshot.exists);
      return { totals: totalsOf(fields, snapshots), present: snapshots.map((snapshot) => snapshot.ref) };
    },
  };
}
