/**
 * Teen Patti end to end, as the apps and Cloud Tasks drive it: players sit through the callables over
 * HTTP, the deal and the turn timeout are done by the teenPattiTableTimer task function (dispatched by
 * the Cloud Tasks emulator to the functions emulator; nothing here calls the sweep), and the hand is
 * settled through the ledger with its escrow emptied and its seed revealed.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { commitmentOf } from "../../src/games/fairness/fairness.js";
import type { TeenPattiTable } from "../../src/games/teenpatti/schema.js";
import { TeenPattiPaths } from "../../src/venues/paths.js";
import { callOverHttp } from "../support/callables.js";
import { callOk, type SignedUp, signUp, useStackAdmin } from "../support/e2e.js";
import { waitUntil } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";

describe("e2e: a Teen Patti hand over HTTP, dealt and timed by the Cloud Tasks emulator", function () {
  this.timeout(90_000);
  useCleanStack();
  const stack = useStackAdmin();

  const tableOf = async (tableId: string) => (await stack.firestore.doc(`teenPattiTables/${tableId}`).get()).data() as TeenPattiTable | undefined;

  it("three players sit, the timer deals, one bets, one packs, the timer packs the third; the pot is paid once and the seed revealed", async () => {
    await stack.firestore.doc("config/games").set({ teenPatti: { betweenHandsSeconds: 3, minTurnSeconds: 5, rakePercent: 10 } });
    const admin = await signUp(stack, "admin", { roles: ["admin"] });
    const players = await Promise.all(["p1", "p2", "p3"].map((label) => signUp(stack, label)));
    for (const p of players) {
      await callOk("adminAdjustBalance", { uid: p.localId, currency: "coins", amount: 1_000, reason: "e2e stake", requestId: randomUUID() }, admin);
    }
    const [owner] = players as [SignedUp];
    const { tableId } = await callOk<{ tableId: string }>(
      "createTeenPattiTable",
      { bootAmount: 10, turnSeconds: 12, requestId: randomUUID() },
      owner,
    );
    const committed = (await tableOf(tableId))?.nextCommitment as string;
    for (const p of players) await callOk("sitAtTable", { tableId, requestId: randomUUID() }, p);

    // The first dispatch also starts the task function's worker: on a loaded machine that takes seconds.
    const dealt = await waitUntil(
      "the timer task deals the hand",
      async () => {
        const table = await tableOf(tableId);
        return table?.hand ? table : null;
      },
      60_000,
    );
    const hand = dealt.hand as NonNullable<TeenPattiTable["hand"]>;
    // The mirror is written just after the deal commits.
    const mirror = await waitUntil("the deal mirrored to the RTDB", async () => {
      const value = (await stack.db.ref(TeenPattiPaths.table(tableId)).get()).val();
      return value?.hand?.handId === hand.id ? value : null;
    });
    assert.equal(mirror.hand.commitment, committed);

    const byUid = (uid: string | undefined) => players.find((p) => p.localId === uid) as SignedUp;
    const first = byUid(hand.players[0]?.uid);
    const second = byUid(hand.players[1]?.uid);
    const refused = await callOverHttp("teenPattiBet", { tableId, amount: 10, requestId: randomUUID() }, second.idToken);
    assert.equal((refused.error as { status?: string })?.status, "FAILED_PRECONDITION");
    const malformed = await callOverHttp("teenPattiBet", { tableId, amount: "ten", requestId: randomUUID() }, first.idToken);
    assert.equal((malformed.error as { status?: string })?.status, "INVALID_ARGUMENT");

    await callOk("teenPattiBet", { tableId, amount: 20, requestId: randomUUID() }, first);
    await callOk("teenPattiPack", { tableId, requestId: randomUUID() }, second);
    // The third player does nothing: the turn timer packs them, and the first player wins 50 - 10 %.
    const settled = await waitUntil(
      "the timer packs the idle player and the hand is settled",
      async () => {
        const doc = (await stack.firestore.doc(`gameHands/${hand.id}`).get()).data();
        return doc?.status === "settled" ? doc : null;
      },
      30_000,
    );
    assert.deepEqual(settled.result.winners, [first.localId]);
    assert.equal(settled.result.payouts[first.localId], 45);
    assert.ok((settled.events as { action: string }[]).some((e) => e.action === "timeout"));
    assert.equal(commitmentOf(settled.fairness.serverSeed), committed);
    const verified = await callOk<{ verified: boolean }>("verifyRound", { game: "teenpatti", roundId: hand.id }, first);
    assert.equal(verified.verified, true);

    const entries = (await stack.firestore.collection("ledger").where("meta.handId", "==", hand.id).get()).docs.flatMap(
      (doc) => doc.get("entries") as { account: string; amount: number }[],
    );
    const escrow = entries.filter((e) => e.account === "system:game-escrow").reduce((sum, e) => sum + e.amount, 0);
    assert.equal(escrow, 0, "the hand's escrow is empty");
    // The next hand may already be dealt (everyone still sits): count this hand's postings only.
    const winnerNet = entries.filter((e) => e.account === `user:${first.localId}`).reduce((sum, e) => sum + e.amount, 0);
    assert.equal(winnerNet, -30 + 45);
  });
});
