/**
 * Firestore transactions with one more layer of retry, and contention that always surfaces as ABORTED.
 *
 * The SDK retries ABORTED contention itself; but when the server expires a contended transaction (seen
 * with the emulator under many concurrent transactions on one document), the next call answers
 * INVALID_ARGUMENT "Transaction is invalid or closed", which the SDK does not retry. Nothing was
 * committed then, and every caller here is idempotent by key, so running the whole transaction again is
 * safe. And when the SDK's own backoff gives up (after MAX_RETRY_ATTEMPTS, whatever maxAttempts says) it
 * throws a plain Error without a code, which a callable would report as `internal`: both become
 * ABORTED here, which callers see as `aborted` — retryable with the same request id.
 */
import type { Transaction } from "firebase-admin/firestore";
import { db } from "./app.js";

const EXPIRED_TRANSACTION = /transaction is invalid or closed|transaction has expired/i;
const RETRIES_EXHAUSTED = /exceeded maximum number of retries/i;
const WHOLE_ATTEMPTS = 3;
/** gRPC ABORTED: what kernel/errors.ts maps to the callable code `aborted`. */
const ABORTED = 10;
/** gRPC ALREADY_EXISTS: what a `create()` of an existing document throws. */
const ALREADY_EXISTS = 6;

/** Whether a Firestore write failed because `create()` found the document there already. */
export function isAlreadyExists(err: unknown): boolean {
  return (err as { code?: unknown } | undefined)?.code === ALREADY_EXISTS;
}

export function isExpiredTransaction(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 3 && EXPIRED_TRANSACTION.test(String((err as Error)?.message));
}

function isRetriesExhausted(err: unknown): boolean {
  return (err as { code?: unknown })?.code === undefined && RETRIES_EXHAUSTED.test(String((err as Error)?.message));
}

function contention(err: unknown): Error {
  return Object.assign(new Error(`transaction contention: ${(err as Error)?.message ?? String(err)}`), { code: ABORTED, cause: err });
}

export async function runTransaction<T>(work: (tx: Transaction) => Promise<T>, options: { maxAttempts?: number } = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db().runTransaction(work, options);
    } catch (err) {
      if (isRetriesExhausted(err)) throw contention(err);
      if (!isExpiredTransaction(err)) throw err;
      if (attempt >= WHOLE_ATTEMPTS) throw contention(err);
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100));
    }
  }
}
