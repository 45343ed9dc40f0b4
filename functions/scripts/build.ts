/**
 * Builds functions/lib, what the functions emulator serves and what deploys: one self-contained bundle
 * per entry module of the registry (src/registry.ts), so a function's instance parses and runs only its
 * own code, and the entry point (lib/index.js) that requires the bundle of FUNCTION_TARGET alone.
 *
 * Bundled: our code and zod (without its 40-odd translated error-message locales: the platform answers
 * in English, and they were a third of zod's load time). External: every other package, loaded from
 * node_modules as before (firebase-functions and firebase-admin must stay single instances that
 * discovery and the runtime share; heavy SDKs are required on first use inside the code).
 * Type checking is not the bundler's job: `npm run typecheck` (and `npm test`) run tsc.
 *
 *   npx tsx functions/scripts/build.ts
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";
import { registry } from "../src/registry.js";

const FUNCTIONS_DIR = join(__dirname, "..");
const SRC = join(FUNCTIONS_DIR, "src");
const LIB = join(FUNCTIONS_DIR, "lib");
/** Packages compiled into the bundles; everything else is required from node_modules at run time. */
const BUNDLED_PACKAGES = ["zod"];

const bundledPackagesOnly: Plugin = {
  name: "bundled-packages-only",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith("@") ? args.path.split("/").slice(0, 2).join("/") : (args.path.split("/")[0] as string);
      return BUNDLED_PACKAGES.includes(name) ? undefined : { path: args.path, external: true };
    });
  },
};

/** zod's `locales` namespace reduced to English, the one its classic API configures by default. */
const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(args.resolveDir, "..", "locales", "en.js"), namespace: "zod-locales" }
        : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: SRC,
    }));
  },
};

async function main() {
  const entryModules = [...new Set(Object.values(registry))].map((module) => module.replace(/^\.\//, "").replace(/\.js$/, ""));
  rmSync(LIB, { recursive: true, force: true });
  const common = { platform: "node", target: "node20", format: "cjs", sourcemap: true, logLevel: "warning" } as const;
  await build({
    ...common,
    entryPoints: entryModules.map((module) => ({ in: join(SRC, `${module}.ts`), out: module })),
    outdir: LIB,
    bundle: true,
    // zod's ES modules (not its CommonJS build), imported as a namespace (`import * as z`, a lint rule), let
    // the bundler keep only the parts the code uses.
    mainFields: ["module", "main"],
    conditions: ["import"],
    // Smaller source to parse on every cold start; identifiers stay readable in stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [bundledPackagesOnly, zodEnglishOnly],
  });
  // The entry point and the registry it reads: compiled as they are, not bundled.
  await build({ ...common, entryPoints: [join(SRC, "index.ts"), join(SRC, "registry.ts")], outdir: LIB, bundle: false });
  console.log(`built ${entryModules.length} function bundles and the entry point into ${LIB}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
