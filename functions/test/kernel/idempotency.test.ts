import assert from "node:assert/strict";
import { db } from "../../src/kernel/app.js";
import { runIdempotent, runOncePerEvent } from "../../src/kernel/idempotency.js";
import { expectHttpsError } from "../support/callables.js";
import { docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";

describe("kernel: idempotency (Firestore emulator)", () => {
  useCleanStack();

  it("runs the work once when the same key arrives 5 times concurrently, and every caller gets the first result", async () => {
    const counter = db().doc("test/counter");
    const attempts = Array.from({ length: 5 }, (_, i) =>
      runIdempotent({ scope: "test.increment", key: "req-000001", owner: "alice", payload: { by: 1 } }, async (tx) => {
        const current = (await tx.get(counter)).get("value") ?? 0;
        tx.set(counter, { value: current + 1 });
        return { newValue: current + 1, attempt: i };
      }),
    );
    const outcomes = await Promise.all(attempts);
    assert.equal((await docData("test/counter"))?.value, 1);
    assert.equal(outcomes.filter((o) => !o.replayed).length, 1);
    const first = outcomes.find((o) => !o.replayed)?.result;
    for (const outcome of outcomes) assert.deepEqual(outcome.result, first);
  });

  it("keeps keys of different owners and scopes apart", async () => {
    const work = async () => "done";
    const a = await runIdempotent({ scope: "s1", key: "same-key-1", owner: "alice" }, work);
    const b = await runIdempotent({ scope: "s1", key: "same-key-1", owner: "bob" }, work);
    const c = await runIdempotent({ scope: "s2", key: "same-key-1", owner: "alice" }, work);
    assert.deepEqual([a.replayed, b.replayed, c.replayed], [false, false, false]);
  });

  it("refuses a reused key with a different payload and changes nothing", async () => {
    const counter = db().doc("test/counter");
    const work = (by: number) => async (tx: FirebaseFirestore.Transaction) => {
      const current = (await tx.get(counter)).get("value") ?? 0;
      tx.set(counter, { value: current + by });
      return current + by;
    };
    await runIdempotent({ scope: "test.add", key: "req-000002", owner: "alice", payload: { by: 5 } }, work(5));
    await expectHttpsError(
      runIdempotent({ scope: "test.add", key: "req-000002", owner: "alice", payload: { by: 7 } }, work(7)),
      "failed-precondition",
    );
    assert.equal((await docData("test/counter"))?.value, 5);
  });

  it("leaves no record when the work throws, so a corrected retry can run", async () => {
    await assert.rejects(
      runIdempotent({ scope: "test.fail", key: "req-000003" }, async () => {
        throw new Error("boom");
      }),
    );
    const retry = await runIdempotent({ scope: "test.fail", key: "req-000003" }, async () => "ok");
    assert.deepEqual(retry, { result: "ok", replayed: false });
  });

  it("runs a trigger handler once per event id", async () => {
    const counter = db().doc("test/events");
    const handle = (eventId: string) =>
      runOncePerEvent("test.trigger", eventId, async (tx) => {
        const current = (await tx.get(counter)).get("value") ?? 0;
        tx.set(counter, { value: current + 1 });
      });
    await Promise.all([handle("evt-1"), handle("evt-1"), handle("evt-1"), handle("evt-2")]);
    assert.equal((await docData("test/events"))?.value, 2);
  });
});
