/**
 * Database triggers on the offline server: every kind of write (SDK set/update/transaction, server
 * values, onDisconnect, REST, admin) raises the events a v2 trigger would get, with that write's
 * before and after, delivered after the write in order per ref, and never holding the write up.
 */
import assert from "node:assert/strict";
import { increment, onDisconnect, ref, remove, runTransaction, serverTimestamp, set, update } from "firebase/database";
import type { DatabaseCloudEvent, DatabaseEventType } from "../../src/rtdb/events.js";
import type { RtdbHandle } from "../../src/rtdb/index.js";
import { type DatabaseTrigger, type DatabaseTriggers, startDatabaseTriggers } from "../../src/triggers.js";
import { NAMESPACE, startTestRtdb, TestClients, waitForConnected } from "./support.js";

const CREATED: DatabaseEventType = "google.firebase.database.ref.v1.created";
const UPDATED: DatabaseEventType = "google.firebase.database.ref.v1.updated";
const WRITTEN: DatabaseEventType = "google.firebase.database.ref.v1.written";
const DELETED: DatabaseEventType = "google.firebase.database.ref.v1.deleted";

const TRIGGERS: DatabaseTrigger[] = [
  { id: "us-central1-chatCreated", eventType: CREATED, ref: "public/chat/{venueKey}/{messageId}", instance: "*" },
  { id: "us-central1-seatWritten", eventType: WRITTEN, ref: "rooms/{room}/seats/{seat}", instance: "*" },
  { id: "us-central1-counterUpdated", eventType: UPDATED, ref: "counters/{name}", instance: "*" },
  { id: "us-central1-presenceDeleted", eventType: DELETED, ref: "presence/{uid}", instance: NAMESPACE },
  { id: "us-central1-stampWritten", eventType: WRITTEN, ref: "stamps/{uid}", instance: "*" },
];

interface Delivered {
  trigger: string;
  ref: string;
  before: unknown;
  after: unknown;
  auth: string;
}

/** What the handler would see: before, and after rebuilt from the delta like firebase-functions does. */
function describeEvent(trigger: string, event: DatabaseCloudEvent): Delivered {
  const merge = (before: unknown, delta: unknown): unknown => {
    if (typeof before !== "object" || before === null || typeof delta !== "object" || delta === null) return delta;
    const merged: Record<string, unknown> = { ...(before as Record<string, unknown>) };
    for (const [key, value] of Object.entries(delta)) {
      if (value === null) delete merged[key];
      else merged[key] = merge(merged[key], value);
    }
    return merged;
  };
  return {
    trigger: trigger.replace("us-central1-", ""),
    ref: event.ref,
    before: event.data.data,
    after: merge(event.data.data, event.data.delta),
    auth: event.authtype === "app_user" ? `user:${event.authid}` : String(event.authtype),
  };
}

