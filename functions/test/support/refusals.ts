/** Refusals of pure checks, which throw an HttpsError like the callables they serve: what unit tests compare. */
import { HttpsError } from "firebase-functions/v2/https";

export interface Refusal {
  code: HttpsError["code"];
  message: string;
  details: Record<string, unknown>;
}

/** Runs `check`: null when it passes, else the HttpsError it threw (anything else is rethrown). */
export function refusalOf(check: () => unknown): Refusal | null {
  try {
    check();
    return null;
  } catch (err) {
    if (!(err instanceof HttpsError)) throw err;
    return { code: err.code, message: err.message, details: (err.details ?? {}) as Record<string, unknown> };
  }
}

/** The refusal's details.reason, or null when `check` passes. */
export const reasonOf = (check: () => unknown): unknown => {
  const refusal = refusalOf(check);
  return refusal ? (refusal.details.reason ?? refusal.code) : null;
};
