/**
 * The developer's commands: start (the local stack with the demo world), test (everything CI runs),
 * unit (the unit tier alone: pure logic, no stack, seconds), smoke (prove a running stack works as a mobile app uses it), export (refresh the demo world), bench and
 * sim (scripts that print their figures: functions/bench, functions/sim).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { adminAppFor } from "./admin.js";
import { applySeed, DEMO_PASSWORD, DEMO_STAFF, exportSeed, openDemoWork, readSeed } from "./seed.js";
import { callOverHttp, DEMO_ROOM_ID, signInWithPassword } from "./smoke.js";
import { readRunningStack, type Stack, startStack } from "./stack.js";
import { MissingDependencyError } from "./system.js";

const ROOT = join(__dirname, "..", "..");
export const DEV_PROJECT_ID = "demo-live";

function run(label: string, command: string, args: string[], cwd = ROOT): boolean {
  const started = Date.now();
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, args, { cwd, stdio: "inherit" });
  const ok = result.status === 0;
  console.log(`${ok ? "✔" : "✖"} ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return ok;
}

const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);

export function buildFunctions(): boolean {
  return run("build functions (one bundle per entry module)", bin("tsx"), [join(ROOT, "functions", "scripts", "build.ts")]);
}

/** The operations console (console/dist), served by the stack's Hosting emulator. */
export function buildConsole(): boolean {
  return run("build the operations console (esbuild)", bin("tsx"), [join(ROOT, "console", "build.ts")]);
}

function printEndpoints(stack: Stack) {
  const e = stack.endpoints;
  const rows: [string, string][] = [
    ["Auth emulator", `http://${e.auth}`],
    ["Functions emulator", `http://${e.functions}/${e.projectId}/us-central1/<function>`],
    ["Firestore emulator", `http://${e.firestore}`],
    [
      "Realtime Database",
      `http://${e.database}/?ns=${e.databaseNamespace}  (${e.databaseKind === "official" ? "official emulator" : "offline server"})`,
    ],
    ["Cloud Tasks emulator", `http://${e.tasks}`],
    ["Redis (Upstash REST)", `${e.redisRestUrl}  token: ${e.redisRestToken}`],
    ["FCM stand-in", `http://${e.fcm}/control/messages  (sent pushes; /control/topics)`],
    ["SMTP catcher", `smtp://${e.smtp}  mail read at ${e.mailControl}/messages`],
    ["Cloud Storage (stand-in)", `${e.storage}  (uploads through signed URLs from requestMediaUpload)`],
    ["Operations console", `${e.console}  (Firebase Hosting emulator)`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\nLocal stack for project ${e.projectId} is up:`);
  for (const [name, url] of rows) console.log(`  ${name.padEnd(width)}  ${url}`);
  console.log(`\nDemo accounts: admin@demo.live, luna@demo.live, mia@demo.live, ... (password: ${DEMO_PASSWORD})`);
  console.log(`Console staff: ${DEMO_STAFF.map((s) => `${s.email} (${s.role})`).join(", ")}`);
  console.log(`Open the operations console: ${e.console}`);
  console.log("Point the apps' SDKs here: see README.md › 'Connect an app'. Rules reload on save.");
  console.log("Stop with Ctrl-C.\n");
}

function onShutdown(stop: () => Promise<void>) {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local stack ...`);
    stop()
      .then(() => {
        console.log("Stopped.");
        process.exit(0);
      })
      .catch((err) => {
        console.error(err);
        process.exit(1);
      });
  };
  process.on("SIGINT", () => handler("SIGINT"));
  process.on("SIGTERM", () => handler("SIGTERM"));
}

async function start() {
  if (!buildFunctions() || !buildConsole()) process.exit(1);
  const verbose = process.argv.includes("--verbose");
  console.log("\n▶ starting the local stack (Firestore, Realtime Database, Redis, Auth, Functions, Tasks, Hosting, FCM stand-in, SMTP catcher)");
  const stack = await startStack({
    rootDir: ROOT,
    projectId: DEV_PROJECT_ID,
    ports: "fixed",
    functions: true,
    watchRules: true,
    log: (source, line) => {
      // Function executions, their logs, errors and rule reloads are what a developer watches;
      // the rest of the emulators' chatter only with --verbose.
      const interesting = /Beginning execution|Finished "|^>|⚠|✖|[Ee]rror|functions\[/.test(line);
      if (
        verbose ||
        source === "stack" ||
        source === "rules" ||
        source === "triggers" ||
        source === "fcm" ||
        source === "mail" ||
        (source === "functions" && interesting)
      ) {
        console.log(`[${source}] ${line}`);
      }
    },
  });
  onShutdown(() => stack.stop());
  const admin = adminAppFor(stack.endpoints);
  await applySeed(admin.app, stack.endpoints, readSeed(join(ROOT, "emulator-data")));
  await admin.close();
  console.log("✔ demo world loaded from emulator-data/");
  await startDemoGreedy(stack.endpoints);
  await openDemoWork(stack.endpoints)
    .then(({ withdrawalId, reportId }) => console.log(`✔ console work: withdrawal ${withdrawalId} pending, report ${reportId} open`))
    .catch((err) => console.log(`⚠ the console's demo work was not created: ${(err as Error).message}`));
  printEndpoints(stack);
}

