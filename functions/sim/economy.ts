/**
 * `npm run sim:economy`: thousands of randomized, concurrent operations through the real callables and
 * webhooks on a local stack of its own (started as the test harness starts one: free ports, functions
 * emulator, project demo-sim-<pid>), then an audit of the whole economy. Prints its figures; exits
 * non-zero on any mismatch or any `internal` answer.
 *
 *   SIM_OPS=10000 SIM_CONCURRENCY=12 SIM_SEED=42 npm run sim:economy
 *   SIM_FANS, SIM_HOSTS, SIM_RESELLERS, SIM_PK_PAIRS size the world; SIM_EARLY_REFUNDS=0 leaves out refunds
 *   delivered before their purchase; STACK_VERBOSE=1 shows the emulators' output.
 */
import { cpus } from "node:os";
import { join } from "node:path";
import { envFor, startStack } from "../../devstack/src/stack.js";
import { formatReport, passed } from "./report.js";
import { runEconomySim } from "./run.js";

const ROOT = join(__dirname, "..", "..");

function envInt(name: string, fallback: number, min = 1): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}`);
  return value;
}

async function main(): Promise<number> {
  const seed = envInt("SIM_SEED", Math.floor(Math.random() * 2 ** 31), 0);
  const operations = envInt("SIM_OPS", 10_000);
  const concurrency = envInt("SIM_CONCURRENCY", 12);
  const earlyRefunds = process.env.SIM_EARLY_REFUNDS !== "0";
  const size = {
    fans: envInt("SIM_FANS", 60),
    hosts: envInt("SIM_HOSTS", 4),
    resellers: envInt("SIM_RESELLERS", 3, 2),
    granters: 3,
    payers: 2,
    pkPairs: envInt("SIM_PK_PAIRS", 2, 0),
    rooms: 3,
  };
  console.log(`economy simulation: SIM_SEED=${seed} SIM_OPS=${operations} SIM_CONCURRENCY=${concurrency}, ${cpus().length} cores`);
  const started = Date.now();
  const stack = await startStack({
    rootDir: ROOT,
    projectId: `demo-sim-${process.pid}`,
    ports: "free",
    functions: true,
    log: process.env.STACK_VERBOSE ? (source, line) => console.log(`  [${source}] ${line}`) : undefined,
  });
  try {
    Object.assign(process.env, envFor(stack.endpoints));
    const e = stack.endpoints;
    console.log(
      `  stack up in ${((Date.now() - started) / 1000).toFixed(1)} s: functions ${e.functions}, Firestore ${e.firestore}, project ${e.projectId}`,
    );
    const report = await runEconomySim(
      { projectId: e.projectId, functions: e.functions as string, auth: e.auth as string },
      { operations, concurrency, seed, size, earlyRefunds, log: (line) => console.log(line) },
    );
    for (const line of formatReport(report)) console.log(line);
    const ok = passed(report);
    console.log(
      `\n${ok ? "✔" : "✖"} economy simulation ${ok ? "passed" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s (SIM_SEED=${seed})`,
    );
    return ok ? 0 : 1;
  } finally {
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
