import assert from "node:assert/strict";
import { HttpsError } from "firebase-functions/v2/https";
import { type SendGiftOptions, sendGift } from "../../src/gifts/send-gift.js";
import { db } from "../../src/kernel/app.js";
import { agencyAccount, SYSTEM_ACCOUNTS, userAccount } from "../../src/wallet/accounts.js";
import { foldWalletShards } from "../../src/wallet/jobs.js";
import { readBalances } from "../../src/wallet/ledger.js";
import { assertConservation, createAgency, createProfile, grantCoins, ledgerTotals, seedCatalog, shardCount } from "../support/economy-world.js";
import { docData } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";

const runFoldJob = () => foldWalletShards.run({ scheduleTime: new Date().toISOString(), jobName: "foldWalletShards" } as never);

/** Runs `count` jobs with at most `limit` in flight, settling each. */
async function inFlight<T>(count: number, limit: number, job: (n: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const outcomes: PromiseSettledResult<T>[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      outcomes[n] = (await Promise.allSettled([job(n)]))[0] as PromiseSettledResult<T>;
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return outcomes;
}

/** Feed events are checked elsewhere; here they would only add RTDB load. */
const quiet: SendGiftOptions = { maxAttempts: 100, publish: async () => {} };

describe("gifts: a hot host (concurrent gifts, shard credits, the fold job)", function () {
  this.timeout(120_000);
  useCleanStack();

  const HOST = "hot-host";
  const SENDERS = 20;
  const GIFTS_PER_SENDER = 10;
  const COUNT = 2; // a combo of two 100-coin stars: 200 coins, host 100, agency 20, platform 80
  const RICH_COINS = 2500; // senders 0-9 afford all 10 gifts
  const POOR_COINS = 1200; // senders 10-19 afford exactly 6: the other 4 must be refused, never overdraw

  beforeEach(async () => {
    await seedCatalog();
    await createAgency("stars", "agency-owner");
    await createProfile(HOST, { agencyId: "stars" });
    await Promise.all(
      Array.from({ length: SENDERS }, async (_, i) => {
        await createProfile(`sender-${i}`);
        await grantCoins(`sender-${i}`, i < 10 ? RICH_COINS : POOR_COINS);
      }),
    );
  });

  // 20 in flight, one per sender at a time: the host is as hot as with 200 at once. Several in flight
  // from one sender also stay exact (next test), but each collision on the sender's wallet costs a
  // transaction retry with the SDK's 1 s+ backoff, which would make this suite take a minute.
  it("200 gifts from 20 senders, 20 in flight: no overdraft, exact conservation and earnings before and after folding", async () => {
    const outcomes = await inFlight(SENDERS * GIFTS_PER_SENDER, SENDERS, (n) => {
      const sender = `sender-${n % SENDERS}`;
      return sendGift(
        sender,
        { giftId: "star", recipientUid: HOST, count: COUNT, context: { type: "stream", id: "hot" }, requestId: `gift-${n}-${sender}` },
        quiet,
      );
    });
    const refused = outcomes.filter((o) => o.status === "rejected").map((o) => (o as PromiseRejectedResult).reason);
    for (const reason of refused) {
      assert.ok(reason instanceof HttpsError && reason.code === "failed-precondition" && /Insufficient coins/.test(reason.message), String(reason));
    }
    const succeeded = outcomes.length - refused.length;
    assert.equal(refused.length, 10 * 4, "each poor sender is refused exactly 4 gifts");
    assert.equal(succeeded, 160);

    const gifts = await ledgerTotals("gift");
    assert.equal(gifts.count, succeeded);
    const senderDebits = Array.from({ length: SENDERS }, (_, i) => gifts.of(userAccount(`sender-${i}`), "coins")).reduce((a, b) => a + b, 0);
    assert.equal(-senderDebits, gifts.of(SYSTEM_ACCOUNTS.burn, "coins"));
    assert.equal(-senderDebits, succeeded * 200);
    assert.equal(gifts.of(SYSTEM_ACCOUNTS.mint, "diamonds"), -succeeded * 200);
    assert.equal(gifts.of(SYSTEM_ACCOUNTS.platform, "diamonds"), succeeded * 80);

    for (let i = 0; i < SENDERS; i++) {
      assert.equal((await readBalances(userAccount(`sender-${i}`))).coins, i < 10 ? RICH_COINS - 2000 : 0);
    }
    // Before folding: the wallet documents hold nothing, the shards everything; shown balances are exact.
    assert.equal((await docData(`wallets/${HOST}`))?.diamonds ?? 0, 0);
    assert.ok((await shardCount(HOST)) > 1, "credits are spread over shards");
    assert.equal((await readBalances(userAccount(HOST))).diamonds, succeeded * 100);
    assert.equal((await readBalances(agencyAccount("stars"))).diamonds, succeeded * 20);
    const wallets = [userAccount(HOST), agencyAccount("stars"), ...Array.from({ length: SENDERS }, (_, i) => userAccount(`sender-${i}`))];
    await assertConservation(wallets);

    // After folding: everything is in the wallet documents, no shard is left, balances unchanged.
    await runFoldJob();
    assert.equal((await docData(`wallets/${HOST}`))?.diamonds, succeeded * 100);
    assert.equal((await docData("wallets/agency:stars"))?.diamonds, succeeded * 20);
    assert.equal(await shardCount(HOST), 0);
    assert.equal(await shardCount("agency:stars"), 0);
    assert.equal((await readBalances(userAccount(HOST))).diamonds, succeeded * 100);
    await assertConservation(wallets);
  });

  it("one sender racing itself cannot overdraw: 5 concurrent gifts with coins for 2", async () => {
    await createProfile("racer");
    await grantCoins("racer", 2 * 200 + 50);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, (_, n) =>
        sendGift(
          "racer",
          { giftId: "star", recipientUid: HOST, count: COUNT, context: { type: "stream", id: "hot" }, requestId: `racer-${n}` },
          quiet,
        ),
      ),
    );
    assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 2);
    for (const o of outcomes) if (o.status === "rejected") assert.match(String(o.reason), /Insufficient coins/);
    assert.equal((await readBalances(userAccount("racer"))).coins, 50);
    assert.equal((await readBalances(userAccount(HOST))).diamonds, 2 * 100);
    await assertConservation([userAccount("racer"), userAccount(HOST), agencyAccount("stars")]);
  });

  it("the fold job folds exactly, is idempotent, and leaves other shard collections alone", async () => {
    const send = (sender: string, n: number) =>
      sendGift(
        sender,
        { giftId: "star", recipientUid: HOST, count: 1, context: { type: "room", id: "r1" }, requestId: `fold-${sender}-${n}` },
        quiet,
      );
    await Promise.all(Array.from({ length: 12 }, (_, n) => send(`sender-${n % 4}`, n)));
    // The users domain's sign-up counter also lives in a "shards" collection: the job must not touch it.
    await db().doc("platformStats/users/shards/3").set({ count: 7 });

    await runFoldJob();
    assert.equal((await docData(`wallets/${HOST}`))?.diamonds, 12 * 50);
    assert.equal((await docData("wallets/agency:stars"))?.diamonds, 12 * 10);
    assert.equal(await shardCount(HOST), 0);
    assert.deepEqual(await docData("platformStats/users/shards/3"), { count: 7 });

    // Again with nothing to fold: nothing changes.
    await runFoldJob();
    assert.equal((await docData(`wallets/${HOST}`))?.diamonds, 12 * 50);

    // New gifts after a fold go to shards again and are folded on the next run, added to the folded sum.
    await Promise.all(Array.from({ length: 4 }, (_, n) => send(`sender-${n}`, 100 + n)));
    assert.equal((await readBalances(userAccount(HOST))).diamonds, 16 * 50);
    await runFoldJob();
    assert.equal((await docData(`wallets/${HOST}`))?.diamonds, 16 * 50);
    assert.equal(await shardCount(HOST), 0);
    await assertConservation([userAccount(HOST), agencyAccount("stars"), ...Array.from({ length: 4 }, (_, i) => userAccount(`sender-${i}`))]);
  });

  it("folding concurrently with gifts loses nothing", async () => {
    const sends = inFlight(40, SENDERS, (n) =>
      sendGift(
        `sender-${n % SENDERS}`,
        { giftId: "star", recipientUid: HOST, count: 1, context: { type: "stream", id: "s" }, requestId: `race-${n}` },
        quiet,
      ),
    );
    // Folds start once some credits exist, while the rest of the gifts are still landing.
    const folds = [100, 300, 600].map((ms) => new Promise((r) => setTimeout(r, ms)).then(runFoldJob));
    const [outcomes] = await Promise.all([sends, ...folds]);
    assert.ok(outcomes.every((o) => o.status === "fulfilled"));
    assert.equal((await readBalances(userAccount(HOST))).diamonds, 40 * 50);
    await runFoldJob();
    assert.equal((await docData(`wallets/${HOST}`))?.diamonds, 40 * 50);
    assert.equal(await shardCount(HOST), 0);
  });
});
