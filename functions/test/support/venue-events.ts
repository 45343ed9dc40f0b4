/** Shared by the venues and chat tests: chat messages as the app writes them, RTDB events delivered in-process. */
import { type Database as ClientDatabase, push, ref, serverTimestamp, update } from "firebase/database";
import type { CloudFunction } from "firebase-functions/v2";
import type { DatabaseEvent, DataSnapshot } from "firebase-functions/v2/database";
import { makeDataSnapshot } from "firebase-functions-test/lib/providers/database.js";
import { adminApp } from "../../src/kernel/app.js";
import { testStack } from "./stack.js";

/**
 * A chat message as the app writes it: the message and the sender's rate stamp in one update, the stamp
 * naming the message it carries ({ at: server time, messageId }).
 */
export function sendChat(
  db: ClientDatabase,
  venueKey: string,
  uid: string,
  message: Record<string, unknown>,
  options: { rateUid?: string; withRate?: boolean } = {},
): Promise<string> {
  const key = push(ref(db, `chat/${venueKey}`)).key as string;
  const paths: Record<string, unknown> = { [`chat/${venueKey}/${key}`]: { uid, createdAt: serverTimestamp(), ...message } };
  if (options.withRate !== false) paths[`chatRate/${venueKey}/${options.rateUid ?? uid}`] = { at: serverTimestamp(), messageId: key };
  return update(ref(db), paths).then(() => key);
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
