import assert from "node:assert/strict";
import { db } from "../../src/kernel/app.js";
import { SYSTEM_ACCOUNTS, userAccount, walletRef } from "../../src/wallet/accounts.js";
import { foldShards, postLedgerTransaction, readBalances } from "../../src/wallet/ledger.js";
import { expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";

const alice = userAccount("alice");
const bob = userAccount("bob");

const mintCoins = (account: ReturnType<typeof userAccount>, coins: number, key: string) =>
  postLedgerTransaction({ type: "admin.grant", owner: "test", key, payload: { account, coins } }, async () => ({
    entries: [
      { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: -coins },
      { account, currency: "coins", amount: coins },
    ],
    result: { granted: coins },
  }));

const transfer = (from: typeof alice, to: typeof alice, coins: number, key: string) =>
  postLedgerTransaction({ type: "reseller.transfer", owner: "test", key, payload: { from, to, coins } }, async () => ({
    entries: [
      { account: from, currency: "coins", amount: -coins },
      { account: to, currency: "coins", amount: coins },
    ],
    result: { moved: coins },
  }));

describe("wallet: ledger core (Firestore emulator)", () => {
  useCleanStack();

  it("writes one ledger document and the balances together, creating wallets as needed", async () => {
    const outcome = await mintCoins(alice, 100, "grant-000001");
    assert.equal(outcome.replayed, false);
    const ledger = await docData(`ledger/${outcome.transactionId}`);
    assert.equal(ledger?.type, "admin.grant");
    assert.deepEqual(ledger?.accounts, [SYSTEM_ACCOUNTS.mint, alice]);
    assert.deepEqual(ledger?.accountCurrencies, [`${SYSTEM_ACCOUNTS.mint}|coins`, `${alice}|coins`]);
    assert.deepEqual(ledger?.result, { granted: 100 });
    assert.equal((await docData("wallets/alice"))?.coins, 100);
  });

  it("replays a key: same result, nothing moves twice; a different payload under the key is refused", async () => {
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => mintCoins(alice, 100, "grant-000002")));
    assert.equal(outcomes.filter((o) => !o.replayed).length, 1);
    assert.equal(new Set(outcomes.map((o) => o.transactionId)).size, 1);
    assert.equal((await docData("wallets/alice"))?.coins, 100);
    await expectHttpsError(mintCoins(alice, 999, "grant-000002"), "failed-precondition");
    assert.equal((await db().collection("ledger").get()).size, 1);
  });

  it("refuses a debit beyond the balance and writes nothing", async () => {
    await mintCoins(alice, 10, "grant-000003");
    const before = await allPaths();
    const err = await expectHttpsError(transfer(alice, bob, 11, "move-000001"), "failed-precondition");
    assert.deepEqual(err.details, { account: alice, currency: "coins", shortBy: 1 });
    assert.deepEqual(await allPaths(), before);
  });

  it("never lets concurrent spends overdraw a wallet", async () => {
    await mintCoins(alice, 10, "grant-000004");
    const attempts = await Promise.allSettled(Array.from({ length: 15 }, (_, i) => transfer(alice, bob, 1, `move-race-${i}`)));
    assert.equal(attempts.filter((a) => a.status === "fulfilled").length, 10);
    assert.equal((await docData("wallets/alice"))?.coins, 0);
    assert.equal((await docData("wallets/bob"))?.coins, 10);
  });

  it("credits hot recipients through shards and folds them on a diamond debit, exactly", async () => {
    const credits = Array.from({ length: 40 }, (_, i) =>
      postLedgerTransaction({ type: "gift", owner: "test", key: `shard-credit-${i}` }, async () => ({
        entries: [
          { account: SYSTEM_ACCOUNTS.mint, currency: "diamonds", amount: -3 },
          { account: bob, currency: "diamonds", amount: 3, viaShard: true },
        ],
        result: null,
      })),
    );
    await Promise.all(credits);
    assert.equal((await docData("wallets/bob"))?.diamonds, undefined, "the wallet document itself is not touched");
    assert.equal((await readBalances(bob)).diamonds, 120);

    await postLedgerTransaction({ type: "exchange", owner: "test", key: "spend-diamonds-1" }, async () => ({
      entries: [
        { account: bob, currency: "diamonds", amount: -100 },
        { account: SYSTEM_ACCOUNTS.burn, currency: "diamonds", amount: 100 },
      ],
      result: null,
    }));
    assert.equal((await docData("wallets/bob"))?.diamonds, 20);
    assert.equal((await walletRef(bob).collection("shards").get()).size, 0);
    assert.equal((await readBalances(bob)).diamonds, 20);
  });

  it("foldShards moves shard credits into the wallet without changing the balance", async () => {
    for (let i = 0; i < 5; i++) {
      await postLedgerTransaction({ type: "gift", owner: "test", key: `fold-${i}` }, async () => ({
        entries: [
          { account: SYSTEM_ACCOUNTS.mint, currency: "diamonds", amount: -7 },
          { account: bob, currency: "diamonds", amount: 7, viaShard: true },
        ],
        result: null,
      }));
    }
    assert.equal(await foldShards(bob), 35);
    assert.equal((await docData("wallets/bob"))?.diamonds, 35);
    assert.equal(await foldShards(bob), 0);
    assert.equal((await readBalances(bob)).diamonds, 35);
  });

  it("a clawback may leave a negative balance; the wallet then cannot spend until settled", async () => {
    await mintCoins(alice, 50, "grant-000005");
    await transfer(alice, bob, 40, "move-000002");
    await postLedgerTransaction({ type: "purchase.clawback", owner: "test", key: "clawback-1" }, async () => ({
      entries: [
        { account: alice, currency: "coins", amount: -50 },
        { account: SYSTEM_ACCOUNTS.mint, currency: "coins", amount: 50 },
      ],
      result: null,
      allowNegative: [alice],
      ignoreSpendingLock: true,
    }));
    const wallet = await docData("wallets/alice");
    assert.equal(wallet?.coins, -40);
    assert.equal(wallet?.inDebt, true);
    const err = await expectHttpsError(transfer(alice, bob, 1, "move-000003"), "failed-precondition");
    assert.equal((err.details as { reason: string }).reason, "negative-balance");

    await mintCoins(alice, 45, "grant-000006");
    const settled = await docData("wallets/alice");
    assert.equal(settled?.coins, 5);
    assert.equal(settled?.inDebt, false);
    await transfer(alice, bob, 5, "move-000004");
  });

  it("a frozen wallet cannot spend but still receives", async () => {
    await mintCoins(alice, 10, "grant-000007");
    await walletRef(alice).update({ frozen: true });
    await expectHttpsError(transfer(alice, bob, 1, "move-000005"), "failed-precondition");
    await mintCoins(alice, 10, "grant-000008");
    assert.equal((await docData("wallets/alice"))?.coins, 20);
  });
});
