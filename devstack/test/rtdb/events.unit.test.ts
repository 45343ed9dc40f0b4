/** Database trigger events: path matching, before/after per write, and the CloudEvents firebase-functions parses. */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import {
  CompiledDatabaseTrigger,
  changesFor,
  type DatabaseCloudEvent,
  type DatabaseEventType,
  deltaBetween,
  PathPattern,
  touchedRefs,
} from "../../src/rtdb/events.js";
import type { AppliedWrite } from "../../src/rtdb/store.js";
import { normalizeValue, type StoredValue, splitPath, withValueAt } from "../../src/rtdb/tree.js";

// The SDK the functions are written with: its providers must accept the events as we shape them.
const FUNCTIONS_DIR = join(__dirname, "..", "..", "..", "functions");
const functionsRequire = createRequire(join(FUNCTIONS_DIR, "package.json"));
// Not exported by the package; required by file (it is what the providers call on `delta`).
const { applyChange } = functionsRequire(join(FUNCTIONS_DIR, "node_modules", "firebase-functions", "lib", "common", "utilities", "utils.js")) as {
  applyChange(before: unknown, delta: unknown): unknown;
};
type RawHandler = (raw: unknown) => Promise<unknown>;
type Snapshot = { val(): unknown; key: string | null };
const v2database = functionsRequire("firebase-functions/v2/database") as {
  onValueCreated(
    ref: string,
    handler: (event: { data: Snapshot; params: Record<string, string>; ref: string; authType: string; authId?: string }) => unknown,
  ): RawHandler;
  onValueUpdated(
    ref: string,
    handler: (event: { data: { before: Snapshot; after: Snapshot }; params: Record<string, string> }) => unknown,
  ): RawHandler;
  onValueDeleted(ref: string, handler: (event: { data: Snapshot; params: Record<string, string> }) => unknown): RawHandler;
  onValueWritten(ref: string, handler: (event: { data: { before: Snapshot; after: Snapshot } }) => unknown): RawHandler;
};

const NAMESPACE = "demo-events-default-rtdb";
const CREATED: DatabaseEventType = "google.firebase.database.ref.v1.created";
const UPDATED: DatabaseEventType = "google.firebase.database.ref.v1.updated";
const WRITTEN: DatabaseEventType = "google.firebase.database.ref.v1.written";
const DELETED: DatabaseEventType = "google.firebase.database.ref.v1.deleted";

/** A write as the store reports it: `changes` are [path, value] applied to `before` in order. */
function write(before: unknown, changes: [string, unknown][], origin?: AppliedWrite["origin"]): AppliedWrite {
  const start = normalizeValue(before);
  let after: StoredValue = start;
  for (const [path, value] of changes) after = withValueAt(after, splitPath(path), normalizeValue(value));
  return { before: start, after, paths: changes.map(([path]) => splitPath(path)), origin, time: Date.UTC(2026, 0, 2, 3, 4, 5) };
}

function refs(pattern: string, applied: AppliedWrite): string[] {
  return touchedRefs(new PathPattern(pattern), applied)
    .map((ref) => ref.join("/"))
    .sort();
}

