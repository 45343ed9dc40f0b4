/**
 * Pearson's chi-square goodness-of-fit for the fairness tests: observed counts against expected
 * probabilities, judged at the 0.1% level (a fair mapping fails about one seed in a thousand; the draws
 * use fixed seeds, so a run is reproducible).
 */
export interface ChiSquareResult {
  statistic: number;
  degreesOfFreedom: number;
  critical: number;
  uniform: boolean;
}

/** Upper 0.1% point of chi-square (Wilson–Hilferty; z = 3.0902), accurate to a fraction of a percent for df >= 2. */
function criticalValue(degreesOfFreedom: number): number {
  const k = degreesOfFreedom;
  const z = 3.0902;
  return k * (1 - 2 / (9 * k) + z * Math.sqrt(2 / (9 * k))) ** 3;
}

export function chiSquare(counts: readonly number[], probabilities: readonly number[]): ChiSquareResult {
  const total = counts.reduce((sum, count) => sum + count, 0);
  let statistic = 0;
  counts.forEach((count, i) => {
    const expected = total * (probabilities[i] as number);
    statistic += (count - expected) ** 2 / expected;
  });
  const degreesOfFreedom = counts.length - 1;
  const critical = criticalValue(degreesOfFreedom);
  return { statistic, degreesOfFreedom, critical, uniform: statistic <= critical };
}

/** Draws `samples` values in [0, n) and counts them in `buckets` equal slices of the range (n a multiple of buckets). */
export function bucketCounts(draw: () => number, n: number, buckets: number, samples: number): number[] {
  const counts = new Array<number>(buckets).fill(0);
  const width = n / buckets;
  for (let i = 0; i < samples; i++) counts[Math.floor(draw() / width)] += 1;
  return counts;
}

export const uniform = (buckets: number): number[] => new Array<number>(buckets).fill(1 / buckets);
