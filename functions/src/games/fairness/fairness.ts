/**
 * The provably fair core every game draws from: commit–reveal server seeds and a deterministic stream of
 * outcome bytes anyone can recompute once the server seed is revealed. Pure (node:crypto only), so the
 * standalone verifier (functions/scripts/verify-round.ts) runs it without Firebase.
 *
 * - Server seed: 32 random bytes, written as 64 lowercase hex characters. Its commitment is
 *   SHA-256 of the 32 seed bytes (not of the hex text), as lowercase hex, published before play.
 * - Outcome bytes: block k = HMAC-SHA256(key = the server seed's hex text as ASCII,
 *   message = `${clientSeed}:${nonce}:${k}`), k = 0, 1, 2, ...; bytes are consumed in order, four at a
 *   time as a big-endian uint32 (eight per block).
 * - Integers in [0, n): rejection sampling (a uint32 at or above the largest multiple of n below 2^32 is
 *   discarded and the next one drawn), so no value is favoured.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";

/** The algorithm version recorded with every round and hand; a new mapping gets a new version. */
export const FAIRNESS_ALGORITHM = "hmac-sha256-v1";

const UINT32_RANGE = 2 ** 32;
const SERVER_SEED_PATTERN = /^[0-9a-f]{64}$/;

export function isServerSeed(value: string): boolean {
  return SERVER_SEED_PATTERN.test(value);
}

function assertServerSeed(serverSeed: string): void {
  if (!isServerSeed(serverSeed)) throw new RangeError("A server seed is 64 lowercase hex characters (32 bytes).");
}

export function newServerSeed(): { serverSeed: string; commitment: string } {
  const serverSeed = randomBytes(32).toString("hex");
  return { serverSeed, commitment: commitmentOf(serverSeed) };
}

/** SHA-256 of the seed's 32 bytes, lowercase hex. */
export function commitmentOf(serverSeed: string): string {
  assertServerSeed(serverSeed);
  return createHash("sha256").update(Buffer.from(serverSeed, "hex")).digest("hex");
}

/**
 * One client seed from the participants' seeds, which the server cannot choose: the seeds sorted (by
 * UTF-16 code units, JavaScript's default sort), joined with "\n", SHA-256 as lowercase hex. Duplicates
 * are kept (two players with the same seed both count); no seeds gives SHA-256 of the empty string.
 */
export function combineClientSeeds(seeds: readonly string[]): string {
  return createHash("sha256")
    .update([...seeds].sort().join("\n"), "utf8")
    .digest("hex");
}

export class OutcomeStream {
  private cursor = 0;
  private block: Buffer = Buffer.alloc(0);
  private offset = 0;

  constructor(
    private readonly serverSeed: string,
    private readonly clientSeed: string,
    private readonly nonce: number,
  ) {
    assertServerSeed(serverSeed);
    if (!Number.isSafeInteger(nonce) || nonce < 0) throw new RangeError("The nonce is a non-negative integer.");
  }

  nextUint32(): number {
    if (this.offset + 4 > this.block.length) {
      this.block = createHmac("sha256", this.serverSeed).update(`${this.clientSeed}:${this.nonce}:${this.cursor}`, "utf8").digest();
      this.cursor += 1;
      this.offset = 0;
    }
    const value = this.block.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  /** Uniform in [0, n) for an integer 1 <= n <= 2^32. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > UINT32_RANGE) throw new RangeError("nextInt(n) needs an integer 1 <= n <= 2^32.");
    const limit = UINT32_RANGE - (UINT32_RANGE % n);
    for (;;) {
      const value = this.nextUint32();
      if (value < limit) return value % n;
    }
  }
}

/** An index drawn with probability weights[i] / sum: nextInt(sum), then the first index whose running total exceeds it. */
export function weightedIndex(stream: OutcomeStream, weights: readonly number[]): number {
  let sum = 0;
  for (const weight of weights) {
    if (!Number.isSafeInteger(weight) || weight < 0) throw new RangeError("Weights are non-negative integers.");
    sum += weight;
  }
  if (sum < 1 || sum > UINT32_RANGE) throw new RangeError("The weights sum to between 1 and 2^32.");
  const draw = stream.nextInt(sum);
  let runningTotal = 0;
  for (let index = 0; index < weights.length; index++) {
    runningTotal += weights[index] as number;
    if (draw < runningTotal) return index;
  }
  throw new Error("unreachable: the draw is below the sum of the weights");
}

/** Fisher–Yates: for i from n-1 down to 1, swap item i with item nextInt(i + 1). Returns a new array. */
export function shuffle<T>(stream: OutcomeStream, items: readonly T[]): T[] {
  const result = [...items];
  for (let i = result.length - 1; i >= 1; i--) {
    const j = stream.nextInt(i + 1);
    const item = result[i] as T;
    result[i] = result[j] as T;
    result[j] = item;
  }
  return result;
}
