/**
 * Malformed payloads over HTTP, table-driven: for each callable a valid-shaped base payload, from which
 * the payloads a client could get wrong are derived (not an object, an unknown field, each required field
 * missing, each field of the wrong type, a 100,000-character string), plus hand-written cases.
 */
import assert from "node:assert/strict";
import type { Firestore } from "firebase-admin/firestore";
import { allDocuments } from "../../../devstack/src/seed.js";
import { callOverHttp } from "./callables.js";
import type { SignedUp } from "./e2e.js";
import { waitUntil } from "./firestore.js";

export interface CallableCase {
  name: string;
  base: Record<string, unknown>;
  /** Fields the callable accepts missing. */
  optional?: string[];
  /** The callable takes null as "every default". */
  nullAllowed?: boolean;
  more?: Record<string, unknown>[];
}

const HUGE = "x".repeat(100_000);
const wrongTypeOf = (value: unknown): unknown =>
  typeof value === "string" ? 12345 : typeof value === "number" ? "12" : typeof value === "boolean" ? "true" : value === null ? 7 : "not-a-list";

export function malformedPayloads({ base, optional = [], nullAllowed = false, more = [] }: CallableCase): unknown[] {
  const payloads: unknown[] = [...(nullAllowed ? [] : [null]), "a string", [base], { ...base, unexpected: true }];
  for (const [field, value] of Object.entries(base)) {
    if (!optional.includes(field)) payloads.push(Object.fromEntries(Object.entries(base).filter(([key]) => key !== field)));
    payloads.push({ ...base, [field]: wrongTypeOf(value) });
    if (typeof value === "string") payloads.push({ ...base, [field]: HUGE });
    if (Array.isArray(value)) payloads.push({ ...base, [field]: [HUGE] });
  }
  return [...payloads, ...more];
}

/** Every document path, once the sign-up triggers have stopped writing (the same paths twice, 2 s apart). */
async function settledPaths(firestore: Firestore): Promise<string[]> {
  let last = "";
  return waitUntil(
    "the sign-up triggers' writes",
    async () => {
      const paths = Object.keys(await allDocuments(firestore));
      if (JSON.stringify(paths) === last) return paths;
      last = JSON.stringify(paths);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      return null;
    },
    60_000,
  );
}

/**
 * Sends every malformed payload of every case over HTTP, one at a time (the emulator starts a worker per
 * concurrent request), the callers taking turns (rate limits are checked before the payload): each reply
 * must be invalid-argument, and Firestore must hold the same documents afterwards.
 */
export async function expectMalformedRefused(firestore: Firestore, cases: CallableCase[], callers: SignedUp[]): Promise<void> {
  const before = await settledPaths(firestore);
  let turn = 0;
  const failures: string[] = [];
  for (const callable of cases) {
    for (const payload of malformedPayloads(callable)) {
      const caller = callers[turn++ % callers.length] as SignedUp;
      const reply = await callOverHttp(callable.name, payload, caller.idToken);
      if (reply.error?.status !== "INVALID_ARGUMENT") {
        failures.push(
          `${callable.name} ${JSON.stringify(payload).slice(0, 120)} → ${reply.status} ${JSON.stringify(reply.error ?? reply.result).slice(0, 200)}`,
        );
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(Object.keys(await allDocuments(firestore)), before);
}
