import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { reviewCollusion } from "../../../src/games/teenpatti/collusion.js";
import { db } from "../../../src/kernel/app.js";
import { postLedgerTransaction } from "../../../src/wallet/ledger.js";
import { useCleanStack } from "../../support/stack.js";
import { setTeenPattiConfig } from "./support.js";

/** A settled hand as the settlement stores it in gameHands (the fields the review reads). */
async function settledHand(players: string[], winner: string, settledAt: number): Promise<void> {
  const id = `h-${randomUUID().slice(0, 8)}`;
  await db()
    .doc(`gameHands/${id}`)
    .set({
      id,
      game: "teenpatti",
      bootAmount: 10,
      pot: 10 * players.length,
      players: players.map((uid) => ({ uid, status: uid === winner ? "blind" : "packed", invested: 10 })),
      events: players.filter((uid) => uid !== winner).map((uid) => ({ uid, action: "pack", at: settledAt })),
      result: { winners: [winner], reason: "last-standing", payouts: { [winner]: 10 * players.length }, rake: 0, shown: {} },
      status: "settled",
      settledAt,
    });
}

async function gift(from: string, to: string, coins: number): Promise<void> {
  await postLedgerTransaction({ type: "admin.grant", owner: "test", key: randomUUID() }, async () => ({
    entries: [
      { account: "system:mint", currency: "coins", amount: -coins },
      { account: `user:${from}`, currency: "coins", amount: coins },
    ],
    result: null,
  }));
  await postLedgerTransaction({ type: "gift", owner: from, key: randomUUID() }, async () => ({
    entries: [
      { account: `user:${from}`, currency: "coins", amount: -coins },
      { account: "system:burn", currency: "coins", amount: coins },
      { account: "system:mint", currency: "diamonds", amount: -coins },
      { account: `user:${to}`, currency: "diamonds", amount: coins },
    ],
    result: null,
  }));
}

describe("teen patti: the collusion review job", () => {
  useCleanStack();

  const collusion = { minGiftCoins: 500, minSharedHandsForGifts: 3, minSoftPlays: 100 };
  beforeEach(() => setTeenPattiConfig({ collusion } as Parameters<typeof setTeenPattiConfig>[0]));

  it("flags table partners who gift each other, once per open review; a reviewed entry is archived when they are flagged again", async () => {
    const now = Date.now();
    for (let i = 0; i < 3; i++) await settledHand(["ann", "ben", "cat"], i % 2 ? "ann" : "cat", now - 60_000);
    await settledHand(["ann", "ben"], "ben", now - 30 * 3_600_000);
    await gift("ann", "ben", 600);
    await gift("cat", "dan", 900);

    const first = await reviewCollusion(now);
    assert.deepEqual(first, { hands: 3, pairs: 3, flagged: 1 });
    const entry = (await db().doc("reviewQueue/teenpatti-collusion__ann__ben").get()).data();
    assert.equal(entry?.status, "open");
    assert.deepEqual(entry?.reasons, ["gifting-partners"]);
    assert.equal(entry?.metrics.giftCoins, 600);
    assert.equal(entry?.metrics.handsTogether, 3, "the hand outside the window does not count");
    assert.equal((await db().collection("reviewQueue").get()).size, 1);

    assert.equal((await reviewCollusion(now)).flagged, 0, "an open review is not opened again");
    await db().doc("reviewQueue/teenpatti-collusion__ann__ben").update({ status: "closed" });
    assert.equal((await reviewCollusion(now)).flagged, 1);
    const queue = (await db().collection("reviewQueue").get()).docs;
    assert.equal(queue.length, 2);
    assert.equal(queue.filter((doc) => doc.get("archivedAt")).length, 1);
  });
});
