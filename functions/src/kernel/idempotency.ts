/**
 * Idempotency: an operation's key is stored with its result inside the same Firestore transaction that
 * does the work. A retry (client resend, webhook redelivery, trigger re-run) finds the record and
 * returns the first result without touching anything else; the transaction makes this hold under races.
 */
import { createHash } from "node:crypto";
import type { Transaction } from "firebase-admin/firestore";
import * as z from "zod";
import { db, firestoreValues } from "./app.js";
import { Collections } from "./collections.js";
import { fail } from "./errors.js";
import { runTransaction } from "./transactions.js";

/** Client-generated request ids (a UUID is typical). Bounded and path-safe. */
export const RequestIdSchema = z
  .string()
  .min(8, "requestId must be at least 8 characters")
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, "requestId may contain letters, digits and _ . : - only");

export interface IdempotencyScope {
  /** The operation, e.g. "users.setRoles" or "trigger:users.countNewUser". */
  scope: string;
  /** The caller-supplied or derived key (request id, event id). */
  key: string;
  /** Whose key it is: two users may pick the same request id without colliding. */
  owner?: string;
  /** The request payload: reusing a key with a different payload is refused, not silently replayed. */
  payload?: unknown;
  /** How long the record is kept (a Firestore TTL policy on expiresAt deletes it). */
  retainDays?: number;
}

export interface IdempotentOutcome<T> {
  result: T;
  replayed: boolean;
}

const DEFAULT_RETAIN_DAYS = 30;

export function idempotencyDocId(scope: string, owner: string, key: string): string {
  return createHash("sha256").update(`${scope}\u0000${owner}\u0000${key}`).digest("hex");
}

/** Stable JSON (sorted keys), so equal payloads hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export function fingerprint(payload: unknown): string {
  return createHash("sha256").update(canonicalJson(payload)).digest("hex");
}

/**
 * Runs `work` at most once per (scope, owner, key). `work` receives the transaction and must do all
 * its reads before its writes (Firestore's rule); the idempotency record is written last.
 * The result must be plain JSON data: it is stored and returned verbatim on replays.
 */
export async function runIdempotent<T>(
  options: IdempotencyScope,
  work: (tx: Transaction) => Promise<T>,
  transactionOptions: { maxAttempts?: number } = {},
): Promise<IdempotentOutcome<T>> {
  const owner = options.owner ?? "-";
  const ref = db()
    .collection(Collections.idempotency)
    .doc(idempotencyDocId(options.scope, owner, options.key));
  const payloadHash = fingerprint(options.payload ?? null);
  return runTransaction(
    async (tx) => {
      const existing = await tx.get(ref);
      if (existing.exists) {
        const record = existing.data() as { fingerprint: string; result: T };
        if (record.fingerprint !== payloadHash) {
          fail("failed-precondition", "This request id was already used for a different request.", {
            scope: options.scope,
          });
        }
        return { result: record.result, replayed: true };
      }
      const result = await work(tx);
      const { FieldValue, Timestamp } = firestoreValues();
      const retainMs = (options.retainDays ?? DEFAULT_RETAIN_DAYS) * 86_400_000;
      tx.create(ref, {
        scope: options.scope,
        owner,
        key: options.key,
        fingerprint: payloadHash,
        result: result === undefined ? null : result,
        createdAt: FieldValue.serverTimestamp(),
        expiresAt: Timestamp.fromMillis(Date.now() + retainMs),
      });
      return { result, replayed: false };
    },
    { maxAttempts: transactionOptions.maxAttempts ?? 10 },
  );
}

/** Triggers: Cloud Functions deliver at least once, so a handler runs once per event id. */
export function runOncePerEvent<T>(scope: string, eventId: string, work: (tx: Transaction) => Promise<T>): Promise<IdempotentOutcome<T>> {
  return runIdempotent({ scope: `event:${scope}`, key: eventId, retainDays: 7 }, work);
}
