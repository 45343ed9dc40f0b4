import assert from "node:assert/strict";
import { db } from "../../src/kernel/app.js";
import { shardedCounter } from "../../src/kernel/sharded-counter.js";
import { useCleanStack } from "../support/stack.js";

describe("kernel: sharded counters", () => {
  useCleanStack();

  it("reads every field exactly when increments name only some of the fields", async () => {
    const counter = shardedCounter(db().doc("platformStats/test"), "shards", 4, ["likes", "comments", "reposts"] as const);
    const deltas = [
      { likes: 1 },
      { comments: 2 },
      { likes: 3, comments: 1 },
      { reposts: 1 },
      { likes: -1 },
      { comments: 1 },
      { likes: 2 },
      { comments: 1 },
    ];
    for (const delta of deltas) await db().runTransaction(async (tx) => counter.increment(tx, delta));
    assert.deepEqual(await counter.read(), { likes: 5, comments: 5, reposts: 1 });
    assert.deepEqual(await db().runTransaction((tx) => counter.read(tx)), { likes: 5, comments: 5, reposts: 1 });
  });
});
