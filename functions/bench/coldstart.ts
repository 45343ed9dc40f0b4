/**
 * Cold-start benchmark: how long a fresh instance takes to load the functions' entry point, as the
 * Cloud Functions runtime loads it (FUNCTION_TARGET set to the function's name), against the floor of
 * firebase-functions' https provider alone, for a callable, a Firestore trigger and a webhook; and the
 * whole bundle as discovery loads it (FUNCTIONS_CONTROL_API=true), for reference.
 *
 * Every load runs in a fresh Node process that times only the require() of the entry point (not Node's
 * own start): wall time, which the target is about, and CPU time, which other processes disturb less.
 * The cases take turns, repetition after repetition, so a change in the machine's load touches them all
 * alike; each figure is the median. Also printed for reference: the floor with zod (the least any
 * function with a schema loads). Builds nothing: run after `npm run build`.
 *
 *   npx tsx functions/bench/coldstart.ts          (from the repository root; about half a minute)
 *   BENCH_REPETITIONS=31 npx tsx functions/bench/coldstart.ts
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";

const FUNCTIONS_DIR = join(__dirname, "..");
const ENTRY = join(FUNCTIONS_DIR, "lib", "index.js");
const REPETITIONS = envInt("BENCH_REPETITIONS", 15);
/** Each function's load, as a multiple of the floor. */
const TARGET_RATIO = 1.25;

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

interface Case {
  label: string;
  what: string;
  /** The modules the child process requires, and what it checks afterwards (outside the timing). */
  modules: string[];
  env: Record<string, string>;
  /** Exported names that must be functions with a deployable definition. */
  expect: "none" | "target" | "all";
}

const floor: Case = { label: "floor", what: "firebase-functions/https alone", modules: ["firebase-functions/https"], env: {}, expect: "none" };
/** What any function with a zod schema cannot load less than, for reference. */
const floorWithZod: Case = {
  label: "floor + zod",
  what: "the least a function with a schema loads",
  modules: ["firebase-functions/https", "zod"],
  env: {},
  expect: "none",
};
const target = (name: string, what: string): Case => ({ label: name, what, modules: [ENTRY], env: { FUNCTION_TARGET: name }, expect: "target" });
const functionCases = [target("sendGift", "callable"), target("onLedgerTransactionCreated", "Firestore trigger"), target("stripeWebhook", "webhook")];
const discovery: Case = {
  label: "all functions",
  what: "discovery, FUNCTIONS_CONTROL_API=true",
  modules: [ENTRY],
  env: { FUNCTIONS_CONTROL_API: "true" },
  expect: "all",
};
const CASES = [floor, floorWithZod, ...functionCases, discovery];

/**
 * What a child process runs: require the module (timed), then read the exports the way the runtime
 * (one name) or discovery (every name, its __endpoint) does, and report.
 */
const CHILD = `
const cpuBefore = process.cpuUsage();
const started = process.hrtime.bigint();
const loaded = process.env.BENCH_MODULES.split(",").map((m) => require(require.resolve(m, { paths: [process.cwd()] }))).at(-1);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const cpu = process.cpuUsage(cpuBefore);
const cpuMs = (cpu.user + cpu.system) / 1000;
const names = process.env.BENCH_EXPECT === "target" ? [process.env.FUNCTION_TARGET] : process.env.BENCH_EXPECT === "all" ? Object.keys(loaded) : [];
const missing = names.filter((name) => typeof loaded[name] !== "function" || typeof loaded[name].__endpoint !== "object");
process.stdout.write(JSON.stringify({ ms, cpuMs, modules: Object.keys(require.cache).length, exported: Object.keys(loaded).length, functions: names.length, missing }));
`;

interface Sample {
  ms: number;
  /** CPU time of the load (user + system): less sensitive to other processes than wall time. */
  cpuMs: number;
  modules: number;
  exported: number;
  functions: number;
  missing: string[];
}

function load(c: Case): Sample {
  const env: NodeJS.ProcessEnv = { ...process.env, ...c.env, BENCH_MODULES: c.modules.join(","), BENCH_EXPECT: c.expect };
  // The runtime's view only: no loader hooks from this process, no target unless the case sets one.
  delete env.NODE_OPTIONS;
  if (!c.env.FUNCTION_TARGET) delete env.FUNCTION_TARGET;
  if (!c.env.FUNCTIONS_CONTROL_API) delete env.FUNCTIONS_CONTROL_API;
  env.GCLOUD_PROJECT ??= "demo-bench";
  const child = spawnSync(process.execPath, ["-e", CHILD], { cwd: FUNCTIONS_DIR, env, encoding: "utf8" });
  if (child.status !== 0) throw new Error(`${c.label}: the load failed\n${child.stderr}`);
  const sample = JSON.parse(child.stdout) as Sample;
  if (sample.missing.length) throw new Error(`${c.label}: not exported as deployable functions: ${sample.missing.join(", ")}`);
  if (c.expect === "target" && sample.exported !== 1) throw new Error(`${c.label}: exported ${sample.exported} functions, not only its own`);
  return sample;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

function main(): number {
  if (!existsSync(ENTRY)) {
    console.error(`no ${ENTRY}: build first (npm run build)`);
    return 1;
  }
  const [load1] = loadavg();
  console.log(
    `cold-start benchmark: median of ${REPETITIONS} fresh processes per case, Node ${process.version}, ${cpus().length} cores, load ${load1?.toFixed(1)}`,
  );
  for (const c of CASES) load(c); // warm the file system cache
  const samples = new Map<Case, Sample[]>(CASES.map((c) => [c, []]));
  for (let i = 0; i < REPETITIONS; i++) for (const c of CASES) samples.get(c)?.push(load(c));

  const figure = (c: Case) => {
    const runs = samples.get(c) ?? [];
    return {
      ms: median(runs.map((s) => s.ms)),
      cpuMs: median(runs.map((s) => s.cpuMs)),
      modules: runs[0]?.modules ?? 0,
      functions: runs[0]?.functions ?? 0,
    };
  };
  const base = figure(floor);
  const ratio = (c: Case) => figure(c).ms / base.ms;
  const row = (c: Case, note = "") => {
    const f = figure(c);
    const times = [`${f.ms.toFixed(1)} ms`, `${(f.ms / base.ms).toFixed(2)}x`, `${f.cpuMs.toFixed(1)} ms`, `${(f.cpuMs / base.cpuMs).toFixed(2)}x`];
    console.log(`  ${`${c.label}: ${c.what}`.padEnd(58)} ${times.map((t) => t.padStart(9)).join(" ")} ${String(f.modules).padStart(8)}  ${note}`);
  };
  console.log(`  ${"".padEnd(58)} ${["wall", "÷ floor", "cpu", "÷ floor"].map((t) => t.padStart(9)).join(" ")} ${"modules".padStart(8)}`);
  row(floor);
  row(floorWithZod, "(reference)");
  for (const c of functionCases) row(c);
  row(discovery, `(reference, ${figure(discovery).functions} functions)`);
  const over = functionCases.filter((c) => ratio(c) > TARGET_RATIO).map((c) => c.label);
  console.log(
    over.length
      ? `  above the ${TARGET_RATIO}x target (wall time) on this machine: ${over.join(", ")}`
      : `  every function loads within ${TARGET_RATIO}x the floor (wall time): target met`,
  );
  return 0;
}

try {
  process.exit(main());
} catch (err) {
  console.error(err);
  process.exit(1);
}
