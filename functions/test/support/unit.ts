/**
 * Setup of the unit tier (devstack/mocharc-unit.cjs), in place of the global stack. No emulator runs: the
 * emulator variables point at a closed port, so a unit test that reaches Firestore, the RTDB or Auth fails
 * on this machine instead of calling Google, and the run fails if a unit test initialised the Admin SDK.
 */
import assert from "node:assert/strict";

const NOWHERE = "127.0.0.1:1";
// A demo project: the SDKs then look for no credentials (no metadata server) and only dial the emulators.
process.env.GCLOUD_PROJECT = "demo-unit-tier";
process.env.FIRESTORE_EMULATOR_HOST = NOWHERE;
process.env.FIREBASE_DATABASE_EMULATOR_HOST = NOWHERE;
process.env.FIREBASE_AUTH_EMULATOR_HOST = NOWHERE;

/** firebase-functions' own app: it builds event snapshots (database triggers) and connects nowhere by itself. */
const FUNCTIONS_SDK_APP = "__FIREBASE_FUNCTIONS_SDK__";

export const mochaHooks = {
  afterAll() {
    const { getApps } = require("firebase-admin/app") as typeof import("firebase-admin/app");
    const apps = getApps()
      .map((app) => app.name)
      .filter((name) => name !== FUNCTIONS_SDK_APP);
    assert.deepEqual(apps, [], "a unit test initialised the Admin SDK: it belongs in the emulator tier (*.test.ts)");
  },
};
