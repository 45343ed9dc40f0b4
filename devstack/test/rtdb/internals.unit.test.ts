/** Unit tests for the pure parts: data tree, orderings, rules text, server values, jar lookup. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { identityFromCredential } from "../../src/rtdb/auth.js";
import { findOfficialRtdbJar } from "../../src/rtdb/index.js";
import { applyWireQuery, compareKeys, firebaseHash } from "../../src/rtdb/ordering.js";
import { stripJsonComments } from "../../src/rtdb/rules.js";
import { resolveServerValues } from "../../src/rtdb/server-values.js";
import { InvalidDataError, normalizeValue, type StoredValue, toPlainValue, withValueAt } from "../../src/rtdb/tree.js";

describe("offline RTDB internals", () => {
  describe("data tree", () => {
    it("drops nulls and empty objects, turns arrays into index keys, keeps priorities", () => {
      assert.deepEqual(normalizeValue({ a: null, b: {}, c: [1, null, 3], d: { ".value": 2, ".priority": 1 } }), {
        c: { 0: 1, 2: 3 },
        d: { ".value": 2, ".priority": 1 },
      });
      assert.equal(normalizeValue({ only: null }), null);
    });

    it("rejects what RTDB rejects", () => {
      assert.throws(() => normalizeValue({ "a.b": 1 }), InvalidDataError);
      assert.throws(() => normalizeValue({ a: { ".sv": "timestamp" } }), InvalidDataError);
      assert.throws(() => normalizeValue({ ".priority": true, a: 1 }), InvalidDataError);
      assert.throws(() => normalizeValue(Number.NaN), InvalidDataError);
    });

    it("shares untouched subtrees and prunes emptied branches", () => {
      const root = normalizeValue({ a: { x: 1 }, b: { y: 2 } });
      const updated = withValueAt(root, ["a", "x"], 5) as Record<string, StoredValue>;
      assert.equal(updated.b, (root as Record<string, StoredValue>).b);
      assert.deepEqual(withValueAt(root, ["a", "x"], null), { b: { y: 2 } });
    });

    it("returns arrays from val() where RTDB does", () => {
      assert.deepEqual(toPlainValue(normalizeValue({ 0: "a", 1: "b", 3: "d" })), ["a", "b", null, "d"]);
      assert.deepEqual(toPlainValue(normalizeValue({ 0: "a", 9: "j" })), { 0: "a", 9: "j" });
    });
  });

  describe("orderings", () => {
    it("orders 32-bit integer keys numerically before other keys", () => {
      assert.deepEqual(["b", "10", "a", "2", "-1", "99999999999"].sort(compareKeys), ["-1", "2", "10", "99999999999", "a", "b"]);
    });

    it("hashes like the client SDK: empty data hashes to '', key order does not depend on insertion", () => {
      assert.equal(firebaseHash(null), "");
      assert.equal(firebaseHash(normalizeValue({ 10: 1, 2: 1 })), firebaseHash(normalizeValue({ 2: 1, 10: 1 })));
      assert.notEqual(firebaseHash(1), firebaseHash("1"));
      assert.notEqual(firebaseHash(normalizeValue({ ".value": 1, ".priority": 1 })), firebaseHash(1));
    });

    it("applies wire queries with RTDB's value order: null < false < true < numbers < strings < objects", () => {
      const node = normalizeValue({ n: { other: 1 }, f: { v: false }, t: { v: true }, one: { v: 1 }, s: { v: "s" }, o: { v: { deep: 1 } } });
      const keys = (query: object) => Object.keys((applyWireQuery(node, { i: "v", ...query }) as object) ?? {});
      assert.deepEqual(keys({ sp: 1, sin: true }).sort(), ["o", "one", "s"]);
      assert.deepEqual(keys({ ep: true, ein: true }).sort(), ["f", "n", "t"]);
      assert.deepEqual(keys({ l: 2, vf: "r" }).sort(), ["o", "s"]);
      assert.deepEqual(keys({ sp: 1, sn: "one", sin: false }).sort(), ["o", "s"]);
    });
  });

  it("strips comments from rules text but not from strings", () => {
    const text = '{\n  // line comment\n  "rules": { /* block */ ".read": "auth.token.url === \'http://x/*y*/\'" }\n}';
    assert.deepEqual(JSON.parse(stripJsonComments(text)), { rules: { ".read": "auth.token.url === 'http://x/*y*/'" } });
  });

  it("resolves increments against the current value, and timestamps", () => {
    const current = (path: string): StoredValue => (path === "counters/a" ? 41 : path === "counters/text" ? "x" : null);
    const resolved = resolveServerValues(
      { a: { ".sv": { increment: 1 } }, text: { ".sv": { increment: 2 } }, at: { ".sv": "timestamp" } },
      "counters",
      1234,
      current,
    );
    assert.deepEqual(resolved, { a: 42, text: 2, at: 1234 });
    assert.throws(() => resolveServerValues({ ".sv": "unknown" }, "x", 1, current), InvalidDataError);
  });

  it("accepts 'owner' and any JWT naming a user, and nothing else", () => {
    assert.deepEqual(identityFromCredential("owner"), { kind: "admin" });
    const token = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"sub":"u1","firebase":{"sign_in_provider":"password"}}').toString("base64url")}.`;
    const identity = identityFromCredential(token);
    assert.equal(identity?.kind, "user");
    assert.deepEqual(identity?.kind === "user" ? [identity.auth.uid, identity.auth.provider] : [], ["u1", "password"]);
    assert.equal(identityFromCredential("garbage"), null);
    assert.equal(identityFromCredential(`${Buffer.from("{}").toString("base64url")}.${Buffer.from("{}").toString("base64url")}.`), null);
  });

  describe("findOfficialRtdbJar", () => {
    const saved = { jar: process.env.FIREBASE_DATABASE_EMULATOR_JAR, cache: process.env.FIREBASE_EMULATORS_PATH };
    let dir: string;

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "rtdb-jar-"));
      delete process.env.FIREBASE_DATABASE_EMULATOR_JAR;
      process.env.FIREBASE_EMULATORS_PATH = dir;
    });

    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
      for (const [name, value] of [
        ["FIREBASE_DATABASE_EMULATOR_JAR", saved.jar],
        ["FIREBASE_EMULATORS_PATH", saved.cache],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    it("picks the newest cached jar, or none", () => {
      assert.equal(findOfficialRtdbJar(), null);
      for (const version of ["4.9.0", "4.11.2", "4.10.9"]) writeFileSync(join(dir, `firebase-database-emulator-v${version}.jar`), "");
      mkdirSync(join(dir, "ui-v1.0.0"));
      assert.equal(findOfficialRtdbJar(), join(dir, "firebase-database-emulator-v4.11.2.jar"));
    });

    it("prefers FIREBASE_DATABASE_EMULATOR_JAR when that file exists", () => {
      const jar = join(dir, "custom.jar");
      writeFileSync(jar, "");
      process.env.FIREBASE_DATABASE_EMULATOR_JAR = jar;
      assert.equal(findOfficialRtdbJar(), jar);
      process.env.FIREBASE_DATABASE_EMULATOR_JAR = join(dir, "missing.jar");
      assert.equal(findOfficialRtdbJar(), null);
    });
  });
});
