/**
 * Firestore transactions with one more layer of retry. The SDK retries ABORTED contention itself; but
 * when the server expires a contended transaction (seen with the emulator under many concurrent
 * transactions on one document), the next call answers INVALID_ARGUMENT "Transaction is invalid or
 * closed", which the SDK does not retry. Nothing was committed then, and every caller here is
 * idempotent by key, so running the whole transaction again is safe.
 */
import type { Transaction } from "firebase-admin/firestore";
import { db } from "./app.js";

const EXPIRED_TRANSACTION = /transaction is invalid or closed|transaction has expired/i;
const WHOLE_ATTEMPTS = 3;

export function isExpiredTransaction(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 3 && EXPIRED_TRANSACTION.test(String((err as Error)?.message));
}

export async function runTransaction<T>(work: (tx: Transaction) => Promise<T>, options: { maxAttempts?: number } = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db().runTransaction(work, options);
    } catch (err) {
      if (!isExpiredTransaction(err) || attempt >= WHOLE_ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100));
    }
  }
}
