/** database.rules.json enforced per connection; the admin SDK is exempt. */
import assert from "node:assert/strict";
import { type Database, get, onValue, ref, set, update } from "firebase/database";
import type { RtdbHandle } from "../../src/rtdb/index.js";
import { startTestRtdb, TestClients, waitForConnected } from "./support.js";

// Writes fail with "PERMISSION_DENIED: ...", get() with the server's text "Permission denied" (as with real RTDB).
const DENIED = /permission[_ ]denied/i;

describe("offline RTDB: security rules", () => {
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

  it("lets a user write their own node but not another user's", async () => {
    const { db } = clients.user("userA");
    await set(ref(db, "status/userA"), { state: "online" });
    await assert.rejects(set(ref(db, "status/userB"), { state: "online" }), DENIED);
    assert.deepEqual((await get(ref(db, "status/userA"))).val(), { state: "online" });
    assert.equal((await get(ref(db, "status/userB"))).exists(), false);
  });

  it("denies unauthenticated writes and reads that need auth", async () => {
    const { db } = clients.user();
    await waitForConnected(db);
    await assert.rejects(set(ref(db, "status/userA"), { state: "hacked" }), DENIED);
    await assert.rejects(get(ref(db, "status/userA")), DENIED);
    await set(ref(db, "public/anonymous"), "allowed");
    assert.equal((await get(ref(db, "public/anonymous"))).val(), "allowed");
  });

  it("restricts reads, for get() and for listeners", async () => {
    const owner = clients.user("reader-owner").db;
    const other = clients.user("reader-other").db;
    await set(ref(owner, "private/reader-owner"), { secret: 42 });
    assert.deepEqual((await get(ref(owner, "private/reader-owner"))).val(), { secret: 42 });
    await assert.rejects(get(ref(other, "private/reader-owner")), DENIED);
    await assert.rejects(get(ref(owner, "private")), DENIED); // no rule grants the parent
    const listenerError = await new Promise<Error>((resolve) => {
      onValue(
        ref(other, "private/reader-owner"),
        () => resolve(new Error("listener received data it may not read")),
        (error) => resolve(error),
      );
    });
    assert.match(listenerError.message, DENIED);
  });

  it("rejects data that fails .validate", async () => {
    const { db } = clients.user("validator");
    await assert.rejects(set(ref(db, "status/validator"), { state: 5 }), DENIED);
    await assert.rejects(set(ref(db, "status/validator"), { mood: "happy" }), DENIED);
    await assert.rejects(set(ref(db, "counters/validator"), "not a number"), DENIED);
    assert.equal((await get(ref(db, "status/validator"))).exists(), false);
  });

  it("applies a multi-path update all or nothing", async () => {
    const { db } = clients.user("updater");
    await set(ref(db, "status/updater"), { state: "before" });
    await assert.rejects(update(ref(db, "status"), { "updater/state": "after", "someone-else/state": "x" }), DENIED);
    assert.deepEqual((await get(ref(db, "status/updater"))).val(), { state: "before" });
    await update(ref(db, "status"), { "updater/state": "after" });
    assert.deepEqual((await get(ref(db, "status/updater"))).val(), { state: "after" });
  });

  it("evaluates each connection as its own user, however authentications interleave", async () => {
    const connect = async (uid?: string): Promise<Database> => {
      const { db } = clients.user(uid);
      await waitForConnected(db);
      return db;
    };
    const first = await connect("first");
    await set(ref(first, "status/first"), { state: "a" });
    // Later authentications (a user, then an anonymous client) must not change how `first` is judged.
    const second = await connect("second");
    await set(ref(second, "status/second"), { state: "b" });
    const anonymous = await connect();

    await set(ref(first, "status/first"), { state: "a2" });
    await assert.rejects(set(ref(first, "status/second"), { state: "x" }), DENIED);
    await assert.rejects(set(ref(anonymous, "status/second"), { state: "x" }), DENIED);
    await assert.rejects(get(ref(anonymous, "status/first")), DENIED);
    await assert.rejects(set(ref(second, "status/first"), { state: "x" }), DENIED);
    await Promise.all([
      set(ref(first, "status/first"), { state: "a3" }),
      assert.rejects(set(ref(anonymous, "status/first"), { state: "x" }), DENIED),
      set(ref(second, "status/second"), { state: "b2" }),
      assert.rejects(set(ref(first, "status/second"), { state: "x" }), DENIED),
    ]);
    assert.deepEqual((await get(ref(first, "status/first"))).val(), { state: "a3" });
    assert.deepEqual((await get(ref(second, "status/second"))).val(), { state: "b2" });
  });

  it("exempts the admin SDK from rules, including .validate", async () => {
    const admin = clients.admin();
    await admin.ref("private/someone").set({ note: "written by admin" });
    await admin.ref("status/someone").set({ state: 5 }); // fails .validate for users
    await admin.ref("status/someone").update({ extra: true });
    const everything = (await admin.ref().get()).val();
    assert.deepEqual(everything.private.someone, { note: "written by admin" });
    assert.deepEqual(everything.status.someone, { state: 5, extra: true });
  });

  it("applies rules to an admin that acts as a user (databaseAuthVariableOverride)", async () => {
    const actingAsUser = clients.admin({ uid: "delegated" });
    await actingAsUser.ref("private/delegated").set({ ok: true });
    await assert.rejects(actingAsUser.ref("private/other").set({ ok: false }), DENIED);
  });
});
