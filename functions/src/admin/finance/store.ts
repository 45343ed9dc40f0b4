/** Where the finance figures live: financeDays/{day}/shards/{n} (sharded, blind increments) and recompute reports. */
import type { DocumentReference } from "firebase-admin/firestore";
import { db } from "../../kernel/app.js";
import { Collections } from "../../kernel/collections.js";
import { type ShardedCounter, shardedCounter } from "../../kernel/sharded-counter.js";
import { FINANCE_FIGURES, type FinanceFigure } from "./schema.js";

/** Every ledger transaction adds to one random shard of its day: a busy day never serialises on one document. */
export const FINANCE_DAY_SHARDS = 8;

export function financeDayCounter(day: string): ShardedCounter<FinanceFigure> {
  return shardedCounter(db().collection(Collections.financeDays).doc(day), Collections.financeDayShards, FINANCE_DAY_SHARDS, FINANCE_FIGURES);
}

export function financeRecomputeRef(id?: string): DocumentReference {
  const collection = db().collection(Collections.financeRecomputes);
  return id ? collection.doc(id) : collection.doc();
}
