import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  combineClientSeeds,
  commitmentOf,
  FAIRNESS_ALGORITHM,
  newServerSeed,
  OutcomeStream,
  shuffle,
  weightedIndex,
} from "../../../src/games/fairness/fairness.js";
import { DECK, dealDeck, dealHands, greedyOutcome } from "../../../src/games/fairness/outcomes.js";
import { bucketCounts, chiSquare, uniform } from "./chi-square.js";

// Published vectors: inputs and outputs pinned once; the HMAC block and the commitment were also computed
// with openssl (see each case), independently of this code.
const SEED = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const CLIENT_SEED = "client";
const NONCE = 7;

describe("games/fairness: commit–reveal and the outcome stream (unit)", () => {
  it("names its algorithm version", () => {
    assert.equal(FAIRNESS_ALGORITHM, "hmac-sha256-v1");
  });

  it("commits to SHA-256 of the seed bytes (openssl: `xxd -r -p | openssl dgst -sha256`)", () => {
    assert.equal(commitmentOf(SEED), "4773d12e2371bb935b9a0f5439b4a1c3ad3f2414b86980f8418d1cfabdfadfef");
  });

  it("draws a fresh 32-byte seed with its commitment each time", () => {
    const first = newServerSeed();
    const second = newServerSeed();
    assert.match(first.serverSeed, /^[0-9a-f]{64}$/);
    assert.notEqual(first.serverSeed, second.serverSeed);
    assert.equal(first.commitment, createHash("sha256").update(Buffer.from(first.serverSeed, "hex")).digest("hex"));
    assert.equal(first.commitment, commitmentOf(first.serverSeed));
    assert.notEqual(commitmentOf(second.serverSeed), first.commitment);
  });

  it("refuses a seed that is not 32 bytes of lowercase hex", () => {
    for (const seed of ["", "abc", SEED.toUpperCase(), `${SEED}00`, `${SEED.slice(0, 63)}g`]) {
      assert.throws(() => commitmentOf(seed), RangeError, seed);
      assert.throws(() => new OutcomeStream(seed, CLIENT_SEED, 0), RangeError, seed);
    }
    assert.throws(() => new OutcomeStream(SEED, CLIENT_SEED, -1), RangeError);
    assert.throws(() => new OutcomeStream(SEED, CLIENT_SEED, 1.5), RangeError);
  });

  it("combines client seeds sorted, newline-joined, SHA-256 (openssl: printf 'alice\\nbob' | openssl dgst -sha256)", () => {
    const combined = "1cb15457d1ddab60e205c0fe3ca2f65d1e27e1b06a5efa0beb2921834771a669";
    assert.equal(combineClientSeeds(["bob", "alice"]), combined);
    assert.equal(combineClientSeeds(["alice", "bob"]), combined);
    assert.equal(combineClientSeeds([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert.notEqual(combineClientSeeds(["alice", "alice", "bob"]), combined, "duplicates count");
  });

  it("reads HMAC-SHA256(seed, `client:nonce:cursor`) blocks in order, four bytes at a time", () => {
    // openssl: echo -n "client:7:0" | openssl dgst -sha256 -hmac "$SEED" → 14fbc1dec2ca49dc…; "client:7:1" → 7ba9ef78de9b2fdf…
    const stream = new OutcomeStream(SEED, CLIENT_SEED, NONCE);
    const values = Array.from({ length: 10 }, () => stream.nextUint32());
    assert.equal(values[0], 0x14fbc1de);
    assert.equal(values[1], 0xc2ca49dc);
    assert.equal(values[8], 0x7ba9ef78, "the ninth value starts block 1");
    assert.equal(values[9], 0xde9b2fdf);
    assert.deepEqual(values, [352043486, 3268037084, 4249850246, 1321765805, 2678001426, 3375694667, 769660819, 2112022803, 2074734456, 3734712287]);
  });

  it("reproduces the pinned Greedy and Teen Patti vectors", () => {
    const weights = [1000, 1000, 1000, 1000, 500, 333, 200, 111];
    assert.equal(greedyOutcome(new OutcomeStream(SEED, CLIENT_SEED, NONCE), weights), 3);
    const deck = dealDeck(new OutcomeStream(SEED, CLIENT_SEED, NONCE));
    assert.deepEqual(deck.slice(0, 12), ["8d", "7s", "5c", "Kd", "Js", "6s", "Qs", "Jc", "3s", "Qd", "6h", "7h"]);
    assert.deepEqual(deck.slice(-4), ["5d", "8s", "Ah", "3c"]);
    assert.deepEqual([...deck].sort(), [...DECK].sort(), "a permutation of the 52 cards");
    assert.deepEqual(dealHands(deck, 3), [
      ["8d", "Kd", "Qs"],
      ["7s", "Js", "Jc"],
      ["5c", "6s", "3s"],
    ]);
  });

  it("changes every outcome with the client seed or the nonce", () => {
    const base = dealDeck(new OutcomeStream(SEED, CLIENT_SEED, NONCE));
    assert.notDeepEqual(dealDeck(new OutcomeStream(SEED, "client2", NONCE)), base);
    assert.notDeepEqual(dealDeck(new OutcomeStream(SEED, CLIENT_SEED, NONCE + 1)), base);
  });

  it("builds the deck of 52 distinct cards, rank then suit", () => {
    assert.equal(DECK.length, 52);
    assert.equal(new Set(DECK).size, 52);
    assert.deepEqual(DECK.slice(0, 3), ["Ac", "2c", "3c"]);
    assert.equal(DECK[51], "Ks");
  });

  it("refuses nextInt and weights out of range", () => {
    const stream = new OutcomeStream(SEED, CLIENT_SEED, 0);
    for (const n of [0, -1, 1.5, 2 ** 32 + 1, Number.NaN]) assert.throws(() => stream.nextInt(n), RangeError, String(n));
    assert.equal(stream.nextInt(1), 0);
    assert.ok(stream.nextInt(2 ** 32) < 2 ** 32);
    assert.throws(() => weightedIndex(stream, []), RangeError);
    assert.throws(() => weightedIndex(stream, [0, 0]), RangeError);
    assert.throws(() => weightedIndex(stream, [1, -1, 3]), RangeError);
    assert.throws(() => weightedIndex(stream, [1, 0.5]), RangeError);
    assert.throws(() => weightedIndex(stream, [2 ** 32, 1]), RangeError);
  });

  it("never draws an item of weight 0", () => {
    const stream = new OutcomeStream(SEED, CLIENT_SEED, 1);
    for (let i = 0; i < 2_000; i++) assert.ok([0, 2].includes(weightedIndex(stream, [3, 0, 5, 0])));
  });
});

describe("games/fairness: unbiased mapping, chi-square at the 0.1% level (unit)", function () {
  this.timeout(30_000);
  const SAMPLES = 200_000;

  it("the test helper rejects the modulo bias a naive `% n` has for n = 3·2^30 (and passes rejection sampling)", () => {
    const n = 3 * 2 ** 30;
    const naive = new OutcomeStream(SEED, "naive", 0);
    const biased = chiSquare(
      bucketCounts(() => naive.nextUint32() % n, n, 3, SAMPLES),
      uniform(3),
    );
    assert.equal(biased.uniform, false, `naive % n: chi-square ${biased.statistic} should exceed ${biased.critical}`);
    const fair = new OutcomeStream(SEED, "naive", 0);
    const unbiased = chiSquare(
      bucketCounts(() => fair.nextInt(n), n, 3, SAMPLES),
      uniform(3),
    );
    assert.ok(unbiased.uniform, `nextInt(3·2^30): chi-square ${unbiased.statistic} > ${unbiased.critical}`);
  });

  for (const n of [6, 7]) {
    it(`nextInt(${n}) is uniform over ${SAMPLES} draws`, () => {
      const stream = new OutcomeStream(SEED, `uniform-${n}`, 0);
      const result = chiSquare(
        bucketCounts(() => stream.nextInt(n), n, n, SAMPLES),
        uniform(n),
      );
      assert.ok(result.uniform, `chi-square ${result.statistic} > ${result.critical}`);
    });
  }

  it("weightedIndex follows a weighted table", () => {
    const weights = [1000, 1000, 1000, 1000, 500, 333, 200, 111];
    const sum = weights.reduce((total, weight) => total + weight, 0);
    const stream = new OutcomeStream(SEED, "weighted", 0);
    const counts = new Array<number>(weights.length).fill(0);
    for (let i = 0; i < SAMPLES; i++) counts[weightedIndex(stream, weights)] += 1;
    const result = chiSquare(
      counts,
      weights.map((weight) => weight / sum),
    );
    assert.ok(result.uniform, `chi-square ${result.statistic} > ${result.critical}`);
  });

  it("shuffle gives each of the 120 orders of 5 items equally often", () => {
    const stream = new OutcomeStream(SEED, "shuffle", 0);
    const counts = new Map<string, number>();
    for (let i = 0; i < 120_000; i++) {
      const order = shuffle(stream, [0, 1, 2, 3, 4]).join("");
      counts.set(order, (counts.get(order) ?? 0) + 1);
    }
    assert.equal(counts.size, 120);
    const result = chiSquare([...counts.values()], uniform(120));
    assert.ok(result.uniform, `chi-square ${result.statistic} > ${result.critical}`);
  });

  it("a dealt deck puts a given card at each of the 52 positions equally often", () => {
    const counts = new Array<number>(52).fill(0);
    for (let nonce = 0; nonce < 26_000; nonce++) counts[dealDeck(new OutcomeStream(SEED, "deck", nonce)).indexOf("As")] += 1;
    const result = chiSquare(counts, uniform(52));
    assert.ok(result.uniform, `chi-square ${result.statistic} > ${result.critical}`);
  });
});
