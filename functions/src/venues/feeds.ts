/**
 * Live lists keyed by push ids (chat messages, gift events): push ids sort by creation time, so key
 * order is time order and "the last N" is a key-ordered query, with no counter to keep hot.
 */
import type { DataSnapshot } from "firebase-admin/database";
import { rtdb } from "../kernel/app.js";

const DELETE_BATCH = 100;

/** Child keys in the query's order. */
function keysOf(snapshot: DataSnapshot): string[] {
  const keys: string[] = [];
  snapshot.forEach((child) => {
    keys.push(child.key as string);
  });
  return keys;
}

/**
 * Keeps the newest `keep` children at `path` and removes older ones; returns how many it removed.
 * Idempotent and safe to run concurrently (removing a removed key changes nothing).
 */
export async function trimToLast(path: string, keep: number): Promise<number> {
  const list = rtdb().ref(path);
  // One more than kept: if the window is full, its oldest child is the newest one to remove.
  const window = await list
    .orderByKey()
    .limitToLast(keep + 1)
    .get();
  if (window.numChildren() <= keep) return 0;
  const boundary = keysOf(window)[0] as string;
  let removed = 0;
  for (;;) {
    const keys = keysOf(await list.orderByKey().endAt(boundary).limitToFirst(DELETE_BATCH).get());
    if (keys.length === 0) break;
    await list.update(Object.fromEntries(keys.map((key) => [key, null])));
    removed += keys.length;
    if (keys.length < DELETE_BATCH) break;
  }
  return removed;
}
