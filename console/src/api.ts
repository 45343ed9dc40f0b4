/** What the pages share about calls: the page shape of cursor-paged lists, error messages, request ids. */
import { refusalReason } from "@live-platform/client";

/** A cursor-paged list as the operations callables return it. */
export interface Page<Row = Record<string, unknown>> {
  items: Row[];
  nextCursor: string | null;
}

/** A message for an operator: the server's message, with the refusal reason when there is one. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const reason = refusalReason(error);
  return reason ? `${message} (${reason})` : message;
}

/** A fresh idempotency key per operator action. */
export function newRequestId(): string {
  return crypto.randomUUID();
}
