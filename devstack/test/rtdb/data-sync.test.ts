/** Reads, writes, listeners, queries, server values, onDisconnect and transactions through the real SDKs. */
import assert from "node:assert/strict";
import {
  endAt,
  equalTo,
  get,
  goOffline,
  increment,
  limitToFirst,
  limitToLast,
  onChildAdded,
  onDisconnect,
  onValue,
  orderByChild,
  orderByKey,
  orderByPriority,
  push,
  query,
  ref,
  remove,
  runTransaction,
  serverTimestamp,
  set,
  setPriority,
  setWithPriority,
  startAfter,
  startAt,
  update,
} from "firebase/database";
import type { RtdbHandle } from "../../src/rtdb/index.js";
import { orderedKeys, startTestRtdb, TestClients, waitForConnected, waitForValue } from "./support.js";

describe("offline RTDB: data sync through the SDKs", () => {
  let rtdb: RtdbHandle;
  let clients: TestClients;

  before(async () => {
    rtdb = await startTestRtdb();
    clients = new TestClients(rtdb);
  });

  after(async () => {
    await clients.cleanup();
    await rtdb.stop();
  });

  it("starts an offline server on a free port and describes it", () => {
    assert.equal(rtdb.kind, "offline");
    assert.ok(rtdb.port > 0);
    assert.equal(rtdb.emulatorHost, `127.0.0.1:${rtdb.port}`);
    assert.equal(rtdb.url, `http://127.0.0.1:${rtdb.port}?ns=${rtdb.namespace}`);
  });

  it("reports .info/connected true once connected", async () => {
    const { db } = clients.user("connected-user");
    assert.equal(await waitForConnected(db), true);
  });

  it("sets, updates, gets and removes; another connection sees the result", async () => {
    const { db } = clients.user("writer");
    const { db: reader } = clients.user("reader");
    await set(ref(db, "public/doc"), { title: "hello", tags: { a: true } });
    await update(ref(db, "public/doc"), { title: "updated", "tags/b": true, extra: 1 });
    assert.deepEqual((await get(ref(reader, "public/doc"))).val(), { title: "updated", tags: { a: true, b: true }, extra: 1 });
    await update(ref(db, "public/doc"), { extra: null });
    assert.equal((await get(ref(reader, "public/doc/extra"))).exists(), false);
    await remove(ref(db, "public/doc"));
    const afterRemove = await get(ref(reader, "public/doc"));
    assert.equal(afterRemove.exists(), false);
    assert.equal(afterRemove.val(), null);
  });

  it("keeps one client's writes in order", async () => {
    const { db } = clients.user("sequencer");
    const writes = [];
    for (let index = 1; index <= 50; index++) {
      writes.push(index % 2 ? set(ref(db, "public/sequence"), { n: index }) : update(ref(db, "public/sequence"), { n: index }));
    }
    await Promise.all(writes);
    const { db: reader } = clients.user("sequence-reader");
    assert.deepEqual((await get(ref(reader, "public/sequence"))).val(), { n: 50 });
  });

  it("delivers value and child events to listeners on other connections", async () => {
    const { db: listener } = clients.user("listener");
    const { db: writer } = clients.user("pusher");
    const added: string[] = [];
    const values: unknown[] = [];
    const stopChildren = onChildAdded(ref(listener, "public/feed"), (child) => {
      added.push(String(child.val()));
    });
    const stopValues = onValue(ref(listener, "public/counter"), (snapshot) => {
      values.push(snapshot.val());
    });
    await waitForConnected(listener);
    for (const text of ["first", "second", "third"]) await push(ref(writer, "public/feed"), text);
    for (const value of [1, 2, 3]) await set(ref(writer, "public/counter"), value);
    await waitForValue(ref(listener, "public/counter"), (value) => value === 3);
    await waitForValue(ref(listener, "public/feed"), (value) => Object.keys(value ?? {}).length === 3);
    stopChildren();
    stopValues();
    assert.deepEqual(added, ["first", "second", "third"]);
    assert.deepEqual(values.filter((value) => value !== null).slice(-1), [3]);
  });

  describe("queries", () => {
    let db: ReturnType<TestClients["user"]>["db"];

    before(async () => {
      db = clients.user("querier").db;
      await set(ref(db, "scores"), {
        ann: { score: 5 },
        bob: { score: 1 },
        cat: { score: 9 },
        dan: { score: 5 },
        eve: { score: 3 },
      });
    });

    it("orderByChild + equalTo (with and without a key)", async () => {
      assert.deepEqual(orderedKeys(await get(query(ref(db, "scores"), orderByChild("score"), equalTo(5)))), ["ann", "dan"]);
      assert.deepEqual(orderedKeys(await get(query(ref(db, "scores"), orderByChild("score"), equalTo(5, "dan")))), ["dan"]);
    });

    it("orderByChild + limitToLast / limitToFirst", async () => {
      assert.deepEqual(orderedKeys(await get(query(ref(db, "scores"), orderByChild("score"), limitToLast(2)))), ["dan", "cat"]);
      assert.deepEqual(orderedKeys(await get(query(ref(db, "scores"), orderByChild("score"), limitToFirst(2)))), ["bob", "eve"]);
    });

    it("orderByChild + startAt / startAfter / endAt", async () => {
      assert.deepEqual(orderedKeys(await get(query(ref(db, "scores"), orderByChild("score"), startAt(5)))), ["ann", "dan", "cat"]);
      assert.deepEqual(orderedKeys(await get(query(ref(db, "scores"), orderByChild("score"), startAfter(5)))), ["cat"]);
      assert.deepEqual(orderedKeys(await get(query(ref(db, "scores"), orderByChild("score"), startAt(3), endAt(5)))), ["eve", "ann", "dan"]);
    });

    it("orderByKey sorts integer keys numerically, like RTDB", async () => {
      await set(ref(db, "public/numbered"), { 1: "one", 2: "two", 10: "ten", x: "letter" });
      assert.deepEqual(orderedKeys(await get(query(ref(db, "public/numbered"), orderByKey(), startAt("2")))), ["2", "10", "x"]);
    });

    it("orderByPriority, with priorities set through setPriority() and setWithPriority()", async () => {
      await set(ref(db, "public/prioritized"), { low: "l", high: "h", none: "n" });
      await setPriority(ref(db, "public/prioritized/high"), 10);
      await setWithPriority(ref(db, "public/prioritized/low"), "l2", 1);
      const { db: reader } = clients.user("priority-reader");
      assert.deepEqual(orderedKeys(await get(query(ref(reader, "public/prioritized"), orderByPriority()))), ["none", "low", "high"]);
      assert.equal((await get(ref(reader, "public/prioritized/low"))).val(), "l2");
    });

    it("a live limitToLast query follows new data", async () => {
      const { db: watcher } = clients.user("query-watcher");
      const { db: writer } = clients.user("query-writer");
      const topTwo = query(ref(watcher, "scores"), orderByChild("score"), limitToLast(2));
      await waitForValue(topTwo, (value) => Object.keys(value ?? {}).length === 2);
      await set(ref(writer, "scores/fay"), { score: 10 });
      const latest = await waitForValue(topTwo, (value) => Object.keys(value ?? {}).includes("fay"));
      assert.deepEqual(Object.keys(latest as object).sort(), ["cat", "fay"]);
    });
  });

  it("ServerValue.increment from many connections sums exactly", async () => {
    const connections = Array.from({ length: 10 }, (_, index) => clients.user(`incrementer-${index}`).db);
    await Promise.all(
      connections.flatMap((db, index) =>
        Array.from({ length: 20 }, (_, round) =>
          // Mix sets and multi-path updates: both carry server values.
          (index + round) % 2 ? set(ref(db, "counters/likes"), increment(1)) : update(ref(db, "counters"), { likes: increment(1) }),
        ),
      ),
    );
    assert.equal((await get(ref(connections[0], "counters/likes"))).val(), 200);
    assert.equal((await clients.admin().ref("counters/likes").get()).val(), 200);
  });

  it("serverTimestamp() becomes the server's time (and rules see the same `now`)", async () => {
    const { db } = clients.user("stamper");
    const before = Date.now();
    await set(ref(db, "stamps/stamper"), serverTimestamp());
    const after = Date.now();
    const { db: reader } = clients.user("stamp-reader");
    const stamp = (await get(ref(reader, "stamps/stamper"))).val();
    assert.equal(typeof stamp, "number");
    assert.ok(stamp >= before && stamp <= after, `${stamp} not within [${before}, ${after}]`);
  });

  describe("onDisconnect", () => {
    it("set() and update() resolve and run when the client goes offline", async () => {
      const { db } = clients.user("alice");
      const { db: observer } = clients.user("alice-observer");
      await onDisconnect(ref(db, "presence/alice")).set("offline");
      await set(ref(db, "presence/alice"), "online");
      await set(ref(db, "status/alice"), { state: "online", since: 0 });
      await onDisconnect(ref(db, "status/alice")).update({ state: "offline", since: serverTimestamp() });
      await waitForValue(ref(observer, "presence/alice"), (value) => value === "online");
      const wentOffline = Date.now();
      goOffline(db);
      assert.equal(await waitForValue(ref(observer, "presence/alice"), (value) => value === "offline"), "offline");
      const status = (await get(ref(observer, "status/alice"))).val();
      assert.equal(status.state, "offline");
      assert.ok(status.since >= wentOffline, "the server value is resolved when the operation runs");
    });

    it("remove() runs when the app is deleted; cancel() withdraws an operation", async () => {
      const bob = clients.user("bob");
      const carol = clients.user("carol");
      await onDisconnect(ref(bob.db, "presence/bob")).remove();
      await set(ref(bob.db, "presence/bob"), "online");
      await onDisconnect(ref(carol.db, "presence/carol")).set("gone");
      await onDisconnect(ref(carol.db, "presence/carol")).cancel();
      await set(ref(carol.db, "presence/carol"), "online");
      await clients.remove(bob.app);
      goOffline(carol.db);
      const { db: observer } = clients.user("observer");
      await waitForValue(ref(observer, "presence/bob"), (value) => value === null);
      assert.equal((await get(ref(observer, "presence/carol"))).val(), "online");
    });

    it("is refused when the rules would refuse the write", async () => {
      const { db } = clients.user("mallory");
      await assert.rejects(onDisconnect(ref(db, "presence/alice")).set("hijacked"), /permission_denied/i);
    });
  });

  describe("transactions", () => {
    it("30 connections race for 10 seats: exactly 10 win, one distinct uid per seat", async () => {
      const seatCount = 10;
      const racers = Array.from({ length: 30 }, (_, index) => ({
        uid: `racer-${String(index).padStart(2, "0")}`,
        db: clients.user(`racer-${String(index).padStart(2, "0")}`).db,
      }));
      await Promise.all(racers.map(({ db }) => waitForConnected(db)));

      const claims = await Promise.all(
        racers.map(async ({ uid, db }) => {
          for (let seat = 0; seat < seatCount; seat++) {
            const result = await runTransaction(ref(db, `rooms/r1/seats/${seat}`), (holder) => (holder === null ? uid : undefined));
            if (result.committed) return { uid, seat };
          }
          return { uid, seat: null };
        }),
      );

      const winners = claims.filter((claim) => claim.seat !== null);
      assert.equal(winners.length, seatCount);
      assert.equal(claims.length - winners.length, 20);
      assert.deepEqual(
        winners.map((claim) => claim.seat).sort((a, b) => Number(a) - Number(b)),
        [...Array(seatCount).keys()],
      );
      // Keys 0..9 come back as an array, as from real RTDB; index access works for both shapes.
      const seats = (await clients.admin().ref("rooms/r1/seats").get()).val() as Record<string, string>;
      const holders = Object.values(seats);
      assert.equal(holders.length, seatCount);
      assert.equal(new Set(holders).size, seatCount);
      for (const { uid, seat } of winners) assert.equal(seats[String(seat)], uid);
    });

    it("commits on data with integer-like keys (the transaction hash must match the SDK's)", async () => {
      const { db } = clients.user("hasher");
      await set(ref(db, "public/hashed"), { 2: "b", 10: "c", a: { ".value": 1, ".priority": 5 }, z: true });
      let attempts = 0;
      const result = await runTransaction(ref(db, "public/hashed"), (current) => {
        attempts++;
        return current === null ? null : { ...current, added: 1.5 };
      });
      assert.equal(result.committed, true);
      assert.ok(attempts <= 3, `took ${attempts} attempts`);
      assert.deepEqual(result.snapshot.val(), { 2: "b", 10: "c", a: 1, z: true, added: 1.5 });
    });

    it("admin transactions work too", async () => {
      const admin = clients.admin();
      const results = await Promise.all(
        Array.from({ length: 5 }, () => admin.ref("counters/admin-tx").transaction((value) => (typeof value === "number" ? value : 0) + 1)),
      );
      assert.ok(results.every((result) => result.committed));
      assert.equal((await admin.ref("counters/admin-tx").get()).val(), 5);
    });
  });
});
