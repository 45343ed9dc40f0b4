/** Shared set-up for the RTDB conformance tests: a server per file, real SDK clients per simulated user. */
import { join } from "node:path";
import { deleteApp, type FirebaseApp, initializeApp, setLogLevel } from "firebase/app";
import { connectDatabaseEmulator, type Database, type DataSnapshot, getDatabase, onValue, type Query, ref } from "firebase/database";
import { type App as AdminApp, deleteApp as deleteAdminApp, initializeApp as initializeAdminApp } from "firebase-admin/app";
import { type Database as AdminDatabase, getDatabase as getAdminDatabase } from "firebase-admin/database";
import { type RtdbHandle, startRtdb } from "../../src/rtdb/index.js";

export const PROJECT_ID = "demo-rtdb-test";
export const NAMESPACE = `${PROJECT_ID}-default-rtdb`;
export const TEST_RULES_PATH = join(__dirname, "fixtures", "database.rules.json");

// Denied writes are expected here; keep the SDKs' warnings about them out of the test output.
setLogLevel("error");

export function startTestRtdb(): Promise<RtdbHandle> {
  return startRtdb({ port: 0, namespace: NAMESPACE, rulesPath: TEST_RULES_PATH });
}

let appCounter = 0;

/** Creates SDK instances against one server and deletes them all in cleanup(), so mocha can exit. */
export class TestClients {
  private readonly apps: FirebaseApp[] = [];
  private readonly adminApps: AdminApp[] = [];

  constructor(private readonly rtdb: RtdbHandle) {}

  /** A firebase v12 client on its own connection, signed in as `uid` (mockUserToken), or anonymous. */
  user(uid?: string): { app: FirebaseApp; db: Database } {
    const app = initializeApp({ projectId: PROJECT_ID, databaseURL: this.rtdb.url }, `client-${uid ?? "anonymous"}-${++appCounter}`);
    this.apps.push(app);
    const db = getDatabase(app);
    connectDatabaseEmulator(db, this.rtdb.host, this.rtdb.port, uid === undefined ? {} : { mockUserToken: { sub: uid } });
    return { app, db };
  }

  /**
   * firebase-admin 13 on its own connection (credential "owner"); `authOverride` makes it act as that
   * auth; `namespace` is the ?ns= it addresses (the server has one tree for all).
   */
  admin(authOverride?: object, namespace = NAMESPACE): AdminDatabase {
    const databaseURL = `http://${this.rtdb.emulatorHost}?ns=${namespace}`;
    const options = { projectId: PROJECT_ID, databaseURL, ...(authOverride ? { databaseAuthVariableOverride: authOverride } : {}) };
    const app = initializeAdminApp(options, `admin-${++appCounter}`);
    this.adminApps.push(app);
    // The SDKs read FIREBASE_DATABASE_EMULATOR_HOST when the database instance is created. Set it only
    // for that moment: the client SDK in Node also honours it and would then connect as "owner".
    const previous = process.env.FIREBASE_DATABASE_EMULATOR_HOST;
    process.env.FIREBASE_DATABASE_EMULATOR_HOST = this.rtdb.emulatorHost;
    try {
      return getAdminDatabase(app);
    } finally {
      if (previous === undefined) delete process.env.FIREBASE_DATABASE_EMULATOR_HOST;
      else process.env.FIREBASE_DATABASE_EMULATOR_HOST = previous;
    }
  }

  /** Deletes one client app now (closes its connection). */
  async remove(app: FirebaseApp): Promise<void> {
    this.apps.splice(this.apps.indexOf(app), 1);
    await deleteApp(app);
  }

  async cleanup(): Promise<void> {
    await Promise.all([...this.apps.splice(0).map((app) => deleteApp(app)), ...this.adminApps.splice(0).map((app) => deleteAdminApp(app))]);
  }
}

/** Resolves with the first value of `query` that satisfies `accept`; rejects after `timeoutMs`. */
export function waitForValue(query: Query, accept: (value: unknown) => boolean, timeoutMs = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let last: unknown;
    let settled = false;
    const settle = (outcome: () => void) => {
      settled = true;
      clearTimeout(timer);
      unsubscribe?.();
      outcome();
    };
    const timer = setTimeout(
      () => settle(() => reject(new Error(`timed out waiting at ${query.toString()}; last value ${JSON.stringify(last)}`))),
      timeoutMs,
    );
    // With cached data the callback runs inside onValue(), before `unsubscribe` is assigned.
    let unsubscribe: (() => void) | undefined;
    unsubscribe = onValue(
      query,
      (snapshot) => {
        last = snapshot.val();
        if (!settled && accept(last)) settle(() => resolve(last));
      },
      (error) => settle(() => reject(error)),
    );
    if (settled) unsubscribe();
  });
}

export function waitForConnected(db: Database): Promise<unknown> {
  return waitForValue(ref(db, ".info/connected"), (value) => value === true);
}

/** The keys of a snapshot's children, in the order the query returned them. */
export function orderedKeys(snapshot: DataSnapshot): string[] {
  const keys: string[] = [];
  snapshot.forEach((child) => {
    keys.push(String(child.key));
  });
  return keys;
}