/**
 * A static seed cannot hold a Cloud Tasks timer: Luna, who sits in her demo room, starts its Greedy game
 * over HTTP as the app would, and the round timers keep it going while she is there.
 */
async function startDemoGreedy(endpoints: Stack["endpoints"]) {
  try {
    if (!endpoints.auth || !endpoints.functions) throw new Error("no Auth or functions emulator");
    const luna = await signInWithPassword(endpoints.auth, "luna@demo.live", "demo-password");
    const reply = await callOverHttp(endpoints, "startGreedy", { roomId: DEMO_ROOM_ID }, luna.idToken);
    if (reply.status !== 200) throw new Error(JSON.stringify(reply));
    console.log(`✔ Greedy running in the demo room ${DEMO_ROOM_ID}`);
  } catch (err) {
    console.log(`⚠ the demo room's Greedy game did not start: ${(err as Error).message}`);
  }
}

async function exportRunning() {
  const endpoints = readRunningStack(ROOT, DEV_PROJECT_ID);
  if (!endpoints) throw new Error("No running local stack: start it with `npm start` first.");
  const admin = adminAppFor(endpoints);
  const counts = await exportSeed(admin.app, endpoints, join(ROOT, "emulator-data"));
  await admin.close();
  console.log(`✔ exported ${counts.users} users and ${counts.documents} documents to emulator-data/`);
}

function test(): number {
  const passArgs = process.argv.slice(3);
  const steps: [string, string, string[]][] = [
    ["typecheck functions", bin("tsc"), ["-p", "functions/tsconfig.test.json"]],
    ["typecheck devstack", bin("tsc"), ["-p", "devstack/tsconfig.json"]],
    ["typecheck console and client", bin("tsc"), ["-p", "console/tsconfig.json"]],
    ["lint and format (biome)", bin("biome"), ["check", "--error-on-warnings"]],
  ];
  for (const [label, command, args] of steps) if (!run(label, command, args)) return 1;
  if (!buildFunctions() || !buildConsole()) return 1;
  const ok = run("tests (mocha: unit, emulator, rules, end-to-end, browser)", bin("mocha"), ["--config", "devstack/mocharc.cjs", ...passArgs]);
  return ok ? 0 : 1;
}

/** The *.unit.test.ts files only: no typecheck, no build, no stack (devstack/mocharc-unit.cjs). */
function testUnit(): number {
  const ok = run("unit tests (mocha, no emulators)", bin("mocha"), ["--config", "devstack/mocharc-unit.cjs", ...process.argv.slice(3)]);
  return ok ? 0 : 1;
}

/** Runs functions/<folder>/<name>.ts (a benchmark or a simulation: scripts that print their figures); its exit status. */
function runScript(folder: "bench" | "sim", name: string): number {
  const script = join(ROOT, "functions", folder, `${name}.ts`);
  const result = spawnSync(process.execPath, [join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), script], { cwd: ROOT, stdio: "inherit" });
  return result.status ?? 1;
}

async function main() {
  const command = process.argv[2];
  switch (command) {
    case "start":
      return start();
    case "test":
      process.exit(test());
      break;
    case "unit":
      process.exit(testUnit());
      break;
    case "smoke": {
      const { smoke } = await import("./smoke.js");
      process.exit(await smoke(ROOT, DEV_PROJECT_ID));
      break;
    }
    case "export":
      return exportRunning();
    case "bench": {
      // Benchmarks are scripts that print their figures (functions/bench/<name>.ts), not tests.
      const name = process.argv[3] ?? "";
      if (!/^[a-z-]+$/.test(name)) throw new Error("usage: run.cjs bench <name> (a file in functions/bench)");
      process.exit(runScript("bench", name));
      break;
    }
    case "sim": {
      // Simulations start their own stack with the functions emulator, which serves functions/lib: build first.
      const name = process.argv[3] ?? "";
      if (!/^[a-z-]+$/.test(name)) throw new Error("usage: run.cjs sim <name> (a file in functions/sim)");
      if (!buildFunctions()) process.exit(1);
      process.exit(runScript("sim", name));
      break;
    }
    default:
      console.error("usage: run.cjs start|test|unit|smoke|export|bench <name>|sim <name>");
      process.exit(2);
  }
}

main().catch((err) => {
  if (err instanceof MissingDependencyError) console.error(`\n✖ ${err.message}`);
  else console.error(err);
  process.exit(1);
});