describe("offline RTDB: database trigger events", () => {
  describe("path patterns", () => {
    it("match literal segments, {captures}, * and {x=*} one segment each", () => {
      const pattern = new PathPattern("/chat/{venueKey}/{messageId=*}/*");
      assert.equal(pattern.matches(["chat", "stream_1", "m1", "text"]), true);
      assert.equal(pattern.matches(["chat", "stream_1", "m1"]), false);
      assert.equal(pattern.matches(["chat", "stream_1", "m1", "text", "more"]), false);
      assert.equal(pattern.matches(["chats", "stream_1", "m1", "text"]), false);
    });

    it("match {x=**} and ** with zero or more segments", () => {
      const pattern = new PathPattern("logs/{path=**}/entry");
      assert.equal(pattern.matches(["logs", "entry"]), true);
      assert.equal(pattern.matches(["logs", "a", "b", "entry"]), true);
      assert.equal(pattern.matches(["logs", "a", "b"]), false);
      assert.equal(new PathPattern("**").matches([]), true);
    });

    it("match instance names with * or exactly", () => {
      assert.equal(new PathPattern("*").matches([NAMESPACE]), true);
      assert.equal(new PathPattern(NAMESPACE).matches([NAMESPACE]), true);
      assert.equal(new PathPattern("other-default-rtdb").matches([NAMESPACE]), false);
    });
  });

  describe("refs a write touches", () => {
    const world = { chat: { v1: { m1: { text: "a" }, m2: { text: "b" } }, v2: { m3: { text: "c" } } } };

    it("a write below the pattern's depth touches the matching ancestor once", () => {
      assert.deepEqual(refs("chat/{venueKey}/{messageId}", write(world, [["chat/v1/m1/text", "x"]])), ["chat/v1/m1"]);
      assert.deepEqual(
        refs(
          "chat/{venueKey}",
          write(world, [
            ["chat/v1/m1/text", "x"],
            ["chat/v1/m2/text", "y"],
          ]),
        ),
        ["chat/v1"],
      );
    });

    it("a write above it touches every matching child there was or is", () => {
      const replaced = write(world, [["chat/v1", { m2: { text: "b2" }, m4: { text: "d" } }]]);
      assert.deepEqual(refs("chat/{venueKey}/{messageId}", replaced), ["chat/v1/m1", "chat/v1/m2", "chat/v1/m4"]);
      assert.deepEqual(refs("chat/{venueKey}/{messageId}", write(world, [["", null]])), ["chat/v1/m1", "chat/v1/m2", "chat/v2/m3"]);
    });

    it("a write elsewhere touches nothing", () => {
      assert.deepEqual(refs("chat/{venueKey}/{messageId}", write(world, [["rooms/r1", { name: "x" }]])), []);
      assert.deepEqual(refs("chat/v2/{messageId}", write(world, [["chat/v1/m1", null]])), []);
    });

    it("with {path=**} the ref closest to the write: itself, else its ancestor, else its children", () => {
      const logs = { logs: { a: { b: { c: 1 } } } };
      assert.deepEqual(refs("logs/{path=**}", write(logs, [["logs/a/b", { c: 2 }]])), ["logs/a/b"]);
      assert.deepEqual(refs("logs/{path=**}/c", write(logs, [["logs/a/b/c/d", 1]])), ["logs/a/b/c"]);
      assert.deepEqual(refs("logs/{path=**}/c", write(logs, [["logs", { a: { c: 1 }, b: { x: { c: 2 } } }]])), [
        "logs/a/b/c",
        "logs/a/c",
        "logs/b/x/c",
      ]);
    });
  });

  describe("changes per event type", () => {
    const before = { seats: { s0: { uid: "u1" }, s1: { uid: "u2" } } };
    const applied = write(before, [["seats", { s1: { uid: "u3" }, s2: { uid: "u4" } }]]);
    const byType = (eventType: DatabaseEventType) =>
      changesFor(eventType, new PathPattern("seats/{seat}"), applied).map(({ ref, before, after }) => ({ ref: ref.join("/"), before, after }));

    it("created, updated and deleted split one write's changes; written has them all", () => {
      assert.deepEqual(byType(CREATED), [{ ref: "seats/s2", before: null, after: { uid: "u4" } }]);
      assert.deepEqual(byType(UPDATED), [{ ref: "seats/s1", before: { uid: "u2" }, after: { uid: "u3" } }]);
      assert.deepEqual(byType(DELETED), [{ ref: "seats/s0", before: { uid: "u1" }, after: null }]);
      assert.deepEqual(
        byType(WRITTEN)
          .map((change) => change.ref)
          .sort(),
        ["seats/s0", "seats/s1", "seats/s2"],
      );
    });

    it("a write that leaves the value as it was fires nothing", () => {
      const same = write(before, [["seats/s0", { uid: "u1" }]]);
      assert.deepEqual(changesFor(WRITTEN, new PathPattern("seats/{seat}"), same), []);
    });

    it("gives values as the SDKs read them: arrays where RTDB makes them, no priorities", () => {
      const applied = write(null, [["lists/l1", { ".priority": 3, items: ["a", "b"] }]]);
      assert.deepEqual(changesFor(CREATED, new PathPattern("lists/{list}"), applied)[0]?.after, { items: ["a", "b"] });
    });
  });

  it("deltas rebuild the new value, through firebase-functions' applyChange and snapshots", async () => {
    const cases: [unknown, unknown][] = [
      [
        { a: 1, b: { c: 2, d: 3 }, e: "x" },
        { a: 1, b: { c: 2, d: 4, f: 5 } },
      ],
      [{ a: { b: 1 } }, { a: 7 }],
      [{ a: 7 }, { a: { b: 1 } }],
      [null, { a: 1 }],
      [5, "five"],
    ];
    for (const [before, after] of cases) assert.deepEqual(applyChange(before, deltaBetween(before, after)), after, JSON.stringify([before, after]));
    // applyChange turns arrays into index-keyed objects; the snapshot turns them back, as RTDB does.
    const arrays: [unknown, unknown][] = [
      [{ list: ["a", "b"] }, { list: ["a", "b", "c"] }],
      [{ list: ["a", "b", "c"] }, { list: ["a", "b"] }],
      [{ list: ["a", "b", "c"] }, { list: { x: 1 } }],
    ];
    for (const [before, after] of arrays) {
      const [event] = new CompiledDatabaseTrigger({ id: "us-central1-fn", eventType: WRITTEN, ref: "node", instance: "*" }).eventsFor(
        write({ node: before }, [["node", after]]),
        NAMESPACE,
      );
      let seen: unknown;
      await v2database.onValueWritten("node", (written) => {
        seen = written.data.after.val();
      })(event);
      assert.deepEqual(seen, after, JSON.stringify([before, after]));
    }
  });

  describe("CloudEvents", () => {
    const userWrite = write({}, [["chat/stream_1/m1", { text: "hi", uid: "u1" }]], {
      namespace: NAMESPACE,
      identity: { kind: "user", auth: { uid: "u1", token: {} } },
      triggers: true,
    });

    function eventsFor(eventType: DatabaseEventType, ref: string, applied: AppliedWrite, instance = "*"): DatabaseCloudEvent[] {
      return new CompiledDatabaseTrigger({ id: "us-central1-fn", eventType, ref, instance }).eventsFor(applied, NAMESPACE);
    }

    it("carry the v2 attributes: type, source, subject, ref, instance, location, auth", () => {
      const [event, ...rest] = eventsFor(CREATED, "chat/{venueKey}/{messageId}", userWrite);
      assert.equal(rest.length, 0);
      assert.ok(event);
      assert.match(event.id, /^[0-9a-f-]{36}$/);
      assert.deepEqual(
        { ...event, id: "" },
        {
          specversion: "1.0",
          id: "",
          source: `//firebasedatabase.googleapis.com/projects/_/locations/us-central1/instances/${NAMESPACE}`,
          type: CREATED,
          subject: "refs/chat/stream_1/m1",
          time: "2026-01-02T03:04:05.000Z",
          datacontenttype: "application/json",
          data: {
            "@type": "type.googleapis.com/google.events.firebase.database.v1.ReferenceEventData",
            data: null,
            delta: { text: "hi", uid: "u1" },
          },
          firebasedatabasehost: "firebaseio.com",
          instance: NAMESPACE,
          ref: "chat/stream_1/m1",
          location: "us-central1",
          authtype: "app_user",
          authid: "u1",
        },
      );
      assert.notEqual(eventsFor(CREATED, "chat/{venueKey}/{messageId}", userWrite)[0]?.id, event.id, "every event has its own id");
    });

    it("name admins and unauthenticated writers, and only fire for a matching instance", () => {
      const adminWrite = { ...userWrite, origin: { namespace: NAMESPACE, identity: { kind: "admin" as const }, triggers: true } };
      const anonymousWrite = { ...userWrite, origin: { namespace: NAMESPACE, identity: { kind: "anonymous" as const }, triggers: true } };
      assert.equal(eventsFor(CREATED, "chat/{venueKey}/{messageId}", adminWrite)[0]?.authtype, "admin");
      assert.equal(eventsFor(CREATED, "chat/{venueKey}/{messageId}", anonymousWrite)[0]?.authtype, "unauthenticated");
      assert.equal(eventsFor(CREATED, "chat/{venueKey}/{messageId}", userWrite, NAMESPACE).length, 1);
      assert.equal(eventsFor(CREATED, "chat/{venueKey}/{messageId}", userWrite, "another-default-rtdb").length, 0);
    });

    it("are read by firebase-functions' v2 database providers: data, params, auth", async () => {
      const [created] = eventsFor(CREATED, "chat/{venueKey}/{messageId}", userWrite);
      let seen: unknown;
      await v2database.onValueCreated("/chat/{venueKey}/{messageId}", (event) => {
        seen = { value: event.data.val(), key: event.data.key, params: event.params, ref: event.ref, authType: event.authType, authId: event.authId };
      })(created);
      assert.deepEqual(seen, {
        value: { text: "hi", uid: "u1" },
        key: "m1",
        params: { venueKey: "stream_1", messageId: "m1" },
        ref: "chat/stream_1/m1",
        authType: "app_user",
        authId: "u1",
      });

      const seatWrite = write({ rooms: { r1: { seats: { s0: { uid: "u1", muted: false } } } } }, [["rooms/r1/seats/s0/muted", true]]);
      const [updated] = eventsFor(UPDATED, "rooms/{roomId}/seats/{seat}", seatWrite);
      await v2database.onValueUpdated("/rooms/{roomId}/seats/{seat}", (event) => {
        seen = { before: event.data.before.val(), after: event.data.after.val(), params: event.params };
      })(updated);
      assert.deepEqual(seen, { before: { uid: "u1", muted: false }, after: { uid: "u1", muted: true }, params: { roomId: "r1", seat: "s0" } });

      const [deleted] = eventsFor(DELETED, "rooms/{roomId}/seats/{seat}", write(seatWrite.after, [["rooms/r1", null]]));
      await v2database.onValueDeleted("/rooms/{roomId}/seats/{seat}", (event) => {
        seen = { value: event.data.val(), params: event.params };
      })(deleted);
      assert.deepEqual(seen, { value: { uid: "u1", muted: true }, params: { roomId: "r1", seat: "s0" } });
    });
  });
});
