import assert from "node:assert/strict";
import { buildConsole } from "../../console/build.js";
import { testStack } from "../../functions/test/support/stack.js";
import type { ConsoleEnv } from "../src/firebase-emulators.js";

describe("devstack: the Hosting emulator serves the operations console with this stack's settings", () => {
  before(async function () {
    this.timeout(60_000);
    await buildConsole();
  });

  it("serves /console-env.json pointing at this stack's own Auth and Functions emulators", async () => {
    const stack = testStack();
    assert.ok(stack.console, "the test stack runs the Hosting emulator");
    const response = await fetch(`${stack.console}/console-env.json`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /json/);
    const env = (await response.json()) as ConsoleEnv;
    assert.equal(env.projectId, stack.projectId);
    assert.equal(env.authEmulatorUrl, `http://${stack.auth}`);
    assert.equal(`${env.functionsEmulator.host}:${env.functionsEmulator.port}`, stack.functions);
  });

  it("answers any other path with the console's page (the single-page app's routes)", async () => {
    const response = await fetch(`${testStack().console}/users/some-uid`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /html/);
  });
});
