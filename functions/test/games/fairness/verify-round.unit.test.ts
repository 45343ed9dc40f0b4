/**
 * The standalone verifier script (functions/scripts/verify-round.ts), run as a user would: a child process
 * reading a public round record, with a preload that fails any attempt to load a Firebase package.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { FAIRNESS_ALGORITHM } from "../../../src/games/fairness/fairness.js";

const ROOT = resolve(__dirname, "../../../..");
const SCRIPT = "functions/scripts/verify-round.ts";
const work = mkdtempSync(join(tmpdir(), "verify-round-"));
const NO_FIREBASE = join(work, "no-firebase.cjs");
writeFileSync(
  NO_FIREBASE,
  `const Module = require("node:module");
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (/firebase/.test(request)) throw new Error("the verifier loaded " + request);
  return resolveFilename.call(this, request, ...rest);
};`,
);

/** Runs a TypeScript file as `npx tsx` would, with `args`, and `stdin` as its standard input. */
function run(args: string[], stdin = ""): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ["--require", NO_FIREBASE, "--import", "tsx", ...args], { cwd: ROOT, input: stdin, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const fairness = {
  algorithm: FAIRNESS_ALGORITHM,
  commitment: "4773d12e2371bb935b9a0f5439b4a1c3ad3f2414b86980f8418d1cfabdfadfef",
  serverSeed: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
  clientSeed: "client",
  nonce: 7,
  revealedAt: 1_700_000_000_000,
};
const greedy = { game: "greedy", id: "round-1", fairness, weights: [1000, 1000, 1000, 1000, 500, 333, 200, 111], winningIndex: 3 };

describe("games/fairness: the standalone verifier script (unit)", function () {
  this.timeout(30_000);

  it("verifies a Greedy round read from stdin and prints the recomputed item and OK", () => {
    const { status, stdout, stderr } = run([SCRIPT], JSON.stringify(greedy));
    assert.equal(status, 0, stderr);
    assert.match(stdout, /recomputed: {2}winning item 3 /);
    assert.match(stdout, /\nOK\n$/);
  });

  it("verifies a Teen Patti hand from a file, also inside a whole verifyRound response", () => {
    const hand = {
      game: "teenpatti",
      fairness,
      hands: [
        ["8d", "Kd", "Qs"],
        ["7s", "Js", "Jc"],
        ["5c", "6s", "3s"],
      ],
    };
    const file = join(work, "hand.json");
    writeFileSync(file, JSON.stringify({ verified: true, record: hand }));
    const { status, stdout, stderr } = run([SCRIPT, file]);
    assert.equal(status, 0, stderr);
    assert.match(stdout, /recomputed: {2}8d Kd Qs \| 7s Js Jc \| 5c 6s 3s/);
    assert.match(stdout, /\nOK\n$/);
  });

  it("exits 1 with MISMATCH when the recorded result is not the recomputed one", () => {
    const wrongItem = run([SCRIPT], JSON.stringify({ ...greedy, winningIndex: 4 }));
    assert.equal(wrongItem.status, 1);
    assert.match(wrongItem.stdout, /MISMATCH \(outcome differs\)/);
  });

  it("exits 2 on a record it cannot verify yet (seed not revealed)", () => {
    const unrevealed = run([SCRIPT], JSON.stringify({ ...greedy, fairness: { ...fairness, serverSeed: null, revealedAt: null } }));
    assert.equal(unrevealed.status, 2);
    assert.match(unrevealed.stderr, /not revealed/);
  });

  it("the no-Firebase preload does fail a module that loads Firebase (the checks above mean something)", () => {
    const result = run([join(ROOT, "functions/src/games/fairness/schema.ts")]);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /the verifier loaded firebase/);
  });
});
