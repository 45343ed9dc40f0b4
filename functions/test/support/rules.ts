/**
 * Rules tests: @firebase/rules-unit-testing against the stack's Firestore emulator (its own project,
 * so rules and data stay apart from the other tests), and client SDK connections to the RTDB with
 * mock user tokens, exactly as the apps connect.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { initializeTestEnvironment, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { deleteApp, type FirebaseApp, initializeApp, setLogLevel as setAppLogLevel } from "firebase/app";
import { connectDatabaseEmulator, type Database, getDatabase } from "firebase/database";
import { setLogLevel } from "firebase/firestore";
import { testStack } from "./stack.js";

const ROOT = join(__dirname, "..", "..", "..");

export async function firestoreRulesEnvironment(projectId = "demo-rules"): Promise<RulesTestEnvironment> {
  // Denied writes are the point of these tests; the SDK would log each one as a warning.
  setLogLevel("silent");
  const [host, port] = testStack().firestore.split(":");
  return initializeTestEnvironment({
    projectId,
    firestore: { host: host as string, port: Number(port), rules: readFileSync(join(ROOT, "firestore.rules"), "utf8") },
  });
}

let appCounter = 0;

export interface RtdbClient {
  db: Database;
  close(): Promise<void>;
}

/** A client SDK connection to the stack's RTDB as `uid` (with extra token claims), or anonymous. */
export function rtdbClient(uid: string | null, claims: Record<string, unknown> = {}): RtdbClient {
  const stack = testStack();
  const app: FirebaseApp = initializeApp(
    { projectId: stack.projectId, databaseURL: `http://${stack.database}?ns=${stack.databaseNamespace}` },
    `rtdb-rules-${++appCounter}`,
  );
  // In Node the client SDK also honours FIREBASE_DATABASE_EMULATOR_HOST, and connects as the admin
  // ("owner") when it is set at creation: hide it for that moment, then connect as this user.
  const hidden = process.env.FIREBASE_DATABASE_EMULATOR_HOST;
  delete process.env.FIREBASE_DATABASE_EMULATOR_HOST;
  let db: Database;
  try {
    db = getDatabase(app);
  } finally {
    if (hidden !== undefined) process.env.FIREBASE_DATABASE_EMULATOR_HOST = hidden;
  }
  const [host, port] = stack.database.split(":");
  connectDatabaseEmulator(db, host as string, Number(port), uid ? { mockUserToken: { sub: uid, user_id: uid, ...claims } } : {});
  return { db, close: () => deleteApp(app) };
}

/** RTDB rules clients for a suite: client(uid) opens one, and every one opened is closed after each test. */
export function useRtdbClients(): (uid: string | null) => Database {
  // Denied writes are the point of these tests; the SDK would log each one as a warning.
  setAppLogLevel("silent");
  const open: RtdbClient[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((client) => client.close()));
  });
  return (uid) => {
    const client = rtdbClient(uid);
    open.push(client);
    return client.db;
  };
}

/** The RTDB counterpart of assertFails: the operation is refused by the rules. */
export async function denied(operation: Promise<unknown>): Promise<void> {
  await assert.rejects(operation, /permission|PERMISSION_DENIED/i);
}
