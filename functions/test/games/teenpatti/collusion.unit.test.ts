import assert from "node:assert/strict";
import { collusionReasons, pairKey, pairStatistics, type SettledHandRecord } from "../../../src/games/teenpatti/collusion.js";
import { TeenPattiConfigSchema } from "../../../src/games/teenpatti/schema.js";

const CONFIG = TeenPattiConfigSchema.parse({}).collusion;

let counter = 0;
function hand(fields: Partial<SettledHandRecord> & Pick<SettledHandRecord, "players" | "result">): SettledHandRecord {
  return { id: `h${++counter}`, bootAmount: 10, pot: 30, events: [], ...fields };
}
const player = (uid: string, status: "blind" | "seen" | "packed" = "packed", invested = 10) => ({ uid, status, invested });

/** A hand x wins because y packed last, after z packed. */
const foldTo = (winner: string, folder: string, other = "z"): SettledHandRecord =>
  hand({
    players: [player(winner, "seen"), player(folder), player(other)],
    events: [
      { uid: other, action: "pack" },
      { uid: folder, action: "pack" },
    ],
    result: { winners: [winner], reason: "last-standing" },
  });

function reasonsOf(hands: SettledHandRecord[], a: string, b: string, giftCoins = 0) {
  const { pairs, handsOf } = pairStatistics(hands, CONFIG);
  const stats = pairs.get(pairKey(a, b));
  assert.ok(stats, `no statistics for ${a} and ${b}`);
  stats.giftCoins = giftCoins;
  return collusionReasons(stats, handsOf, CONFIG);
}

describe("teen patti: collusion heuristics (unit)", () => {
  it("a pair that plays most of its hands together is flagged as shared-tables; one that mixes with others is not", () => {
    const together = Array.from({ length: CONFIG.minSharedHands }, (_, i) =>
      hand({ players: [player("a"), player("b"), player(`x${i}`)], result: { winners: [`x${i}`], reason: "show" } }),
    );
    assert.deepEqual(reasonsOf(together, "a", "b"), ["shared-tables"]);
    const elsewhere = (uid: string) =>
      Array.from({ length: CONFIG.minSharedHands }, (_, i) =>
        hand({ players: [player(uid), player(`y${i}`)], result: { winners: [`y${i}`], reason: "show" } }),
      );
    assert.deepEqual(reasonsOf([...together, ...elsewhere("a")], "a", "b"), ["shared-tables"], "b only plays where a plays");
    assert.deepEqual(reasonsOf([...together, ...elsewhere("a"), ...elsewhere("b")], "a", "b"), []);
    assert.deepEqual(reasonsOf(together.slice(1), "a", "b"), [], "fewer hands than the minimum");
  });

  it("side shows between the two and packs that hand the pot to the partner add up to soft-play", () => {
    const sideShows = Array.from({ length: 2 }, () =>
      hand({
        players: [player("a", "seen"), player("b", "seen"), player("c", "seen")],
        events: [{ uid: "a", action: "side-show", target: "b" }],
        result: { winners: ["c"], reason: "show" },
      }),
    );
    const folds = [foldTo("a", "b"), foldTo("b", "a")];
    assert.deepEqual(reasonsOf([...sideShows, ...folds], "a", "b"), ["soft-play"]);
    assert.deepEqual(reasonsOf([...sideShows, foldTo("a", "b")], "a", "b"), []);
    // Packing first, before someone else hands over the pot, is not folding to the winner.
    assert.deepEqual(reasonsOf([...sideShows, foldTo("a", "z", "b"), foldTo("a", "z", "b")], "a", "b"), []);
  });

  it("large pots repeatedly given up to the same player by one who put much in are chip-dumping", () => {
    const dump = () =>
      hand({
        pot: 400,
        players: [player("winner", "seen", 100), player("dumper", "packed", 250), player("z", "packed", 50)],
        events: [
          { uid: "z", action: "pack" },
          { uid: "dumper", action: "pack" },
        ],
        result: { winners: ["winner"], reason: "last-standing" },
      });
    const reasons = reasonsOf([dump(), dump(), dump()], "dumper", "winner");
    assert.ok(reasons.includes("chip-dumping"));
    assert.ok(!reasonsOf([dump(), dump()], "dumper", "winner").includes("chip-dumping"));
    const smallPot = () => ({ ...dump(), pot: 150 });
    assert.ok(!reasonsOf([smallPot(), smallPot(), smallPot()], "dumper", "winner").includes("chip-dumping"));
    const { pairs } = pairStatistics([dump(), dump(), dump()], CONFIG);
    assert.deepEqual(pairs.get(pairKey("dumper", "winner"))?.dumps, { winner: 3 });
  });

  it("table partners who gift each other coins are gifting-partners", () => {
    const hands = Array.from({ length: CONFIG.minSharedHandsForGifts }, () =>
      hand({ players: [player("a"), player("b")], result: { winners: ["a"], reason: "show" } }),
    );
    assert.deepEqual(reasonsOf(hands, "a", "b", CONFIG.minGiftCoins), ["gifting-partners"]);
    assert.deepEqual(reasonsOf(hands, "a", "b", CONFIG.minGiftCoins - 1), []);
    assert.deepEqual(reasonsOf(hands.slice(1), "a", "b", CONFIG.minGiftCoins), []);
  });
});
