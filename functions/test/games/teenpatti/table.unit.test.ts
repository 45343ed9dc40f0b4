import assert from "node:assert/strict";
import type { TableSettings, TeenPattiTable } from "../../../src/games/teenpatti/schema.js";
import {
  type CardsByUid,
  dealOrder,
  decide,
  dueStep,
  leave,
  settled,
  sit,
  splitPot,
  startHand,
  type TableAction,
} from "../../../src/games/teenpatti/table.js";

const T0 = 1_000_000;
const SETTINGS: TableSettings = {
  seats: 5,
  bootAmount: 10,
  potLimit: 1_000,
  maxBlindTurns: 2,
  turnSeconds: 25,
  a23Rank: "second",
  rakePercent: 5,
  seenMinMultiplier: 2,
  seenMaxMultiplier: 4,
  maxStakeCoins: 500,
  sideShowSeconds: 15,
  betweenHandsSeconds: 5,
  potLimitForcesShow: true,
};

function tableWith(seats: (string | null)[], settings: Partial<TableSettings> = {}): TeenPattiTable {
  return {
    id: "t1",
    createdBy: "a",
    settings: { ...SETTINGS, ...settings, seats: seats.length },
    seats,
    dealerSeat: -1,
    handCount: 0,
    hand: null,
    nextCommitment: "c",
    nextActionAt: null,
    rev: 0,
    createdAt: T0,
  };
}

/** Deals a hand to everyone seated (dealer: the first occupied seat). */
function dealt(seats: (string | null)[], settings: Partial<TableSettings> = {}): TeenPattiTable {
  const table = tableWith(seats, settings);
  const order = dealOrder(table);
  assert.ok(order);
  return startHand(table, { handId: "h1", dealerSeat: order.dealerSeat, players: order.order, now: T0 });
}

const CARDS: CardsByUid = {
  a: ["Ah", "Ad", "Ac"], // trail of aces: the best
  b: ["Kh", "Qh", "Jh"], // pure sequence
  c: ["2c", "7d", "9s"], // high card: the worst
  d: ["2d", "7h", "9c"], // the same high card as c
};

/** Applies actions in order, each by the player whose turn it is unless named, at T0 + 1 s each. */
function play(table: TeenPattiTable, steps: [string, TableAction][], cards: CardsByUid = CARDS): TeenPattiTable {
  let current = table;
  steps.forEach(([uid, action], i) => {
    current = decide(current, uid, action, cards, T0 + (i + 1) * 1_000).table;
  });
  return current;
}

const turnUid = (table: TeenPattiTable) => table.hand?.players[table.hand.turn ?? -1]?.uid;

function refused(fn: () => unknown, reason: string, code = "failed-precondition") {
  assert.throws(fn, (err: { code?: string; details?: { reason?: string } }) => {
    assert.equal(err.details?.reason, reason);
    assert.equal(err.code, code);
    return true;
  });
}

