#!/usr/bin/env node
// Entry point of `npm start`, `npm test`, `npm run test:unit`, `npm run smoke`, `npm run export`: installs what is missing
// (npm dependencies of the root and of functions/), then runs the TypeScript CLI with tsx.
"use strict";
const { spawnSync, spawn } = require("node:child_process");
const { createHash } = require("node:crypto");
const { existsSync, readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..", "..");
const [major] = process.versions.node.split(".").map(Number);
if (major < 20) {
  console.error(`Node.js 20 or newer is required (found ${process.versions.node}). See .nvmrc.`);
  process.exit(1);
}

/** npm install when node_modules is missing or was installed from another lockfile. */
function ensureInstalled(dir) {
  const lock = join(dir, "package-lock.json");
  const stamp = join(dir, "node_modules", ".installed-lock-sha256");
  const want = createHash("sha256").update(readFileSync(lock)).digest("hex");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === want) return;
  console.log(`[setup] installing npm dependencies in ${dir === root ? "." : dir.slice(root.length + 1)} ...`);
  // `npm install` (not `npm ci`): npm 11 with omit-lockfile-registry-resolved writes lockfiles without
  // other platforms' optional packages, which `npm ci` then rejects as out of sync. The lock still pins versions.
  const result = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`[setup] npm install failed in ${dir}`);
    process.exit(result.status ?? 1);
  }
  writeFileSync(stamp, want);
}

ensureInstalled(root);
ensureInstalled(join(root, "functions"));

const tsx = join(root, "node_modules", "tsx", "dist", "cli.mjs");
const child = spawn(process.execPath, [tsx, join(root, "devstack", "src", "cli.ts"), ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
// Ctrl-C reaches the child through the terminal's process group; the CLI shuts the stack down itself.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