describe("offline RTDB: database triggers", () => {
  let rtdb: RtdbHandle;
  let clients: TestClients;
  let triggers: DatabaseTriggers;
  let delivered: Delivered[];
  let raw: DatabaseCloudEvent[];
  /** Replaced per test where delivery must be slow or fail. */
  let deliver: (triggerId: string, event: DatabaseCloudEvent) => Promise<Response>;
  const record = async (triggerId: string, event: DatabaseCloudEvent) => {
    delivered.push(describeEvent(triggerId, event));
    raw.push(event);
    return new Response("{}", { status: 200 });
  };
  const logged: string[] = [];

  before(async () => {
    rtdb = await startTestRtdb();
    clients = new TestClients(rtdb);
    assert.ok(rtdb.observeWrites);
    triggers = startDatabaseTriggers({
      observeWrites: rtdb.observeWrites,
      namespace: NAMESPACE,
      deliver: (triggerId, event) => deliver(triggerId, event),
      log: (line) => logged.push(line),
    });
  });

  beforeEach(async () => {
    await triggers.settled(); // nothing from the previous test arrives in this one
    await rtdb.reset();
    triggers.setTriggers(TRIGGERS);
    delivered = [];
    raw = [];
    deliver = record;
    logged.length = 0;
  });

  after(async () => {
    triggers.stop();
    await clients.cleanup();
    await rtdb.stop();
  });

  async function events(): Promise<Delivered[]> {
    await triggers.settled();
    return delivered;
  }

  it("a client's set fires onValueCreated once per new message, as that user", async () => {
    const { db } = clients.user("u1");
    await set(ref(db, "public/chat/stream_1/m1"), { text: "hi", uid: "u1" });
    await set(ref(db, "public/chat/stream_1/m1/text"), "edited"); // an update: not a creation
    await set(ref(db, "public/chat/stream_1"), { m1: { text: "edited", uid: "u1" }, m2: { text: "two" }, m3: { text: "three" } });
    assert.deepEqual(await events(), [
      { trigger: "chatCreated", ref: "public/chat/stream_1/m1", before: null, after: { text: "hi", uid: "u1" }, auth: "user:u1" },
      { trigger: "chatCreated", ref: "public/chat/stream_1/m2", before: null, after: { text: "two" }, auth: "user:u1" },
      { trigger: "chatCreated", ref: "public/chat/stream_1/m3", before: null, after: { text: "three" }, auth: "user:u1" },
    ]);
    assert.equal(raw[0]?.instance, NAMESPACE);
  });

  it("a multi-path update fires one event per touched ref, with the whole node before and after", async () => {
    const admin = clients.admin();
    await admin.ref("rooms/r1/seats").set({ s0: { uid: "u1", muted: false }, s1: { uid: "u2", muted: false } });
    delivered.length = 0;
    await admin
      .ref()
      .update({ "rooms/r1/seats/s0/muted": true, "rooms/r1/seats/s1": null, "rooms/r1/seats/s2": { uid: "u3", muted: false }, "rooms/r1/name": "x" });
    const byRef = (await events()).sort((a, b) => a.ref.localeCompare(b.ref));
    assert.deepEqual(byRef, [
      { trigger: "seatWritten", ref: "rooms/r1/seats/s0", before: { uid: "u1", muted: false }, after: { uid: "u1", muted: true }, auth: "admin" },
      { trigger: "seatWritten", ref: "rooms/r1/seats/s1", before: { uid: "u2", muted: false }, after: null, auth: "admin" },
      { trigger: "seatWritten", ref: "rooms/r1/seats/s2", before: null, after: { uid: "u3", muted: false }, auth: "admin" },
    ]);
  });

  it("transactions and increments fire per committed write, each seeing the value before it", async () => {
    const a = clients.user("counter-a").db;
    const b = clients.user("counter-b").db;
    const c = clients.user("counter-c").db; // a set() on a ref aborts that client's own transactions there
    await set(ref(a, "counters/likes"), 0);
    await Promise.all([
      ...[1, 2, 3].map(() => runTransaction(ref(a, "counters/likes"), (value: number | null) => (value ?? 0) + 1)),
      ...[1, 2, 3].map(() => runTransaction(ref(b, "counters/likes"), (value: number | null) => (value ?? 0) + 1)),
      set(ref(c, "counters/likes"), increment(10)),
    ]);
    // The SDK sends a client's queued transactions on one node as one write: 3 to 7 writes in all.
    const updates = await events();
    assert.ok(updates.length >= 3 && updates.length <= 7, `${updates.length} events`);
    let expectedBefore = 0;
    for (const { before, after } of updates) {
      assert.equal(before, expectedBefore, "each event starts where the previous one ended");
      expectedBefore = after as number;
    }
    assert.equal(expectedBefore, 16);
  });

  it("server timestamps reach the event resolved", async () => {
    const { db } = clients.user("stamper");
    const before = Date.now();
    await set(ref(db, "stamps/stamper"), serverTimestamp());
    const [event] = await events();
    assert.equal(typeof event?.after, "number");
    assert.ok((event?.after as number) >= before && (event?.after as number) <= Date.now());
  });

  it("onDisconnect operations fire when the socket closes, as the user who queued them", async () => {
    const { app, db } = clients.user("leaver");
    await set(ref(db, "presence/leaver"), { state: "online" });
    await onDisconnect(ref(db, "presence/leaver")).remove();
    assert.deepEqual(await events(), []);
    await clients.remove(app);
    const deadline = Date.now() + 5000;
    while (delivered.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(await events(), [
      { trigger: "presenceDeleted", ref: "presence/leaver", before: { state: "online" }, after: null, auth: "user:leaver" },
    ]);
  });

  it("REST writes fire too; a reset, ?triggers=off and other namespaces fire nothing", async () => {
    const rest = (method: string, path: string, body: unknown, query = `ns=${NAMESPACE}`) =>
      fetch(`http://${rtdb.emulatorHost}/${path}.json?${query}`, {
        method,
        headers: { authorization: "Bearer owner" },
        body: JSON.stringify(body),
      }).then((r) => {
        assert.equal(r.status, 200);
      });
    await rest("PUT", "public/chat/v9/m1", { text: "rest" });
    await rest("PATCH", "rooms/r9/seats", { s0: { uid: "u9" } });
    await rest("PUT", "public/chat/v9/m2", { text: "silent" }, `ns=${NAMESPACE}&triggers=off`);
    await rest("PUT", "public/chat/v9/m3", { text: "in-process project" }, "ns=demo-unit-default-rtdb");
    await rest("PUT", "public/chat/v9/m4", { text: "no namespace named" }, "");
    await rtdb.reset();
    assert.deepEqual(await events(), [
      { trigger: "chatCreated", ref: "public/chat/v9/m1", before: null, after: { text: "rest" }, auth: "admin" },
      { trigger: "seatWritten", ref: "rooms/r9/seats/s0", before: null, after: { uid: "u9" }, auth: "admin" },
      { trigger: "chatCreated", ref: "public/chat/v9/m4", before: null, after: { text: "no namespace named" }, auth: "admin" },
    ]);
  });

  it("writes addressed to another namespace fire nothing, through the SDK either", async () => {
    // The in-process tests' Admin SDK addresses its own project's namespace (the data is shared).
    await clients.admin(undefined, "demo-unit-default-rtdb").ref("public/chat/v1/m1").set({ text: "in-process" });
    await clients.admin().ref("public/chat/v1/m2").set({ text: "stack" });
    assert.deepEqual(
      (await events()).map((event) => event.ref),
      ["public/chat/v1/m2"],
    );
  });

  it("writes addressed to the bare project id (what functions in the emulator use) fire like the stack's own", async () => {
    const project = NAMESPACE.replace(/-default-rtdb$/, "");
    await clients.admin(undefined, project).ref("public/chat/v7/m1").set({ text: "from a function" });
    assert.deepEqual(
      (await events()).map((event) => event.ref),
      ["public/chat/v7/m1"],
    );
    assert.equal(raw[0]?.instance, NAMESPACE, "delivered as the stack's database instance");
  });

  it("denied writes and writes that change nothing fire nothing", async () => {
    const { db } = clients.user("rule-breaker");
    await assert.rejects(set(ref(db, "presence/someone-else"), { state: "online" }));
    await clients.admin().ref("rooms/r2/seats/s0").set({ uid: "u1" });
    await clients.admin().ref("rooms/r2/seats/s0").set({ uid: "u1" });
    await clients.admin().ref("rooms/r2/seats/s0/uid").set("u1");
    assert.deepEqual(
      (await events()).map((event) => event.ref),
      ["rooms/r2/seats/s0"],
    );
  });

  it("delivery never holds up or fails the write, and keeps each ref's events in order", async () => {
    const releases: (() => void)[] = [];
    const order: string[] = [];
    deliver = async (triggerId, event) => {
      if (event.ref.endsWith("slow")) await new Promise<void>((resolve) => releases.push(resolve));
      if (event.ref.endsWith("broken")) throw new Error("functions emulator unreachable");
      order.push(`${event.ref}=${JSON.stringify(event.data.delta)}`);
      return record(triggerId, event);
    };
    const admin = clients.admin();
    await admin.ref("rooms/r3/seats/slow").set({ uid: "first" });
    await admin.ref("rooms/r3/seats/slow").set({ uid: "second" });
    await admin.ref("rooms/r3/seats/broken").set({ uid: "x" });
    await admin.ref("rooms/r3/seats/fast").set({ uid: "y" });
    // All writes were acknowledged while the first delivery is still held; other refs went ahead.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(order, ['rooms/r3/seats/fast={"uid":"y"}']);
    assert.equal(releases.length, 1, "the second event for the held ref waits for the first");
    const releaseNext = async () => {
      while (releases.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      releases.shift()?.();
    };
    await releaseNext();
    await releaseNext();
    await triggers.settled();
    assert.deepEqual(order, ['rooms/r3/seats/fast={"uid":"y"}', 'rooms/r3/seats/slow={"uid":"first"}', 'rooms/r3/seats/slow={"uid":"second"}']);
    assert.ok(logged.some((line) => line.includes("rooms/r3/seats/broken") && line.includes("unreachable")));
  });

  it("keeps at most maxInFlight deliveries running (each is a function worker process)", async () => {
    let running = 0;
    let mostRunning = 0;
    const limited = startDatabaseTriggers({
      observeWrites: rtdb.observeWrites as NonNullable<RtdbHandle["observeWrites"]>,
      namespace: NAMESPACE,
      maxInFlight: 2,
      deliver: async () => {
        running++;
        mostRunning = Math.max(mostRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running--;
        return new Response("{}");
      },
    });
    try {
      limited.setTriggers(TRIGGERS);
      triggers.setTriggers([]);
      const burst: Record<string, unknown> = {};
      for (let index = 0; index < 8; index++) burst[`m${index}`] = { text: `message ${index}` };
      await clients.admin().ref("public/chat/burst").set(burst);
      await limited.settled();
      assert.equal(mostRunning, 2);
    } finally {
      limited.stop();
    }
  });

  it("follows the trigger list: none after they are unloaded", async () => {
    triggers.setTriggers([]);
    await clients.admin().ref("public/chat/v5/m1").set({ text: "nobody listens" });
    assert.deepEqual(await events(), []);
    assert.deepEqual(triggers.triggers, []);
  });

  it("client removals (update with null, remove()) fire with the removed value", async () => {
    const { db } = clients.user("remover");
    await set(ref(db, "rooms/r4/seats/s0"), "remover");
    await update(ref(db, "rooms/r4/seats"), { s0: null });
    await set(ref(db, "rooms/r4/seats/s1"), "remover");
    await remove(ref(db, "rooms/r4/seats/s1"));
    await waitForConnected(db);
    assert.deepEqual(
      (await events()).map(({ ref, before, after }) => [ref, before, after]),
      [
        ["rooms/r4/seats/s0", null, "remover"],
        ["rooms/r4/seats/s0", "remover", null],
        ["rooms/r4/seats/s1", null, "remover"],
        ["rooms/r4/seats/s1", "remover", null],
      ],
    );
  });
});
