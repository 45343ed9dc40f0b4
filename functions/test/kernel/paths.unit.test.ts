/**
 * Firestore collection names live in kernel/collections.ts and RTDB paths in venues/paths.ts, nowhere else
 * in functions/src: a collection name or a path written by hand elsewhere fails here, with its place.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { AgencyChatPaths, LivePaths, RoomPaths, TeenPattiPaths, TriggerPaths, UserPaths, VenuePaths } from "../../src/venues/paths.js";

const SRC = resolve(__dirname, "../../src");
const COLLECTIONS_MODULE = "kernel/collections.ts";
const PATHS_MODULE = "venues/paths.ts";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The code without comments (a `//` after a colon is a URL, not a comment). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

/** The argument text of every call to `.name(` (balanced parentheses). */
function callArguments(text: string, name: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(new RegExp(`\\.${name}\\(`, "g"))) {
    let depth = 1;
    let end = (match.index ?? 0) + match[0].length;
    const start = end;
    while (end < text.length && depth > 0) {
      if (text[end] === "(") depth++;
      else if (text[end] === ")") depth--;
      end++;
    }
    found.push(text.slice(start, end - 1).trim());
  }
  return found;
}

/** String and template literals (a template keeps its `${…}` placeholders). */
function literals(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
}

const isLiteral = (argument: string) => /^["'`]/.test(argument);

/** Collection names written outside kernel/collections.ts. */
function collectionViolations(file: string, text: string, literalNames: Set<string>): string[] {
  const found: string[] = [];
  for (const call of ["collection", "collectionGroup"]) {
    for (const argument of callArguments(text, call)) {
      const lastName = /(\w+)\s*$/.exec(argument)?.[1] ?? "";
      if (isLiteral(argument)) found.push(`${file}: .${call}(${argument})`);
      else if (!argument.startsWith("Collections.") && literalNames.has(lastName))
        found.push(`${file}: .${call}(${argument}), a name defined as a literal`);
    }
  }
  for (const argument of callArguments(text, "doc")) {
    if (isLiteral(argument) && argument.split(",")[0]?.includes("/")) found.push(`${file}: .doc(${argument})`);
  }
  for (const [, pattern] of text.matchAll(/\bdocument:\s*(["'`][^"'`]*["'`])/g)) {
    const segments = (pattern as string).slice(1, -1).split("/");
    if (segments.some((segment) => !/^(\{\w+\}|\$\{[\w.]+\})$/.test(segment))) found.push(`${file}: document: ${pattern}`);
  }
  return found;
}

/** The first segment of every path the path module builds: the roots a hand-written path would start with. */
function rtdbRoots(): Set<string> {
  const anyArgument = { type: "stream", id: "x", toString: () => "x" };
  const roots = new Set<string>();
  for (const paths of [AgencyChatPaths, VenuePaths, LivePaths, RoomPaths, UserPaths, TeenPattiPaths]) {
    for (const build of Object.values(paths) as ((...args: unknown[]) => string)[]) {
      roots.add(build(anyArgument, anyArgument).split("/")[0] as string);
    }
  }
  for (const pattern of Object.values(TriggerPaths)) roots.add(pattern.split("/")[0] as string);
  return roots;
}

/** RTDB paths written outside venues/paths.ts: a literal starting at an RTDB root, or one extending a built path. */
function pathViolations(file: string, text: string, roots: Set<string>): string[] {
  return literals(text)
    .filter((literal) => {
      const root = /^([A-Za-z]+)\//.exec(literal)?.[1];
      return (root !== undefined && roots.has(root)) || /^\$\{[^}]*Paths\.[^}]*\}\//.test(literal);
    })
    .map((literal) => `${file}: "${literal}"`);
}

const files = sourceFiles(SRC).map((path) => ({ file: relative(SRC, path), text: code(readFileSync(path, "utf8")) }));
/** Identifiers and keys bound to a string literal somewhere in src (a collection name kept in a constant). */
const literalNames = new Set(
  files
    .filter(({ file }) => file !== COLLECTIONS_MODULE)
    .flatMap(({ text }) => [...text.matchAll(/\b(\w+)\s*[:=]\s*["'`]/g)].map((m) => m[1] as string)),
);

describe("collection names and RTDB paths (unit)", () => {
  it("the checks find what they look for", () => {
    const roots = rtdbRoots();
    assert.ok(["streams", "rooms", "members", "presence", "chat", "giftEvents", "status"].every((root) => roots.has(root)));
    const sample = code(
      [
        'db().collection("users").doc(uid);',
        "db().collectionGroup(`shards`);",
        "userRef(uid).collection(FOLLOWING);",
        'const FOLLOWING = "following";',
        'db().doc("config/economy");',
        'onDocumentCreated({ document: "ledger/{txId}" });',
        // \u0024 is "$": these samples are plain strings that hold template literals.
        "rtdb().ref(`streams/\u0024{id}/state`);",
        "rtdb().ref(`\u0024{VenuePaths.chat(venue)}/\u0024{messageId}`);",
        'onValueCreated({ ref: "members/{venueKey}/{uid}" });',
        'log.info("seen in chat", { at: "http://x/y" }); // streams/x in a comment is fine',
      ].join("\n"),
    );
    assert.equal(collectionViolations("sample.ts", sample, new Set(["FOLLOWING"])).length, 5);
    assert.equal(pathViolations("sample.ts", sample, roots).length, 3);
  });

  it("every Firestore collection is named in kernel/collections.ts and used from there", () => {
    const violations = files
      .filter(({ file }) => file !== COLLECTIONS_MODULE)
      .flatMap(({ file, text }) => collectionViolations(file, text, literalNames));
    assert.deepEqual(violations, []);
  });

  it("every RTDB path is built by venues/paths.ts", () => {
    const roots = rtdbRoots();
    const violations = files.filter(({ file }) => file !== PATHS_MODULE).flatMap(({ file, text }) => pathViolations(file, text, roots));
    assert.deepEqual(violations, []);
  });
});
