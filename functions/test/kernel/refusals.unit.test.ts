/**
 * Refusals are part of the contract: every details.reason thrown in functions/src is declared in the
 * refusing domain's schema.ts (`…RefusalSchema`, a zod enum; the kernel's own in kernel/account.ts, kernel/maintenance.ts and kernel/staff-scope.ts),
 * and thrown through kernel refuse<DeclaredType>(…), which the compiler checks. This test checks the
 * same from the source, so a refusal cannot slip past the types (a plain fail() with a reason, an
 * undeclared type argument), and that every declared reason is still thrown somewhere.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { z } from "zod";

const SRC = resolve(__dirname, "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith(".ts") ? [path] : [];
  });
}

const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
const files = sourceFiles(SRC).map((path) => ({ path, file: relative(SRC, path), text: code(readFileSync(path, "utf8")) }));

/** `name<TypeArgument>(arguments)` or `name(arguments)` calls, with balanced parentheses. */
function calls(text: string, name: string): { typeArgument: string | undefined; args: string }[] {
  const found: { typeArgument: string | undefined; args: string }[] = [];
  for (const match of text.matchAll(new RegExp(`(?<![\\w.])${name}(?:<(\\w+)>)?\\(`, "g"))) {
    let depth = 1;
    let end = (match.index ?? 0) + match[0].length;
    const start = end;
    while (end < text.length && depth > 0) {
      if (text[end] === "(") depth++;
      else if (text[end] === ")") depth--;
      end++;
    }
    found.push({ typeArgument: match[1], args: text.slice(start, end - 1) });
  }
  return found;
}

const stringLiterals = (text: string) => [...text.matchAll(/"([^"\\\n]*)"/g)].map((m) => m[1] as string);

/** Declared refusal types by name (RoomRefusal → the values of RoomRefusalSchema) and the file declaring each. */
function declaredRefusals(): Map<string, { file: string; reasons: readonly string[] }> {
  const declared = new Map<string, { file: string; reasons: readonly string[] }>();
  for (const { path, file, text } of files) {
    for (const [, schemaName] of text.matchAll(/export const (\w+Refusal)Schema = z\.enum\(/g)) {
      const module = require(path) as Record<string, z.ZodEnum>;
      const schema = module[`${schemaName}Schema`];
      assert.ok(schema, `${file} exports ${schemaName}Schema`);
      declared.set(schemaName as string, { file, reasons: schema.options as readonly string[] });
    }
  }
  return declared;
}

describe("declared refusals (unit)", () => {
  const declared = declaredRefusals();

  it("each refusing domain declares its reasons in its schema.ts (the kernel's in kernel/account.ts, kernel/maintenance.ts, kernel/staff-scope.ts)", () => {
    assert.ok(declared.size >= 8, `refusal declarations found: ${[...declared.keys()].join(", ")}`);
    for (const [name, { file, reasons }] of declared) {
      assert.ok(
        file.endsWith("schema.ts") || ["kernel/account.ts", "kernel/maintenance.ts", "kernel/staff-scope.ts"].includes(file),
        `${name} is declared in ${file}`,
      );
      assert.ok(reasons.length > 0, `${name} declares reasons`);
    }
  });

  it("no refusal carries a reason except through refuse<DeclaredType>() (no fail() or HttpsError with a reason)", () => {
    const offending = files.flatMap(({ file, text }) => [
      ...calls(text, "fail")
        .filter(({ args }) => /\breason\b/.test(args))
        .map(({ args }) => `${file}: fail(${args.trim().slice(0, 60)}…)`),
      ...(file === "kernel/errors.ts"
        ? []
        : calls(text, "new HttpsError").map(({ args }) => `${file}: new HttpsError(${args.trim().slice(0, 60)}…)`)),
    ]);
    assert.deepEqual(offending, []);
  });

  it("every refuse<T>() and attemptWithinBudget<T>() names a declared refusal type, and every reason it states is T's", () => {
    const problems: string[] = [];
    for (const { file, text } of files) {
      for (const name of ["refuse", "attemptWithinBudget"]) {
        for (const { typeArgument, args } of calls(text, name)) {
          // The kernel's own generic forwarding (refuse<Reason> inside attemptWithinBudget) is checked at its callers.
          if (file.startsWith("kernel/") && typeArgument === "Reason") continue;
          const refusal = typeArgument ? declared.get(typeArgument) : undefined;
          if (!refusal) {
            problems.push(`${file}: ${name}<${typeArgument ?? ""}>(…) names no declared refusal type`);
            continue;
          }
          // The reason is refuse's second argument, or the budget's `reason:`; messages are not reasons.
          const reasonText = name === "refuse" ? (args.split(",")[1] ?? "") : (/\breason:\s*([^,}]*)/.exec(args)?.[1] ?? "");
          for (const reason of stringLiterals(reasonText)) {
            if (!refusal.reasons.includes(reason)) problems.push(`${file}: "${reason}" is not declared in ${typeArgument}`);
          }
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it("every declared reason is still refused somewhere (the contract lists no stale reasons)", () => {
    const declarations = /export const \w+RefusalSchema = z\.enum\(\[[^\]]*\]\);/g;
    const used = new Set(files.flatMap(({ text }) => stringLiterals(text.replace(declarations, ""))));
    const stale = [...declared].flatMap(([name, { reasons }]) => reasons.filter((reason) => !used.has(reason)).map((reason) => `${name}: ${reason}`));
    assert.deepEqual(stale, []);
  });
});
