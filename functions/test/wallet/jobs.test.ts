import assert from "node:assert/strict";
import { db } from "../../src/kernel/app.js";
import { foldWalletShards } from "../../src/wallet/jobs.js";
import { runReconciliation } from "../../src/wallet/reconciliation.js";
import { useCleanStack } from "../support/stack.js";
import { balancesOf, fund, walletUser } from "./support.js";

describe("wallet: shard folding job", () => {
  useCleanStack();

  it("folds every wallet's shards into the wallet without changing any balance, and leaves other shards alone", async () => {
    const [luna, kai] = await Promise.all([walletUser(["host"]), walletUser(["host"])]);
    await fund(luna.uid, { diamonds: 10, shardDiamonds: [3, 4, 5] });
    await fund(kai.uid, { shardDiamonds: [9] });
    await db().doc("platformStats/users/shards/0").set({ count: 3 });

    await (foldWalletShards as unknown as { run(e: unknown): Promise<unknown> }).run({ scheduleTime: new Date().toISOString(), jobName: "test" });

    assert.equal((await db().collection(`wallets/${luna.uid}/shards`).get()).size, 0);
    assert.equal((await db().collection(`wallets/${kai.uid}/shards`).get()).size, 0);
    assert.equal((await db().doc(`wallets/${luna.uid}`).get()).get("diamonds"), 22);
    assert.equal((await db().doc(`wallets/${kai.uid}`).get()).get("diamonds"), 9);
    assert.deepEqual(await balancesOf(luna.uid), { coins: 0, diamonds: 22 });
    assert.equal((await db().doc("platformStats/users/shards/0").get()).get("count"), 3);
    assert.equal((await runReconciliation("admin")).ok, true);
  });
});
