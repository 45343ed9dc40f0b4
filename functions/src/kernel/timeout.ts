/**
 * Bounds a promise in time: the RTDB client queues operations forever while disconnected, and SDK calls
 * can hang on a dead connection, so a callable must not wait on them unbounded. The timer is cleared
 * either way, so a settled operation leaves nothing scheduled behind it.
 */
export async function withTimeout<T>(
  promise: PromiseLike<T>,
  ms: number,
  onTimeout: () => Error = () => new Error(`timed out after ${ms} ms`),
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long one RTDB operation may take before a callable gives up on it. */
export const RTDB_TIMEOUT_MS = 10_000;

/** An RTDB operation bounded by RTDB_TIMEOUT_MS, failing with an error that names it. */
export function boundedRtdb<T>(operation: PromiseLike<T>, what: string): Promise<T> {
  return withTimeout(operation, RTDB_TIMEOUT_MS, () => new Error(`RTDB ${what} timed out after ${RTDB_TIMEOUT_MS} ms`));
}
