/**
 * Runs `work` over `items` with at most `limit` in flight: jobs that sweep many documents or venues keep
 * a few transactions going at once instead of one at a time or all together. Items are taken in order;
 * `work` handles its own failures (a rejection stops the lane it ran in and is rethrown).
 */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  });
  await Promise.all(lanes);
}
