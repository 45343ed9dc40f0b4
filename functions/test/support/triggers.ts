/**
 * Delivering trigger events in-process: firebase-functions-test (offline mode) builds the payloads;
 * the handlers run against the real emulators. Event ids are chosen by the test so replays can be
 * simulated exactly as Cloud Functions' at-least-once delivery produces them.
 */

import type { CloudFunction as CloudFunctionV1 } from "firebase-functions/v1";
import type { UserRecord } from "firebase-functions/v1/auth";
import type { CloudEvent, CloudFunction } from "firebase-functions/v2";
import type { DatabaseEvent, DataSnapshot } from "firebase-functions/v2/database";
import functionsTest from "firebase-functions-test";
import { makeDataSnapshot } from "firebase-functions-test/lib/providers/database.js";
import { adminApp } from "../../src/kernel/app.js";
import { testStack } from "./stack.js";

let harness: ReturnType<typeof functionsTest> | undefined;

/**
 * firebase-functions-test replaces FIREBASE_CONFIG with the options given here: pass the stack's whole
 * config (database URL included), or admin apps created after this would not find the RTDB.
 */
export function fft(): ReturnType<typeof functionsTest> {
  harness ??= functionsTest(JSON.parse(process.env.FIREBASE_CONFIG ?? "{}"));
  return harness;
}

export interface AuthUserFields {
  uid: string;
  email?: string;
  displayName?: string;
  phoneNumber?: string;
  customClaims?: Record<string, unknown>;
}

export function deliverAuthUserCreated(fn: CloudFunctionV1<UserRecord>, user: AuthUserFields, eventId: string): Promise<unknown> {
  const record = fft().auth.makeUserRecord(user as unknown as Record<string, string>);
  return fn.run(record, {
    eventId,
    eventType: "providers/firebase.auth/eventTypes/user.create",
    resource: { service: "firebaseauth.googleapis.com", name: `projects/${process.env.GCLOUD_PROJECT}` },
    timestamp: new Date().toISOString(),
    params: {},
  }) as Promise<unknown>;
}

export function deliverDocumentCreated<E extends CloudEvent<unknown>>(
  fn: CloudFunction<E>,
  path: string,
  data: Record<string, unknown>,
  eventId: string,
  params: Record<string, string> = {},
): Promise<unknown> {
  const snapshot = fft().firestore.makeDocumentSnapshot(data, path);
  const event = {
    specversion: "1.0",
    id: eventId,
    source: `//firestore.googleapis.com/projects/${process.env.GCLOUD_PROJECT}/databases/(default)`,
    type: "google.cloud.firestore.document.v1.created",
    time: new Date().toISOString(),
    subject: `documents/${path}`,
    data: snapshot,
    params,
    document: path,
  } as unknown as E;
  return fn.run(event) as Promise<unknown>;
}

/** An onDocumentUpdated event built like deliverDocumentCreated builds a created one. */
export function deliverDocumentUpdated<E extends CloudEvent<unknown>>(
  fn: CloudFunction<E>,
  path: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  eventId: string,
  params: Record<string, string> = {},
): Promise<unknown> {
  const harness = fft();
  const change = harness.makeChange(harness.firestore.makeDocumentSnapshot(before, path), harness.firestore.makeDocumentSnapshot(after, path));
  const event = {
    specversion: "1.0",
    id: eventId,
    source: `//firestore.googleapis.com/projects/${process.env.GCLOUD_PROJECT}/databases/(default)`,
    type: "google.cloud.firestore.document.v1.updated",
    time: new Date().toISOString(),
    subject: `documents/${path}`,
    data: change,
    params,
    document: path,
  } as unknown as E;
  return fn.run(event) as Promise<unknown>;
}

/**
 * Delivers an RTDB event in-process, as Cloud Functions would (at least once: pick the event id to
 * simulate a redelivery). The snapshot is firebase-functions-test's makeDataSnapshot over the kernel's
 * admin app, so handlers reading `event.data.ref` reach the same database as the rest of the code.
 */
export function deliverDatabaseEvent<Params extends Record<string, string>>(
  fn: CloudFunction<DatabaseEvent<DataSnapshot, Params>>,
  kind: "created" | "deleted",
  path: string,
  value: unknown,
  eventId: string,
  params: Params,
): Promise<unknown> {
  const instance = testStack().databaseNamespace;
  const event = {
    specversion: "1.0",
    id: eventId,
    source: `//firebasedatabase.googleapis.com/projects/_/locations/us-central1/instances/${instance}`,
    type: `google.firebase.database.ref.v1.${kind}`,
    time: new Date().toISOString(),
    data: makeDataSnapshot(value as object | null, path, adminApp() as unknown as Parameters<typeof makeDataSnapshot>[2]),
    params,
    ref: path,
    instance,
    firebaseDatabaseHost: "firebaseio.com",
    location: "us-central1",
    authType: "admin",
  } as unknown as DatabaseEvent<DataSnapshot, Params>;
  return fn.run(event) as Promise<unknown>;
}
