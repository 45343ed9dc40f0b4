import assert from "node:assert/strict";
import { db } from "../../src/kernel/app.js";
import { toHttpsError } from "../../src/kernel/errors.js";
import { isExpiredTransaction, runTransaction } from "../../src/kernel/transactions.js";
import { docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";

describe("kernel: transactions", () => {
  it("recognises only a server-expired transaction as safe to run again", () => {
    assert.equal(isExpiredTransaction(Object.assign(new Error("3 INVALID_ARGUMENT: Transaction is invalid or closed."), { code: 3 })), true);
    assert.equal(isExpiredTransaction(Object.assign(new Error("3 INVALID_ARGUMENT: Document too large"), { code: 3 })), false);
    assert.equal(isExpiredTransaction(Object.assign(new Error("Transaction is invalid or closed"), { code: 10 })), false);
    assert.equal(isExpiredTransaction(new Error("anything")), false);
  });

  describe("against the emulator", () => {
    useCleanStack();

    it("runs the work again after an expired transaction, and passes other errors through", async () => {
      let calls = 0;
      const value = await runTransaction(async (tx) => {
        calls++;
        if (calls === 1) throw Object.assign(new Error("3 INVALID_ARGUMENT: Transaction is invalid or closed."), { code: 3 });
        tx.set(db().doc("test/retried"), { calls });
        return calls;
      });
      assert.equal(value, 2);
      assert.equal((await docData("test/retried"))?.calls, 2);
      await assert.rejects(
        runTransaction(async () => {
          throw new Error("boom");
        }),
        /boom/,
      );
    });

    it("surfaces contention as ABORTED (callers answer `aborted`, never `internal`): SDK backoff exhausted, repeated expiry", async () => {
      // What the SDK throws when its backoff gives up: a plain Error without a code.
      const exhausted = await runTransaction(async () => {
        throw new Error("Exceeded maximum number of retries allowed.");
      }).catch((err: unknown) => err);
      assert.equal((exhausted as { code?: number }).code, 10);
      assert.equal(toHttpsError(exhausted).code, "aborted");

      let calls = 0;
      const expired = await runTransaction(async () => {
        calls++;
        throw Object.assign(new Error("3 INVALID_ARGUMENT: Transaction is invalid or closed."), { code: 3 });
      }).catch((err: unknown) => err);
      assert.equal(calls, 3);
      assert.equal(toHttpsError(expired).code, "aborted");
    });
  });
});
