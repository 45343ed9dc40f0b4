import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, sep } from "node:path";

const SRC = join(__dirname, "..", "src");
const INDEX = join(SRC, "index.ts");

interface Loaded {
  exports: string[];
  /** Source files loaded, relative to functions/src. */
  sources: string[];
  /** Packages (and firebase-functions' providers) loaded. */
  packages: string[];
}

/** Loads src/index.ts in a fresh process with `env`, as an instance of the runtime would, and reports what it loaded. */
function loadIndex(env: Record<string, string>): Loaded {
  const script = `
    const index = require(${JSON.stringify(INDEX)});
    const files = Object.keys(require.cache);
    const packageOf = (file) => {
      const rest = file.slice(file.lastIndexOf("node_modules/") + "node_modules/".length).split("/");
      const name = rest[0].startsWith("@") ? rest.slice(0, 2).join("/") : rest[0];
      const provider = file.match(/firebase-functions\\/lib\\/(v[12])\\/providers\\/(\\w+)\\.js$/);
      return provider ? "firebase-functions/" + provider[1] + "/" + provider[2] : name;
    };
    process.stdout.write(JSON.stringify({
      exports: Object.keys(index),
      sources: files.filter((f) => f.startsWith(${JSON.stringify(SRC + sep)})).map((f) => f.slice(${SRC.length + 1})),
      packages: [...new Set(files.filter((f) => f.includes("node_modules/")).map(packageOf))],
    }));`;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, GCLOUD_PROJECT: "demo-registry" };
  if (!env.FUNCTION_TARGET) delete childEnv.FUNCTION_TARGET;
  if (!env.FUNCTIONS_CONTROL_API) delete childEnv.FUNCTIONS_CONTROL_API;
  const out = execFileSync(process.execPath, ["--require", require.resolve("tsx/cjs"), "-e", script], { env: childEnv, encoding: "utf8" });
  return JSON.parse(out) as Loaded;
}

/**
 * Every deployable function defined under src (a function with a deployment definition), by the file
 * that defines it. Barrels (index.ts) only re-export, so they are not read; a function exported by two
 * other files is ambiguous and refused.
 */
function definedFunctions(): Map<string, string> {
  const files = readdirSync(SRC, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts") && !f.endsWith("index.ts"));
  const byValue = new Map<unknown, { name: string; file: string }>();
  for (const file of files.sort()) {
    for (const [name, value] of Object.entries(require(join(SRC, file)) as Record<string, unknown>)) {
      if (typeof value !== "function" || typeof (value as { __endpoint?: unknown }).__endpoint !== "object") continue;
      const seen = byValue.get(value);
      assert.ok(!seen, `${name} is exported by ${seen?.file} and ${file}: define it in one file, export it from there`);
      byValue.set(value, { name, file: file.split(sep).join("/") });
    }
  }
  return new Map([...byValue.values()].map(({ name, file }) => [name, file]));
}

describe("functions registry: one module per instance, every function discovered (unit)", function () {
  this.timeout(120_000);
  let defined = new Map<string, string>();
  before(() => {
    defined = definedFunctions();
  });

  it("discovery exports every deployable function defined under src, under its own name", () => {
    const discovery = loadIndex({ FUNCTIONS_CONTROL_API: "true" });
    assert.deepEqual([...discovery.exports].sort(), [...defined.keys()].sort());
    const plain = loadIndex({});
    assert.deepEqual(plain.exports, discovery.exports, "without a target every function is exported too");
    const index = require(INDEX) as Record<string, unknown>;
    for (const [name, file] of defined) {
      assert.equal(index[name], (require(join(SRC, file)) as Record<string, unknown>)[name], `${name} is the function ${file} defines`);
    }
    // Heavy SDKs wait for first use even when everything is loaded.
    for (const sdk of ["livekit-server-sdk", "stripe", "obscenity", "@upstash/redis", "@upstash/ratelimit"]) {
      assert.ok(!discovery.packages.includes(sdk), `${sdk} is loaded before first use`);
    }
  });

  it("discovery sees every function even when FUNCTION_TARGET is set; an unknown target loads every function", () => {
    const all = [...defined.keys()].sort();
    assert.deepEqual(loadIndex({ FUNCTIONS_CONTROL_API: "true", FUNCTION_TARGET: "sendGift" }).exports.sort(), all);
    assert.deepEqual(loadIndex({ FUNCTION_TARGET: "noSuchFunction" }).exports.sort(), all);
  });

  it("an instance with FUNCTION_TARGET loads its function's module and no other function's", () => {
    const entryFiles = new Set(defined.values());
    for (const [target, kind] of [
      ["sendGift", "callable"],
      ["onLedgerTransactionCreated", "Firestore trigger"],
      ["stripeWebhook", "webhook"],
      ["foldWalletShards", "scheduled job"],
    ] as const) {
      const loaded = loadIndex({ FUNCTION_TARGET: target });
      assert.deepEqual(loaded.exports, [target], `${kind}: exports only ${target}`);
      const otherEntries = loaded.sources.filter((file) => entryFiles.has(file) && file !== defined.get(target));
      assert.deepEqual(otherEntries, [], `${kind}: loads no other function's module`);
      assert.ok(!loaded.packages.includes("livekit-server-sdk") && !loaded.packages.includes("stripe"), `${kind}: no LiveKit or Stripe at load`);
      if (kind !== "callable" && kind !== "webhook") {
        assert.ok(!loaded.packages.includes("firebase-functions/v2/https"), `${kind}: does not load the https provider`);
        assert.ok(!loaded.packages.includes("jose"), `${kind}: does not load jose`);
      }
    }
  });
});
