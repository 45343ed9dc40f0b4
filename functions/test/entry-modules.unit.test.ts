import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";

const SRC = resolve(__dirname, "../src");
const COMPOSITION = join(SRC, "composition.ts");
const PORTS = [join(SRC, "venues/ports.ts")];

/** Which role file each kind of Cloud Function is defined in. */
const ROLE_OF_DEFINITION: [RegExp, string[]][] = [
  [/^(defineCallable|onCall)$/, ["callables.ts"]],
  [/^onRequest$/, ["webhooks.ts"]],
  [/^onSchedule$/, ["jobs.ts"]],
  [/^onTaskDispatched$/, ["jobs.ts", "tasks.ts"]],
  [/^(onDocument\w+|onValue\w+|beforeUser\w+|functionsV1\.auth\.user\(\)\.onCreate)$/, ["triggers.ts"]],
];
const ENTRY_ROLES = new Set(ROLE_OF_DEFINITION.flatMap(([, roles]) => roles));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith(".ts") ? [path] : [];
  });
}

const files = sourceFiles(SRC);
const text = new Map(files.map((file) => [file, readFileSync(file, "utf8")]));

/** The modules a file loads at run time: relative imports and re-exports, type-only ones excluded. */
function runtimeImports(file: string): string[] {
  const statement = /^\s*(?:import|export)\s+(type\s+)?(?:[^;]*?\sfrom\s+)?["'](\.{1,2}\/[^"']+)\.js["']/gm;
  return [...(text.get(file) ?? "").matchAll(statement)].filter((match) => !match[1]).map((match) => resolve(dirname(file), `${match[2]}.ts`));
}

const imports = new Map(files.map((file) => [file, runtimeImports(file)]));

function reachable(from: string): Set<string> {
  const seen = new Set<string>();
  const pending = [from];
  while (pending.length) {
    for (const next of imports.get(pending.pop() as string) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        pending.push(next);
      }
    }
  }
  return seen;
}

describe("entry modules (unit)", () => {
  it("every Cloud Function is defined in the role file of its kind (callables, webhooks, jobs, tasks, triggers)", () => {
    const definition = /^export const \w+\s*=\s*([\w.]+(?:\(\)\.\w+)?)\(/gm;
    const misplaced: string[] = [];
    for (const file of files) {
      for (const [, kind] of (text.get(file) ?? "").matchAll(definition)) {
        const roles = ROLE_OF_DEFINITION.find(([pattern]) => pattern.test(kind as string))?.[1];
        if (roles && !roles.includes(basename(file))) misplaced.push(`${relative(SRC, file)}: ${kind}`);
      }
    }
    assert.deepEqual(misplaced, []);
  });

  it("an entry module whose functions reach a port imports composition.ts itself (a deployed function loads only its module)", () => {
    const entryModules = files.filter((file) => ENTRY_ROLES.has(basename(file)));
    assert.ok(entryModules.length > 20, "entry modules found");
    const missing = entryModules
      .filter((file) => PORTS.some((port) => reachable(file).has(port)))
      .filter((file) => !imports.get(file)?.includes(COMPOSITION))
      .map((file) => relative(SRC, file));
    assert.deepEqual(missing, []);
  });

  it("no module imports an entry module (entry modules are loaded only as deployed functions)", () => {
    const entryImports = files.flatMap((file) =>
      (imports.get(file) ?? [])
        .filter((target) => ENTRY_ROLES.has(basename(target)))
        .map((target) => `${relative(SRC, file)} → ${relative(SRC, target)}`),
    );
    assert.deepEqual(
      entryImports.filter((edge) => !edge.startsWith("index.ts")),
      [],
    );
  });

  it("no module of ours is loaded with require() (a lazy require hides a cycle from tsc and the linter)", () => {
    // index.ts may load the one entry module a deployed function needs.
    const hidden = files
      .filter((file) => file !== join(SRC, "index.ts") && /\brequire\(\s*["']\.{1,2}\//.test(text.get(file) ?? ""))
      .map((file) => relative(SRC, file));
    assert.deepEqual(hidden, []);
  });
});
