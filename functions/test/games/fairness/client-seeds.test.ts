import assert from "node:assert/strict";
import { setGameClientSeed } from "../../../src/games/fairness/callables.js";
import { clientSeedsOf, roundClientSeed } from "../../../src/games/fairness/client-seeds.js";
import { combineClientSeeds } from "../../../src/games/fairness/fairness.js";
import { gamePlayerRef } from "../../../src/games/fairness/store.js";
import { runTransaction } from "../../../src/kernel/transactions.js";
import { callInProcess, expectHttpsError } from "../../support/callables.js";
import { useCleanStack } from "../../support/stack.js";
import { createTestUser } from "../../support/users.js";

describe("games/fairness: players' client seeds", () => {
  useCleanStack();

  it("stores the caller's seed and combines the participants' seeds, a player without one counting with their uid", async () => {
    const [alice, bob, carol] = await Promise.all([createTestUser(), createTestUser(), createTestUser()]);
    assert.deepEqual(await callInProcess(setGameClientSeed, { user: alice, data: { clientSeed: "lucky 7 ~!" } }), { clientSeed: "lucky 7 ~!" });
    await callInProcess(setGameClientSeed, { user: bob, data: { clientSeed: "b".repeat(64) } });
    assert.equal((await gamePlayerRef(alice.uid).get()).get("clientSeed"), "lucky 7 ~!");

    const uids = [alice.uid, bob.uid, carol.uid];
    assert.deepEqual(await clientSeedsOf(uids), ["lucky 7 ~!", "b".repeat(64), carol.uid]);
    const inTransaction = await runTransaction((tx) => roundClientSeed(uids, tx));
    assert.equal(inTransaction, combineClientSeeds(["lucky 7 ~!", "b".repeat(64), carol.uid]));
    assert.equal(await roundClientSeed([...uids].reverse()), inTransaction, "the order of the participants does not matter");
    assert.equal(await roundClientSeed([]), combineClientSeeds([]));
  });

  it("refuses a malformed seed with invalid-argument, writing nothing", async () => {
    const player = await createTestUser();
    for (const clientSeed of ["", "x".repeat(65), "two\nlines", "tab\there", "émoji😀", 42, null]) {
      await expectHttpsError(callInProcess(setGameClientSeed, { user: player, data: { clientSeed } }), "invalid-argument");
    }
    await expectHttpsError(callInProcess(setGameClientSeed, { user: player, data: { clientSeed: "ok", extra: true } }), "invalid-argument");
    assert.equal((await gamePlayerRef(player.uid).get()).exists, false);
    await expectHttpsError(callInProcess(setGameClientSeed, { data: { clientSeed: "ok" } }), "unauthenticated");
  });
});
