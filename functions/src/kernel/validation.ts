/** zod at the edge: bad input becomes invalid-argument with per-field details, before any I/O. */
import * as z from "zod";
import { fail } from "./errors.js";

export interface FieldIssue {
  path: string;
  message: string;
  code: string;
}

export function parse<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
    code: issue.code,
  }));
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
  return fail("invalid-argument", `Invalid request: ${summary}`, { issues });
}

/**
 * Ids safe both as Firestore document ids and as Realtime Database keys (no . $ # [ ] /): letters,
 * digits, _ and -. `label` names the field in the message ("uid may contain ...").
 */
export function keySafeId(options: { max?: number; label?: string } = {}) {
  const subject = options.label ? `${options.label} may` : "may";
  return z
    .string()
    .min(1)
    .max(options.max ?? 128)
    .regex(/^[A-Za-z0-9_-]+$/, `${subject} contain letters, digits, _ and - only`);
}

/** A key-safe id of up to 128 characters (gift, stream, battle, venue ids). */
export const KeySafeIdSchema = keySafeId();
/** A Firebase uid that is also key-safe (it becomes RTDB keys and document ids). */
export const KeySafeUidSchema = keySafeId({ label: "uid" });

/**
 * A uid as Firebase Auth may issue it (1–128 characters, never "/"), for uids the callables did not admit
 * themselves: provider payloads (store purchases, Checkout metadata), venue gifts read from the ledger.
 * Safe as a document id; not necessarily as an RTDB key (KeySafeUidSchema is).
 */
export const AuthUidSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^/]+$/, "must not contain /");

/** A BCP-47 language tag (e.g. pt-BR), as Intl reads it. */
export const LanguageTagSchema = z
  .string()
  .min(2)
  .max(35)
  .refine((tag) => {
    try {
      return Intl.getCanonicalLocales(tag).length === 1;
    } catch {
      return false;
    }
  }, "language must be a BCP-47 tag (e.g. pt-BR)");

/** A pagination cursor the server handed out: never empty (omit it for the first page). */
export const CursorSchema = z.string().min(1, "cursor must not be empty: omit it for the first page").max(512);

/**
 * A request whose fields are all optional: null and undefined (what the client SDKs send when a
 * callable is called with no argument) mean "all defaults", so defaults apply either way.
 */
export function nullMeansDefaults<S extends z.ZodType>(schema: S) {
  return z.preprocess((value) => value ?? {}, schema);
}
