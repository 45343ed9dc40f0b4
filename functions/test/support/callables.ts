/** Calling callables: in-process through the real onCall function, or over HTTP against the functions emulator. */
import assert from "node:assert/strict";
import type { CallableFunction, CallableRequest } from "firebase-functions/v2/https";
import { HttpsError } from "firebase-functions/v2/https";
import { callOverHttp as callStackOverHttp } from "../../../devstack/src/smoke.js";
import { testStack } from "./stack.js";
import type { TestUser } from "./users.js";

export interface InProcessCall {
  data?: unknown;
  user?: Pick<TestUser, "callAuth"> | null;
  ip?: string;
  /** Raw request headers (e.g. x-forwarded-for as the platform's front end passes it). */
  headers?: Record<string, string>;
  app?: CallableRequest["app"];
}

/** Runs the deployed function's own handler (`.run`), so guards, limits and validation all apply. */
export function callInProcess<Result>(fn: CallableFunction<unknown, Promise<Result>>, call: InProcessCall = {}): Promise<Result> {
  const request = {
    data: call.data ?? null,
    auth: call.user ? call.user.callAuth : undefined,
    app: call.app,
    rawRequest: { ip: call.ip ?? "203.0.113.7", headers: call.headers ?? {} },
    acceptsStreaming: false,
  } as unknown as CallableRequest<unknown>;
  return fn.run(request);
}

/** Asserts that `promise` rejects with an HttpsError of `code`; returns it for further checks. */
export async function expectHttpsError(promise: Promise<unknown>, code: HttpsError["code"]): Promise<HttpsError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof HttpsError, `expected an HttpsError, got ${String(err)}`);
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    return err;
  }
  assert.fail(`expected the call to fail with ${code}, but it succeeded`);
}

export function callOverHttp(name: string, data: unknown, idToken?: string) {
  return callStackOverHttp(testStack(), name, data, idToken);
}
