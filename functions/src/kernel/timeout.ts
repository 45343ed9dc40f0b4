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
