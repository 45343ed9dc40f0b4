import assert from "node:assert/strict";
import { type A23Rank, compareHands, type HandCategory, rankHand } from "../../../src/games/teenpatti/hand-rank.js";

const RANKS = "A23456789TJQK";
const SUITS = "cdhs";
const DECK = [...RANKS].flatMap((rank) => [...SUITS].map((suit) => `${rank}${suit}`));

function everyHand(): string[][] {
  const hands: string[][] = [];
  for (let i = 0; i < DECK.length; i++)
    for (let j = i + 1; j < DECK.length; j++) for (let k = j + 1; k < DECK.length; k++) hands.push([DECK[i], DECK[j], DECK[k]] as string[]);
  return hands;
}

const hand = (text: string) => text.split(" ");

describe("teen patti: hand ranking (unit)", () => {
  it("every one of the 22,100 hands falls in its category as often as combinatorics says", () => {
    const counts: Record<string, number> = {};
    for (const cards of everyHand()) {
      const { category } = rankHand(cards);
      counts[category] = (counts[category] ?? 0) + 1;
    }
    assert.deepEqual(counts, { trail: 52, "pure-sequence": 48, sequence: 720, colour: 1_096, pair: 3_744, "high-card": 16_440 });
  });

  const categories: [string, HandCategory][] = [
    ["Ah As Ac", "trail"],
    ["Qh Kh Ah", "pure-sequence"],
    ["2s 3s As", "pure-sequence"],
    ["4d 2d 3d", "pure-sequence"],
    ["Qh Kd Ac", "sequence"],
    ["Ac 2d 3h", "sequence"],
    ["9c Td Jh", "sequence"],
    ["Ks 9s 2s", "colour"],
    ["Kh Kd 2c", "pair"],
    ["3h 9d 3c", "pair"],
    ["Ah Kd Jc", "high-card"],
    ["Qh Ad 2c", "high-card"],
  ];
  for (const [cards, category] of categories) it(`${cards} is ${category}`, () => assert.equal(rankHand(hand(cards)).category, category));

  // Each pair: the first hand beats the second.
  const beats: [string, string, string][] = [
    ["a trail beats a pure sequence", "2c 2d 2h", "Ah Kh Qh"],
    ["a pure sequence beats a sequence", "4s 3s 2s", "Ah Kd Qc"],
    ["a sequence beats a colour", "4s 3d 2s", "Ah Kh Jh"],
    ["a colour beats a pair", "5h 3h 2h", "Ah Ad Kc"],
    ["a pair beats a high card", "2h 2d 3c", "Ah Kd Jc"],
    ["trails by rank, aces highest", "Ac Ad Ah", "Kc Kd Kh"],
    ["trails by rank, threes over twos", "3c 3d 3h", "2c 2d 2s"],
    ["A-K-Q is the highest sequence", "Ah Kd Qc", "Ac 2d 3h"],
    ["A-2-3 is second by default, above K-Q-J", "Ac 2d 3h", "Kh Qd Jc"],
    ["K-Q-J beats Q-J-T", "Kh Qd Jc", "Qh Jd Tc"],
    ["4-3-2 is the lowest sequence", "5h 4d 3c", "4h 3d 2c"],
    ["the same for pure sequences: A-K-Q over A-2-3", "Ah Kh Qh", "As 2s 3s"],
    ["colour compares the top card first", "Ah 3h 2h", "Ks Qs Js"],
    ["colour compares the second card when the top is equal", "Ah Qh 2h", "As Js 9s"],
    ["colour compares the third card when two are equal", "Ah Qh 5h", "As Qs 4s"],
    ["a pair compares the pair first", "3h 3d 2c", "2h 2d Ac"],
    ["a pair of aces beats a pair of kings", "Ah Ad 2c", "Kh Kd Qc"],
    ["equal pairs compare the kicker", "9h 9d Kc", "9s 9c Qd"],
    ["high card compares the top card first", "Ah 3d 2c", "Kh Qd Jc"],
    ["high card compares down to the last card", "Kh Jd 3c", "Ks Jc 2d"],
  ];
  for (const [name, winner, loser] of beats) {
    it(name, () => {
      assert.equal(compareHands(hand(winner), hand(loser)), 1);
      assert.equal(compareHands(hand(loser), hand(winner)), -1);
    });
  }

  const ties: [string, string, string][] = [
    ["equal sequences of other suits tie", "Ah Kd Qc", "As Kh Qd"],
    ["equal pure sequences of other suits tie", "9h Th Jh", "9s Ts Js"],
    ["equal colours of other suits tie", "Kh 9h 2h", "Ks 9s 2s"],
    ["equal pairs with equal kickers tie", "7h 7d 4c", "7s 7c 4d"],
    ["equal high cards tie", "Ah Jd 4c", "As Jc 4d"],
    ["A-2-3 sequences tie with each other", "Ah 2d 3c", "As 2h 3d"],
  ];
  for (const [name, a, b] of ties) it(name, () => assert.equal(compareHands(hand(a), hand(b)), 0));

  const a23Settings: [A23Rank, string, string, number][] = [
    ["highest", "Ac 2d 3h", "Ah Kd Qc", 1],
    ["highest", "Ac 2c 3c", "Ah Kh Qh", 1],
    ["second", "Ac 2d 3h", "Ah Kd Qc", -1],
    ["second", "Ac 2d 3h", "Kh Qd Jc", 1],
    ["lowest", "Ac 2d 3h", "4h 3d 2c", -1],
    ["lowest", "Ac 2d 3h", "Kh Qd Jc", -1],
    ["lowest", "Ac 2c 3c", "Kd 9d 2d", 1],
  ];
  for (const [setting, a, b, expected] of a23Settings) {
    it(`with A-2-3 ${setting}: ${a} vs ${b} → ${expected}`, () => assert.equal(compareHands(hand(a), hand(b), setting), expected));
  }

  it("the order is total and consistent over a sample of hands (antisymmetric, transitive by category)", () => {
    const all = everyHand();
    const sample = all.filter((_, i) => i % 97 === 0);
    for (const a of sample) {
      for (const b of sample) assert.equal(compareHands(a, b), -compareHands(b, a) || 0);
    }
    const sorted = [...sample].sort((a, b) => compareHands(a, b));
    for (let i = 1; i < sorted.length; i++) assert.ok(compareHands(sorted[i] as string[], sorted[i - 1] as string[]) >= 0);
  });

  it("refuses what is not three distinct cards", () => {
    assert.throws(() => rankHand(["Ah", "Ah", "2c"]));
    assert.throws(() => rankHand(["Ah", "2c"]));
    assert.throws(() => rankHand(["Ah", "2c", "1x"]));
  });
});
