/**
 * Error mapping: every failure leaving a callable is an HttpsError with a stable code.
 * Expected failures are thrown with `fail()`; anything else is logged and surfaced as `internal`
 * without leaking its message to the client.
 */
import type { FunctionsErrorCode, HttpsError } from "firebase-functions/v2/https";
import { log } from "./logger.js";

export type ErrorCode = FunctionsErrorCode;

/**
 * The https provider brings the Admin SDK's auth and App Check (jose, jwks) with it: required on the
 * first error, so a trigger or a job that throws none never loads it (a callable has it already).
 */
function httpsErrorClass(): typeof HttpsError {
  return (require("firebase-functions/v2/https") as typeof import("firebase-functions/v2/https")).HttpsError;
}

export function fail(code: ErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new (httpsErrorClass())(code, message, details);
}

/**
 * A refusal the client can act on: details.reason is one of the refusing domain's declared reasons (the
 * `…RefusalSchema` enum in its schema.ts), named as the type argument so the compiler checks the value:
 * `refuse<RoomRefusal>("permission-denied", "password-required", "This room needs a password.")`.
 */
export function refuse<Reason extends string = never>(
  code: ErrorCode,
  reason: NoInfer<Reason>,
  message: string,
  details?: Record<string, unknown>,
): never {
  throw new (httpsErrorClass())(code, message, { reason, ...details });
}

/** Firestore/gRPC status codes that callers can act on, mapped to the callable vocabulary. */
const GRPC_TO_HTTPS: Record<number, ErrorCode> = {
  4: "deadline-exceeded",
  5: "not-found",
  6: "already-exists",
  8: "resource-exhausted",
  9: "failed-precondition",
  10: "aborted",
  14: "unavailable",
};

export function toHttpsError(err: unknown, context: Record<string, unknown> = {}): HttpsError {
  const HttpsError = httpsErrorClass();
  if (err instanceof HttpsError) return err;
  const grpcCode = typeof (err as { code?: unknown })?.code === "number" ? (err as { code: number }).code : undefined;
  const mapped = grpcCode !== undefined ? GRPC_TO_HTTPS[grpcCode] : undefined;
  if (mapped === "aborted" || mapped === "unavailable" || mapped === "deadline-exceeded") {
    log.warn("transient backend error", { ...context, grpcCode, error: String(err) });
    return new HttpsError(mapped, "The service is busy, please retry.");
  }
  log.error("unexpected error", { ...context, grpcCode, error: err instanceof Error ? err.stack : String(err) });
  return new HttpsError("internal", "Internal error.");
}
