/**
 * The built functions (functions/lib, what the emulator serves and what deploys; `npm test` builds it
 * before the tests): one bundle per entry module, each function's instance loading its bundle alone.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { registry } from "../src/registry.js";

const FUNCTIONS_DIR = join(__dirname, "..");
const LIB = join(FUNCTIONS_DIR, "lib");

interface Loaded {
  exports: string[];
  /** Whether each export is a deployable function (a handler with an endpoint definition). */
  deployable: boolean[];
  /** Files loaded from lib/, relative to it. */
  bundles: string[];
  /** Packages loaded from node_modules. */
  packages: string[];
}

function loadLib(env: Record<string, string>): Loaded {
  const script = `
    const index = require(${JSON.stringify(join(LIB, "index.js"))});
    const files = Object.keys(require.cache);
    const packageOf = (file) => {
      const rest = file.slice(file.lastIndexOf("node_modules/") + "node_modules/".length).split("/");
      return rest[0].startsWith("@") ? rest.slice(0, 2).join("/") : rest[0];
    };
    process.stdout.write(JSON.stringify({
      exports: Object.keys(index),
      deployable: Object.values(index).map((f) => typeof f === "function" && typeof f.__endpoint === "object"),
      bundles: files.filter((f) => f.startsWith(${JSON.stringify(`${LIB}/`)})).map((f) => f.slice(${LIB.length + 1})),
      packages: [...new Set(files.filter((f) => f.includes("node_modules/")).map(packageOf))],
    }));`;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, GCLOUD_PROJECT: "demo-build" };
  delete childEnv.NODE_OPTIONS;
  if (!env.FUNCTION_TARGET) delete childEnv.FUNCTION_TARGET;
  if (!env.FUNCTIONS_CONTROL_API) delete childEnv.FUNCTIONS_CONTROL_API;
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: FUNCTIONS_DIR, env: childEnv, encoding: "utf8" })) as Loaded;
}

const bundleOf = (name: string) => (registry[name] as string).replace(/^\.\//, "");

describe("the built functions (functions/lib)", () => {
  before(() => {
    if (!existsSync(join(LIB, "index.js"))) assert.fail("functions/lib is not built: npm test builds it (npm run build)");
  });

  it("discovery loads every bundle and sees every function of the registry, each deployable", function () {
    this.timeout(60_000);
    const loaded = loadLib({ FUNCTIONS_CONTROL_API: "true" });
    assert.deepEqual([...loaded.exports].sort(), Object.keys(registry).sort());
    assert.ok(loaded.deployable.every(Boolean), "every export has an endpoint definition");
    assert.deepEqual(new Set(loaded.bundles), new Set(["index.js", "registry.js", ...Object.keys(registry).map(bundleOf)]));
  });

  it("an instance loads only its own bundle, with zod inside it and no heavy SDK", function () {
    this.timeout(60_000);
    for (const target of ["sendGift", "onLedgerTransactionCreated", "stripeWebhook", "foldWalletShards", "getRoom"]) {
      const loaded = loadLib({ FUNCTION_TARGET: target });
      assert.deepEqual(loaded.exports, [target]);
      assert.deepEqual(loaded.deployable, [true]);
      assert.deepEqual(loaded.bundles.sort(), ["index.js", "registry.js", bundleOf(target)].sort(), `${target}: its bundle alone`);
      for (const heavy of ["zod", "stripe", "livekit-server-sdk", "obscenity", "@upstash/redis"]) {
        assert.ok(!loaded.packages.includes(heavy), `${target}: ${heavy} is not loaded from node_modules`);
      }
    }
  });

  it("bundles carry zod's English messages only, and a source map", () => {
    const bundle = readFileSync(join(LIB, bundleOf("sendGift")), "utf8");
    assert.match(bundle, /Invalid input/, "zod's English messages are in the bundle");
    // German is one of the locales zod ships; its messages must not be.
    assert.doesNotMatch(bundle, /Ungültige Eingabe/);
    assert.ok(existsSync(join(LIB, `${bundleOf("sendGift")}.map`)));
  });

  it("every function whose bundle holds the Redis client declares the Redis token (undeclared, it is empty in production)", function () {
    this.timeout(60_000);
    const script = `
      const index = require(${JSON.stringify(join(LIB, "index.js"))});
      process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(index).map(([name, f]) =>
        [name, (f.__endpoint.secretEnvironmentVariables ?? []).map((s) => s.key)]))));`;
    const env: NodeJS.ProcessEnv = { ...process.env, FUNCTIONS_CONTROL_API: "true", GCLOUD_PROJECT: "demo-build" };
    delete env.NODE_OPTIONS;
    const declared = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: FUNCTIONS_DIR, env, encoding: "utf8" })) as Record<
      string,
      string[]
    >;
    // kernel/redis.ts reads the token when it creates the client: a bundle with that read can reach Redis.
    const undeclared = Object.keys(registry).filter((name) => {
      const readsToken = readFileSync(join(LIB, bundleOf(name)), "utf8").includes("UPSTASH_REDIS_REST_TOKEN.value()");
      return readsToken && !declared[name]?.includes("UPSTASH_REDIS_REST_TOKEN");
    });
    assert.deepEqual(undeclared, []);
  });
});
