/**
 * mocha global fixtures: start the local stack on free ports for this run (project demo-test-<pid>), or,
 * with LIVE_STACK=reuse, use the developer stack already running from `npm start` (the tests reset its
 * data, and the demo world is loaded again at the end). Either way the emulator variables are in
 * process.env before any test touches an SDK, and whatever was started here is stopped here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { adminAppFor } from "../../../devstack/src/admin.js";
import { applySeed, readSeed } from "../../../devstack/src/seed.js";
import { envFor, LOCAL_SECRETS, readRunningStack, resetEndpoints, type Stack, startStack } from "../../../devstack/src/stack.js";
import { IN_PROCESS_PROJECT, setTestStack } from "./stack.js";

const ROOT = join(__dirname, "..", "..", "..");
const DEV_PROJECT_ID = "demo-live";
let started: Stack | null = null;
let reused: Stack["endpoints"] | null = null;

/**
 * Deployed functions get their params from functions/.env and their secrets from Secret Manager;
 * in-process runs get the same params and the stack's local stand-ins for the secrets.
 */
function loadFunctionParams() {
  const params = parseEnv(readFileSync(join(ROOT, "functions", ".env"), "utf8"));
  for (const [key, value] of Object.entries({ ...params, ...LOCAL_SECRETS })) process.env[key] ??= value;
}

export async function mochaGlobalSetup() {
  const begun = Date.now();
  loadFunctionParams();
  if (process.env.LIVE_STACK === "reuse") {
    reused = readRunningStack(ROOT, DEV_PROJECT_ID);
    if (!reused) throw new Error("LIVE_STACK=reuse, but no stack is running: start one with `npm start`.");
    Object.assign(process.env, envFor(reused, IN_PROCESS_PROJECT));
    setTestStack(reused);
    console.log(`  [stack] reusing the running stack of ${reused.projectId}`);
    return;
  }
  started = await startStack({
    rootDir: ROOT,
    // One project id per run: firebase-tools reads params from functions/.env.<project>, so two test
    // runs in one checkout would otherwise hand each other's Redis endpoint to their functions.
    projectId: `demo-test-${process.pid}`,
    ports: "free",
    functions: true,
    log: process.env.STACK_VERBOSE ? (source, line) => console.log(`  [${source}] ${line}`) : undefined,
  });
  Object.assign(process.env, envFor(started.endpoints, IN_PROCESS_PROJECT));
  setTestStack(started.endpoints);
  // A run stopped by a signal (Ctrl-C, a CI or shell timeout) still stops its emulators and their
  // function workers, which would otherwise outlive it.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      const stack = started;
      started = null;
      void (stack ? stack.stop() : Promise.resolve()).finally(() => process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1)));
    });
  }
  const e = started.endpoints;
  const seconds = ((Date.now() - begun) / 1000).toFixed(1);
  console.log(`  [stack] started in ${seconds} s: Firestore ${e.firestore}, RTDB ${e.database} (${e.databaseKind}), functions ${e.functions}`);
}

export async function mochaGlobalTeardown() {
  if (started) await started.stop();
  if (reused) {
    await resetEndpoints(reused);
    await resetEndpoints(reused, IN_PROCESS_PROJECT);
    const admin = adminAppFor(reused);
    await applySeed(admin.app, reused, readSeed(join(ROOT, "emulator-data")));
    await admin.close();
    console.log("  [stack] demo world restored");
  }
}
