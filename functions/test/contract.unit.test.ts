import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { registry } from "../src/registry.js";

const SRC = join(__dirname, "..", "src");

describe("contract: the clients' typed contract covers every callable", () => {
  it("imports, as types, every module of the registry that defines callables", () => {
    const contract = readFileSync(join(SRC, "contract.ts"), "utf8");
    const callableModules = [...new Set(Object.values(registry))].filter((module) =>
      readFileSync(join(SRC, module.replace(/\.js$/, ".ts")), "utf8").includes("defineCallable("),
    );
    assert.ok(callableModules.length > 20);
    const imported = new Set([...contract.matchAll(/^import type \* as \w+ from "(.+)";$/gm)].map((match) => match[1]));
    assert.deepEqual(
      callableModules.filter((module) => !imported.has(module)),
      [],
      "add these modules to functions/src/contract.ts",
    );
    assert.doesNotMatch(contract, /^import (?!type )/m, "the contract imports types only: a client bundle must not pull server code");
  });
});
