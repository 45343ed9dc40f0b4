/**
 * Greedy end to end, as the apps and Cloud Tasks drive it: a player enters a voice room and bets over
 * HTTP; every phase change — betting closes, the wheel stops, the result phase ends — is made by the
 * greedyRoundTimer task function, dispatched by firebase-tools' Cloud Tasks emulator to the functions
 * emulator, which also settles the round. Nothing here calls the sweep (the functions emulator runs no
 * schedules), so each transition proves a task was delivered.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { VerifyRoundResponse } from "../../src/games/fairness/schema.js";
import type {
  GreedyRound,
  ListGreedyRoundsResponse,
  ListMyGreedyBetsResponse,
  PlaceGreedyBetResponse,
  StartGreedyResponse,
} from "../../src/games/greedy/schema.js";
import { VenuePaths } from "../../src/venues/paths.js";
import { callOverHttp } from "../support/callables.js";
import { callOk, signUp, useStackAdmin } from "../support/e2e.js";
import { waitUntil } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";

describe("e2e: Greedy over HTTP, timed by the Cloud Tasks emulator", function () {
  this.timeout(150_000);
  useCleanStack();
  const stack = useStackAdmin();

  it("bets in the window, the timers run the round to its result, the winners are paid once and the round verifies", async () => {
    await stack.firestore.doc("config/games").set({ greedy: { bettingSeconds: 10, spinSeconds: 3, resultSeconds: 3 } });
    const [owner, fan, admin] = await Promise.all([signUp(stack, "owner"), signUp(stack, "fan"), signUp(stack, "admin", { roles: ["admin"] })]);
    const { room } = await callOk<{ room: { id: string } }>("createRoom", { name: "Wheel night", requestId: randomUUID() }, owner);
    await callOk("enterRoom", { roomId: room.id, visitId: randomUUID() }, fan);
    await callOk("adminAdjustBalance", { uid: fan.localId, currency: "coins", amount: 1_000, reason: "e2e stake", requestId: randomUUID() }, admin);

    const started = await callOk<StartGreedyResponse>("startGreedy", { roomId: room.id }, fan);
    assert.equal(started.phase, "betting");
    const bets: [string, number][] = [
      ["corn", 100],
      ["steak", 10],
    ];
    for (const [itemId, chip] of bets) {
      const placed = await callOk<PlaceGreedyBetResponse>(
        "placeGreedyBet",
        { roomId: room.id, roundId: started.roundId, itemId, chip, requestId: randomUUID() },
        fan,
      );
      assert.equal(placed.itemId, itemId);
    }

    const spinning = await waitUntil("the timer task closes betting", async () => {
      const phase = (await stack.firestore.doc(`gameRounds/${started.roundId}`).get()).get("phase");
      return phase !== "betting" ? phase : null;
    });
    assert.ok(["spinning", "result", "finished"].includes(spinning));
    const late = await callOverHttp(
      "placeGreedyBet",
      { roomId: room.id, roundId: started.roundId, itemId: "corn", chip: 10, requestId: randomUUID() },
      fan.idToken,
    );
    assert.equal(late.error?.status, "FAILED_PRECONDITION", JSON.stringify(late));
    assert.equal((late.error as { details?: { reason?: string } } | undefined)?.details?.reason, "betting-closed");
    // The room empties: this round is its last, so the timers stop after it.
    await stack.db.ref(VenuePaths.members({ type: "room", id: room.id })).remove();

    const round = await waitUntil(
      "the timer tasks decide, settle and finish the round",
      async () => {
        const data = (await stack.firestore.doc(`gameRounds/${started.roundId}`).get()).data() as GreedyRound | undefined;
        return data?.phase === "finished" && data.settlement ? data : null;
      },
      30_000,
    );
    const winner = round.items[round.winningIndex as number];
    const payout = bets.filter(([itemId]) => itemId === winner?.id).reduce((sum, [, chip]) => sum + chip * (winner?.multiplier ?? 0), 0);
    assert.equal((await stack.firestore.doc(`wallets/${fan.localId}`).get()).get("coins"), 1_000 - 110 + payout, "paid once");
    const ledger = await stack.firestore.collection("ledger").where("meta.roundId", "==", started.roundId).get();
    const escrow = ledger.docs
      .flatMap((doc) => doc.get("entries") as { account: string; amount: number }[])
      .filter((entry) => entry.account === "system:game-escrow")
      .reduce((sum, entry) => sum + entry.amount, 0);
    assert.equal(escrow, 0, "the round's escrow is emptied");
    assert.equal((await stack.firestore.doc(`greedyGames/${room.id}`).get()).get("running"), false, "nobody left: the game stopped");

    const verified = await callOk<VerifyRoundResponse>("verifyRound", { game: "greedy", roundId: started.roundId }, fan);
    assert.equal(verified.verified, true);
    const history = await callOk<ListGreedyRoundsResponse>("listGreedyRounds", { roomId: room.id }, owner);
    assert.deepEqual(
      history.rounds.map((r) => [r.roundId, r.winningItemId]),
      [[started.roundId, winner?.id]],
    );
    const mine = await callOk<ListMyGreedyBetsResponse>("listMyGreedyBets", {}, fan);
    assert.deepEqual(
      mine.items.map((item) => [item.roundId, item.staked, item.net]),
      [[started.roundId, 110, payout - 110]],
    );
  });
});
