/**
 * Builds the operations console into console/dist: index.html and assets/ (one JS bundle, one CSS file),
 * what Firebase Hosting serves (firebase.json "hosting"). `tsx console/build.ts` builds it; the CLI and the
 * browser tests call buildConsole().
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const CONSOLE_DIR = __dirname;
export const CONSOLE_DIST = join(CONSOLE_DIR, "dist");

export async function buildConsole(options: { minify?: boolean } = {}): Promise<{ bytes: number }> {
  mkdirSync(join(CONSOLE_DIST, "assets"), { recursive: true });
  const result = await build({
    entryPoints: [
      { in: join(CONSOLE_DIR, "src", "main.tsx"), out: "app" },
      { in: join(CONSOLE_DIR, "src", "styles.css"), out: "app" },
    ],
    outdir: join(CONSOLE_DIST, "assets"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    jsx: "automatic",
    minify: options.minify ?? true,
    sourcemap: true,
    metafile: true,
    define: { "process.env.NODE_ENV": '"production"' },
    alias: { "@live-platform/client": join(CONSOLE_DIR, "..", "client", "src", "index.ts") },
    logLevel: "warning",
  });
  copyFileSync(join(CONSOLE_DIR, "index.html"), join(CONSOLE_DIST, "index.html"));
  // The contract is type-only: a server module in the bundle means a value import slipped in.
  const serverModules = Object.keys(result.metafile.inputs).filter(
    (input) => !input.includes("node_modules") && /(^|\/)functions\/src\//.test(input),
  );
  if (serverModules.length > 0) throw new Error(`the console bundle pulled server code: ${serverModules.join(", ")}`);
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  return { bytes };
}

if (require.main === module) {
  buildConsole()
    .then(({ bytes }) => console.log(`console built into ${CONSOLE_DIST} (${(bytes / 1024).toFixed(0)} KiB with source maps)`))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