describe("teen patti: the table state machine (unit)", () => {
  describe("dealing and turn order", () => {
    it("the dealer moves to the next occupied seat and the player after the dealer acts first", () => {
      const table = tableWith(["a", null, "b", "c", null]);
      const first = dealOrder(table);
      assert.deepEqual(first, {
        dealerSeat: 0,
        order: [
          { uid: "b", seat: 2 },
          { uid: "c", seat: 3 },
          { uid: "a", seat: 0 },
        ],
      });
      const second = dealOrder({ ...table, dealerSeat: 0 });
      assert.equal(second?.dealerSeat, 2);
      assert.deepEqual(
        second?.order.map((p) => p.uid),
        ["c", "a", "b"],
      );
      assert.equal(dealOrder({ ...table, dealerSeat: 3 })?.dealerSeat, 0);
    });

    it("nobody is dealt in with fewer than two players", () => {
      assert.equal(dealOrder(tableWith(["a", null, null])), null);
    });

    it("the boot of every player is in the pot and the stake starts at the boot", () => {
      const table = dealt(["a", "b", "c"]);
      assert.equal(table.hand?.pot, 30);
      assert.equal(table.hand?.stake, 10);
      assert.deepEqual(
        table.hand?.players.map((p) => p.invested),
        [10, 10, 10],
      );
      assert.equal(turnUid(table), "b");
      assert.equal(table.nextActionAt, T0 + 25_000);
    });

    it("only the player whose turn it is may bet, pack or show", () => {
      const table = dealt(["a", "b", "c"]);
      refused(() => decide(table, "c", { type: "bet", amount: 10 }, CARDS, T0), "not-your-turn");
      refused(() => decide(table, "a", { type: "pack" }, CARDS, T0), "not-your-turn");
      refused(() => decide(table, "zed", { type: "pack" }, CARDS, T0), "not-in-hand");
      const after = play(table, [["b", { type: "bet", amount: 10 }]]);
      assert.equal(turnUid(after), "c");
    });

    it("a player may not act once the turn's time is over", () => {
      const table = dealt(["a", "b", "c"]);
      refused(() => decide(table, "b", { type: "bet", amount: 10 }, CARDS, T0 + 25_001), "turn-over");
    });

    it("turns skip packed players and wrap around", () => {
      const table = play(dealt(["a", "b", "c"]), [
        ["b", { type: "bet", amount: 10 }],
        ["c", { type: "pack" }],
        ["a", { type: "bet", amount: 10 }],
      ]);
      assert.equal(turnUid(table), "b");
      refused(() => decide(table, "c", { type: "bet", amount: 10 }, CARDS, T0 + 5_000), "packed");
    });

    it("a player may see their cards out of turn, without staking", () => {
      const decision = decide(dealt(["a", "b", "c"]), "c", { type: "see" }, CARDS, T0);
      assert.equal(decision.staked, 0);
      assert.equal(decision.table.hand?.players.find((p) => p.uid === "c")?.status, "seen");
    });
  });

  describe("stakes", () => {
    it("a blind player stakes between the stake and twice it; the stake follows", () => {
      const table = dealt(["a", "b", "c"]);
      refused(() => decide(table, "b", { type: "bet", amount: 9 }, CARDS, T0), "amount-out-of-range", "invalid-argument");
      refused(() => decide(table, "b", { type: "bet", amount: 21 }, CARDS, T0), "amount-out-of-range", "invalid-argument");
      const decision = decide(table, "b", { type: "bet", amount: 20 }, CARDS, T0);
      assert.equal(decision.staked, 20);
      assert.equal(decision.table.hand?.stake, 20);
      assert.equal(decision.table.hand?.pot, 50);
    });

    it("a seen player stakes two to four times the blind stake (configurable); the stake becomes half of it", () => {
      const table = play(dealt(["a", "b", "c"]), [["b", { type: "see" }]]);
      refused(() => decide(table, "b", { type: "bet", amount: 19 }, CARDS, T0 + 5_000), "amount-out-of-range", "invalid-argument");
      refused(() => decide(table, "b", { type: "bet", amount: 41 }, CARDS, T0 + 5_000), "amount-out-of-range", "invalid-argument");
      const decision = decide(table, "b", { type: "bet", amount: 40 }, CARDS, T0 + 5_000);
      assert.equal(decision.table.hand?.stake, 20);
      const wider = play(dealt(["a", "b", "c"], { seenMaxMultiplier: 6 }), [["b", { type: "see" }]]);
      assert.equal(decide(wider, "b", { type: "bet", amount: 60 }, CARDS, T0 + 5_000).staked, 60);
    });

    it("a blind player must see after the table's maximum of blind turns", () => {
      const table = play(dealt(["a", "b"]), [
        ["b", { type: "bet", amount: 10 }],
        ["a", { type: "bet", amount: 10 }],
        ["b", { type: "bet", amount: 10 }],
        ["a", { type: "bet", amount: 10 }],
      ]);
      refused(() => decide(table, "b", { type: "bet", amount: 10 }, CARDS, T0 + 9_000), "blind-limit");
      const seen = decide(table, "b", { type: "see" }, CARDS, T0 + 9_000).table;
      assert.equal(decide(seen, "b", { type: "bet", amount: 20 }, CARDS, T0 + 9_000).staked, 20);
    });

    it("no action stakes more than the table's maximum", () => {
      const table = play(dealt(["a", "b"], { bootAmount: 200, potLimit: 100_000 }), [["b", { type: "bet", amount: 400 }]]);
      refused(() => decide(table, "a", { type: "bet", amount: 600 }, CARDS, T0 + 5_000), "stake-limit");
    });
  });

  describe("the end of a hand", () => {
    it("the last player standing wins the pot minus the rake", () => {
      const table = play(dealt(["a", "b", "c"]), [
        ["b", { type: "bet", amount: 20 }],
        ["c", { type: "pack" }],
        ["a", { type: "pack" }],
      ]);
      assert.equal(table.hand?.phase, "ended");
      assert.deepEqual(table.hand?.result, { reason: "last-standing", winners: ["b"], payouts: { b: 48 }, rake: 2, shown: {} });
      assert.equal(dueStep(table, T0 + 4_000), "settle");
    });

    it("a show needs exactly two players left", () => {
      refused(() => decide(dealt(["a", "b", "c"]), "b", { type: "show" }, CARDS, T0), "show-needs-two");
    });

    it("a show: the better hand wins, the requester pays the stake when blind", () => {
      const table = play(dealt(["a", "b"]), [["b", { type: "show" }]]);
      assert.equal(table.hand?.pot, 30);
      assert.equal(table.hand?.result?.reason, "show");
      assert.deepEqual(table.hand?.result?.winners, ["a"]);
      assert.deepEqual(Object.keys(table.hand?.result?.shown ?? {}).sort(), ["a", "b"]);
    });

    it("a seen requester pays twice the stake for a show", () => {
      const table = play(dealt(["a", "b"]), [
        ["b", { type: "see" }],
        ["b", { type: "show" }],
      ]);
      assert.equal(table.hand?.pot, 40);
    });

    it("a show between equal hands is lost by the requester", () => {
      const cards = { ...CARDS, a: CARDS.c as string[], b: CARDS.d as string[] };
      const byB = play(dealt(["a", "b"]), [["b", { type: "show" }]], cards);
      assert.deepEqual(byB.hand?.result?.winners, ["a"]);
      const byA = play(
        dealt(["a", "b"]),
        [
          ["b", { type: "bet", amount: 10 }],
          ["a", { type: "show" }],
        ],
        cards,
      );
      assert.deepEqual(byA.hand?.result?.winners, ["b"]);
    });

    it("reaching the pot limit forces a show among those left; the best hand wins", () => {
      const table = play(dealt(["a", "b", "c"], { potLimit: 60 }), [
        ["b", { type: "bet", amount: 20 }],
        ["c", { type: "bet", amount: 20 }],
      ]);
      assert.equal(table.hand?.phase, "ended");
      assert.equal(table.hand?.result?.reason, "pot-limit");
      assert.deepEqual(table.hand?.result?.winners, ["a"]);
      assert.deepEqual(Object.keys(table.hand?.result?.shown ?? {}).sort(), ["a", "b", "c"]);
    });

    it("a forced show between equal best hands splits the pot; the odd coin goes to the house", () => {
      const cards = { a: ["3c", "5d", "8s"], b: CARDS.c as string[], c: CARDS.d as string[] };
      const table = play(dealt(["a", "b", "c"], { potLimit: 50, rakePercent: 0 }), [["b", { type: "bet", amount: 20 }]], cards);
      assert.deepEqual(table.hand?.result?.winners.sort(), ["b", "c"]);
      assert.deepEqual(table.hand?.result?.payouts, { b: 25, c: 25 });
      assert.deepEqual(splitPot(51, ["b", "c"], 0), { payouts: { b: 25, c: 25 }, rake: 1 });
    });

    it("when the pot limit does not force a show, stakes stop at it", () => {
      const table = dealt(["a", "b", "c"], { potLimit: 45, potLimitForcesShow: false });
      refused(() => decide(table, "b", { type: "bet", amount: 16 }, CARDS, T0), "amount-out-of-range", "invalid-argument");
      assert.equal(decide(table, "b", { type: "bet", amount: 15 }, CARDS, T0).table.hand?.phase, "betting");
    });
  });

  describe("side shows", () => {
    // Dealing order b, c, a (dealer a). c's previous player is b; a's is c.
    const seenAll: [string, TableAction][] = [
      ["a", { type: "see" }],
      ["b", { type: "see" }],
      ["c", { type: "see" }],
    ];

    it("only a seen requester, against a seen previous player, with three or more left", () => {
      const blind = play(dealt(["a", "b", "c"]), [["b", { type: "bet", amount: 10 }]]);
      refused(() => decide(blind, "c", { type: "side-show" }, CARDS, T0 + 5_000), "side-show-unavailable");
      const requesterSeen = play(dealt(["a", "b", "c"]), [
        ["b", { type: "bet", amount: 10 }],
        ["c", { type: "see" }],
      ]);
      refused(() => decide(requesterSeen, "c", { type: "side-show" }, CARDS, T0 + 5_000), "side-show-unavailable");
      const two = play(dealt(["a", "b"]), [
        ["a", { type: "see" }],
        ["b", { type: "see" }],
      ]);
      refused(() => decide(two, "b", { type: "side-show" }, CARDS, T0 + 5_000), "side-show-unavailable");
    });

    it("accepted: the lower hand folds and the turn passes on from the requester", () => {
      const asked = play(dealt(["a", "b", "c"]), [...seenAll, ["b", { type: "bet", amount: 20 }], ["c", { type: "side-show" }]]);
      assert.equal(asked.hand?.phase, "side-show");
      assert.equal(asked.hand?.pot, 70);
      assert.deepEqual({ ...asked.hand?.sideShow, endsAt: 0 }, { requester: "c", target: "b", endsAt: 0 });
      refused(() => decide(asked, "a", { type: "bet", amount: 20 }, CARDS, T0 + 7_000), "side-show-pending");
      refused(() => decide(asked, "a", { type: "respond-side-show", accept: true }, CARDS, T0 + 7_000), "no-side-show");
      const answered = decide(asked, "b", { type: "respond-side-show", accept: true }, CARDS, T0 + 7_000).table;
      assert.equal(answered.hand?.players.find((p) => p.uid === "c")?.status, "packed");
      assert.equal(answered.hand?.phase, "betting");
      assert.equal(turnUid(answered), "a");
    });

    it("a tie in a side show folds the requester", () => {
      const cards = { ...CARDS, b: CARDS.c as string[], c: CARDS.d as string[] };
      const asked = play(dealt(["a", "b", "c"]), [...seenAll, ["b", { type: "bet", amount: 20 }], ["c", { type: "side-show" }]], cards);
      const answered = decide(asked, "b", { type: "respond-side-show", accept: true }, cards, T0 + 7_000).table;
      assert.equal(answered.hand?.players.find((p) => p.uid === "c")?.status, "packed");
      assert.equal(answered.hand?.players.find((p) => p.uid === "b")?.status, "seen");
    });

    it("the requester with the better hand makes the previous player fold", () => {
      const asked = play(dealt(["a", "b", "c"]), [
        ...seenAll,
        ["b", { type: "bet", amount: 20 }],
        ["c", { type: "bet", amount: 20 }],
        ["a", { type: "side-show" }],
      ]);
      assert.equal(asked.hand?.sideShow?.target, "c");
      const answered = decide(asked, "c", { type: "respond-side-show", accept: true }, CARDS, T0 + 8_000).table;
      assert.equal(answered.hand?.players.find((p) => p.uid === "c")?.status, "packed");
      assert.equal(turnUid(answered), "b");
    });

    it("refused, or unanswered in time: nobody folds and the turn passes on", () => {
      const asked = play(dealt(["a", "b", "c"]), [...seenAll, ["b", { type: "bet", amount: 20 }], ["c", { type: "side-show" }]]);
      const refusedShow = decide(asked, "b", { type: "respond-side-show", accept: false }, CARDS, T0 + 7_000).table;
      assert.ok(refusedShow.hand?.players.every((p) => p.status === "seen"));
      assert.equal(turnUid(refusedShow), "a");
      const endsAt = asked.hand?.sideShow?.endsAt as number;
      assert.equal(dueStep(asked, endsAt - 1), null);
      assert.equal(dueStep(asked, endsAt), "timeout");
      const lapsed = decide(asked, "b", { type: "timeout" }, CARDS, endsAt).table;
      assert.equal(turnUid(lapsed), "a");
      refused(() => decide(asked, "b", { type: "respond-side-show", accept: true }, CARDS, endsAt + 1), "turn-over");
    });
  });

  describe("timers, seats and leaving", () => {
    it("the turn timer packs the player to act, not before it is due", () => {
      const table = dealt(["a", "b", "c"]);
      assert.equal(dueStep(table, T0 + 24_999), null);
      assert.equal(dueStep(table, T0 + 25_000), "timeout");
      assert.equal(decide(table, "b", { type: "timeout" }, CARDS, T0 + 24_999).table, table);
      const after = decide(table, "b", { type: "timeout" }, CARDS, T0 + 25_000).table;
      assert.equal(after.hand?.players.find((p) => p.uid === "b")?.status, "packed");
      assert.equal(turnUid(after), "c");
      assert.equal(after.nextActionAt, T0 + 50_000);
    });

    it("timeouts of two players in a three-player hand end it for the third", () => {
      const table = dealt(["a", "b", "c"]);
      const once = decide(table, "b", { type: "timeout" }, CARDS, T0 + 25_000).table;
      const twice = decide(once, "c", { type: "timeout" }, CARDS, T0 + 50_000).table;
      assert.deepEqual(twice.hand?.result?.winners, ["a"]);
    });

    it("sitting takes a free seat, refuses a taken one, a second seat and a full table", () => {
      const table = tableWith(["a", null, null]);
      refused(() => sit(table, "a", undefined, T0), "already-seated");
      refused(() => sit(table, "b", 0, T0), "seat-taken");
      const two = sit(table, "b", 2, T0);
      assert.deepEqual(two.seats, ["a", null, "b"]);
      assert.equal(two.nextActionAt, T0 + 5_000);
      assert.equal(dueStep(two, T0 + 5_000), "deal");
      refused(() => sit(sit(two, "c", undefined, T0), "d", undefined, T0), "table-full");
    });

    it("leaving in a hand packs the player; the last one left wins; the next deal waits for two players", () => {
      const table = dealt(["a", "b", null]);
      const left = leave(table, "b", T0 + 1_000);
      assert.deepEqual(left.seats, ["a", null, null]);
      assert.deepEqual(left.hand?.result?.winners, ["a"]);
      const closed = settled(left, T0 + 2_000);
      assert.equal(closed.nextActionAt, null);
      assert.equal(dueStep(closed, T0 + 60_000), null);
      refused(() => leave(closed, "b", T0), "not-seated");
    });

    it("after settlement the next deal is due after the pause", () => {
      const table = play(dealt(["a", "b"]), [["b", { type: "pack" }]]);
      const closed = settled(table, T0 + 10_000);
      assert.equal(closed.hand?.phase, "settled");
      assert.equal(closed.nextActionAt, T0 + 15_000);
      assert.equal(dueStep(closed, T0 + 15_000), "deal");
    });
  });
});
