/**
 * End to end: a stack (startStack, as `npm start` and the tests run it) for a fixture project whose
 * functions are real v2 Realtime Database triggers (fixtures/rtdb-triggers/functions/index.js) in the
 * functions emulator. Clients write as the apps do; each function records the event it received.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deleteApp, type FirebaseApp, initializeApp } from "firebase/app";
import { connectDatabaseEmulator, type Database, getDatabase, onDisconnect, ref, set, update } from "firebase/database";
import { type Stack, startStack } from "../src/stack.js";

const ROOT = join(__dirname, "..", "..");
const PROJECT_ID = "demo-rtdb-triggers";

interface Observed {
  id: string;
  type: string;
  source: string;
  ref: string;
  instance: string;
  location: string;
  params: Record<string, string>;
  authType: string;
  authId: string | null;
  [field: string]: unknown;
}

/** A root with the fixture project, linked to this checkout's installed packages. */
function fixtureRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "devstack-rtdb-triggers-"));
  cpSync(join(__dirname, "fixtures", "rtdb-triggers"), root, { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(root, "node_modules"), "dir");
  symlinkSync(join(ROOT, "functions", "node_modules"), join(root, "functions", "node_modules"), "dir");
  return root;
}

describe("devstack: Realtime Database triggers run in the functions emulator", function () {
  this.timeout(120_000);
  let root: string;
  let stack: Stack;
  const apps: FirebaseApp[] = [];

  before(async () => {
    root = fixtureRoot();
    // watchRules: as `npm start` runs it, keeping trigger registrations in step with hot reloads.
    stack = await startStack({ rootDir: root, projectId: PROJECT_ID, ports: "free", functions: true, watchRules: true });
  });

  after(async () => {
    await Promise.all(apps.map((app) => deleteApp(app)));
    await stack?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  /** The client SDK as `uid`, on the stack's namespace (as an app connects). */
  function client(uid: string): { app: FirebaseApp; db: Database } {
    const app = initializeApp(
      { projectId: PROJECT_ID, databaseURL: `http://${stack.endpoints.database}?ns=${stack.endpoints.databaseNamespace}` },
      `rtdb-trigger-${uid}`,
    );
    apps.push(app);
    // In Node the client SDK honours FIREBASE_DATABASE_EMULATOR_HOST (set by the test run's own stack)
    // and would connect there as the admin: hide it while the database is created.
    const hidden = process.env.FIREBASE_DATABASE_EMULATOR_HOST;
    delete process.env.FIREBASE_DATABASE_EMULATOR_HOST;
    try {
      const db = getDatabase(app);
      connectDatabaseEmulator(db, stack.rtdb.host, stack.rtdb.port, { mockUserToken: { sub: uid, user_id: uid } });
      return { app, db };
    } finally {
      if (hidden !== undefined) process.env.FIREBASE_DATABASE_EMULATOR_HOST = hidden;
    }
  }

  async function rest(method: string, path: string, body?: unknown, namespace = stack.endpoints.databaseNamespace): Promise<unknown> {
    const response = await fetch(`http://${stack.endpoints.database}/${path}.json?ns=${namespace}`, {
      method,
      headers: { authorization: "Bearer owner" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.equal(response.status, 200, await response.clone().text());
    return response.json();
  }

  /** What the fixture's functions recorded under observed/<kind>, once `count` records are there. */
  async function observed(kind: string, count: number): Promise<Observed[]> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const records = Object.values(((await rest("GET", `observed/${kind}`)) ?? {}) as Record<string, Observed>);
      if (records.length >= count) return records;
      if (Date.now() > deadline) throw new Error(`observed/${kind}: ${records.length} of ${count} records after 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it("lists the fixture's database triggers", () => {
    assert.deepEqual(stack.databaseTriggers?.triggers.map((trigger) => trigger.id).sort(), [
      "us-central1-anyLogWritten",
      "us-central1-chatMessageCreated",
      "us-central1-presenceDeleted",
      "us-central1-seatUpdated",
    ]);
  });

  it("a chat message written by a client fires onValueCreated with its data, params and author", async () => {
    const { db } = client("viewer-1");
    await set(ref(db, "chat/stream_live1/m1"), { uid: "viewer-1", text: "hello" });
    const [event] = await observed("created", 1);
    assert.ok(event);
    const namespace = stack.endpoints.databaseNamespace;
    assert.deepEqual(
      { ...event, id: typeof event.id },
      {
        id: "string",
        type: "google.firebase.database.ref.v1.created",
        source: `//firebasedatabase.googleapis.com/projects/_/locations/us-central1/instances/${namespace}`,
        ref: "chat/stream_live1/m1",
        instance: namespace,
        location: "us-central1",
        params: { venueKey: "stream_live1", messageId: "m1" },
        authType: "app_user",
        authId: "viewer-1",
        value: { uid: "viewer-1", text: "hello" },
        key: "m1",
      },
    );
  });

  it("a client's multi-path update fires onValueUpdated for the seat that existed, with before and after", async () => {
    await rest("PUT", "rooms/room_1/seats", { s0: { uid: "host-1", muted: false } });
    const { db } = client("host-1");
    await update(ref(db, "rooms/room_1/seats"), { "s0/muted": true, "s1/uid": "guest-2" });
    const [event, ...more] = await observed("updated", 1);
    assert.deepEqual(
      { params: event?.params, before: event?.before, after: event?.after, authId: event?.authId },
      { params: { roomId: "room_1", seat: "s0" }, before: { uid: "host-1", muted: false }, after: { uid: "host-1", muted: true }, authId: "host-1" },
    );
    assert.equal(more.length, 0, "s1 was created, not updated");
  });

  it("onDisconnect().remove() fires onValueDeleted when the client goes away", async () => {
    const { app, db } = client("viewer-2");
    await set(ref(db, "presence/stream_live1/viewer-2"), { at: 1 });
    await onDisconnect(ref(db, "presence/stream_live1/viewer-2")).remove();
    await deleteApp(app);
    apps.splice(apps.indexOf(app), 1);
    const [event] = await observed("deleted", 1);
    assert.deepEqual({ params: event?.params, value: event?.value }, { params: { venueKey: "stream_live1", uid: "viewer-2" }, value: { at: 1 } });
  });

  it("an admin REST write fires onValueWritten on a {path=**} pattern; the in-process project's namespace fires nothing", async () => {
    await rest("PUT", "logs/a/b", { n: 1 }, "demo-unit-default-rtdb");
    await rest("PUT", "logs/a/c", { n: 2 });
    await observed("written", 1);
    await stack.databaseTriggers?.settled(); // every function run has finished
    const [event, ...more] = await observed("written", 1);
    assert.deepEqual(
      // RTDB stores no nulls: the recorded `before: null` comes back absent.
      { ref: event?.ref, params: event?.params, before: event?.before ?? null, after: event?.after, authType: event?.authType },
      { ref: "logs/a/c", params: { path: "a/c" }, before: null, after: { n: 2 }, authType: "admin" },
    );
    assert.equal(more.length, 0, "the write to demo-unit-default-rtdb fired nothing");
  });

  it("after a hot reload, the changed trigger fires at its new path and the others under their new keys", async () => {
    const source = join(root, "functions", "index.js");
    writeFileSync(
      source,
      readFileSync(source, "utf8").replace('onValueCreated("/chat/{venueKey}/{messageId}"', 'onValueCreated("/messages/{venueKey}/{messageId}"'),
    );
    const deadline = Date.now() + 60_000;
    while (!stack.databaseTriggers?.triggers.some((trigger) => trigger.ref === "messages/{venueKey}/{messageId}")) {
      if (Date.now() > deadline) throw new Error("the reloaded trigger was not picked up within 60 s");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await rest("PUT", "chat/stream_live1/m2", { uid: "viewer-1", text: "old path" });
    await rest("PUT", "messages/stream_live1/m3", { uid: "viewer-1", text: "new path" });
    await rest("PUT", "logs/after-reload", { n: 3 });
    await observed("created", 2);
    await observed("written", 2); // an unchanged trigger, now under a new key
    await stack.databaseTriggers?.settled();
    assert.deepEqual(
      (await observed("created", 2)).map((event) => event.ref),
      ["chat/stream_live1/m1", "messages/stream_live1/m3"],
    );
  });
});
