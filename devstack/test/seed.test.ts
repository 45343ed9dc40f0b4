import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Timestamp } from "firebase-admin/firestore";
import { adminAppFor } from "../src/admin.js";
import { type FirestoreHandle, startFirestore } from "../src/firestore.js";
import { type RtdbHandle, startRtdb } from "../src/rtdb/index.js";
import { applySeed, decodeValue, encodeValue, exportSeed, readSeed } from "../src/seed.js";
import type { StackEndpoints } from "../src/stack.js";
import { ensureFirestoreJar, ensureJava } from "../src/system.js";

const ROOT = join(__dirname, "..", "..");

describe("devstack: the demo world (emulator-data) loads and exports without loss", function () {
  this.timeout(60_000);
  let firestore: FirestoreHandle;
  let rtdb: RtdbHandle;
  let endpoints: StackEndpoints;

  before(async () => {
    firestore = await startFirestore({ java: ensureJava(() => {}).bin, jar: ensureFirestoreJar(() => {}) });
    rtdb = await startRtdb({ namespace: "demo-seed-default-rtdb" });
    endpoints = {
      projectId: "demo-seed",
      pid: process.pid,
      firestore: firestore.emulatorHost,
      database: rtdb.emulatorHost,
      databaseNamespace: rtdb.namespace,
      databaseKind: rtdb.kind,
      redisRestUrl: "",
      redisRestToken: "",
      auth: null,
      functions: null,
      tasks: null,
    };
  });
  after(async () => {
    await firestore?.stop();
    await rtdb?.stop();
  });

  it("encodes Timestamps as {$timestamp} and back", () => {
    const when = Timestamp.fromDate(new Date("2026-01-02T03:04:05.678Z"));
    const encoded = encodeValue({ at: when, list: [when], nested: { n: 1, s: "x", none: null } });
    assert.deepEqual(encoded, {
      at: { $timestamp: "2026-01-02T03:04:05.678Z" },
      list: [{ $timestamp: "2026-01-02T03:04:05.678Z" }],
      nested: { n: 1, s: "x", none: null },
    });
    const decoded = decodeValue(encoded) as { at: Timestamp };
    assert.ok(decoded.at instanceof Timestamp);
    assert.equal(decoded.at.toMillis(), when.toMillis());
  });

  it("round-trips every Firestore document and the RTDB tree of emulator-data", async () => {
    const seed = readSeed(join(ROOT, "emulator-data"));
    const admin = adminAppFor(endpoints);
    try {
      await applySeed(admin.app, endpoints, seed);
      const out = mkdtempSync(join(tmpdir(), "seed-export-"));
      const counts = await exportSeed(admin.app, endpoints, out);
      assert.equal(counts.documents, Object.keys(seed.documents).length);
      const exported = JSON.parse(readFileSync(join(out, "firestore.json"), "utf8"));
      assert.deepEqual(exported, seed.documents);
      assert.deepEqual(JSON.parse(readFileSync(join(out, "database.json"), "utf8")), seed.database);
    } finally {
      await admin.close();
    }
  });
});
