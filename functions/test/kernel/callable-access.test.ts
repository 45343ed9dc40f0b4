/**
 * Every registered callable, in-process through its own runCallable pipeline: each role-gated one refuses,
 * with permission-denied and before reading its payload, every role it does not admit; and maintenance mode
 * refuses every callable to a non-admin with unavailable while admins pass. The roles come from the functions
 * themselves (defineCallable's `.access`). A sample is also probed over HTTP (e2e/access, e2e/platform).
 */
import assert from "node:assert/strict";
import { HttpsError } from "firebase-functions/v2/https";
import { db } from "../../src/kernel/app.js";
import { clearConfigCaches } from "../../src/kernel/config-document.js";
import { ROLES, type Role } from "../../src/kernel/roles.js";
import { type CatalogEntry, listCallables } from "../support/callable-catalog.js";
import { callInProcess } from "../support/callables.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser, type TestUser } from "../support/users.js";

/** Every role but admin, and an account with no role claim at all. */
const PROBED: (Role | "none")[] = ["none", ...ROLES.filter((role) => role !== "admin")];

async function codeOf(entry: CatalogEntry, user: TestUser, data: unknown): Promise<string> {
  try {
    await callInProcess(entry.callable, { user, data });
    return "ok";
  } catch (err) {
    return err instanceof HttpsError ? err.code : `thrown: ${(err as Error).message}`;
  }
}

describe("kernel: every callable's access and maintenance, in-process", function () {
  this.timeout(300_000);
  useCleanStack();
  beforeEach(clearConfigCaches);
  afterEach(clearConfigCaches);

  it("each role-gated callable refuses every role it does not admit with permission-denied", async () => {
    const gated = (await listCallables()).filter((c) => c.roles !== null);
    assert.ok(gated.length >= 50, `${gated.length} role-gated callables found`);
    const accounts = new Map<Role | "none", TestUser>();
    for (const role of PROBED) accounts.set(role, await createTestUser(role === "none" ? {} : { roles: [role] }));
    const wrong: string[] = [];
    let probes = 0;
    for (const entry of gated) {
      for (const role of PROBED.filter((r) => r === "none" || !(entry.roles as readonly string[]).includes(r))) {
        probes++;
        const code = await codeOf(entry, accounts.get(role) as TestUser, {});
        if (code !== "permission-denied") wrong.push(`${entry.name} as ${role}: ${code}`);
      }
    }
    assert.deepEqual(wrong, [], `${wrong.length} of ${probes} probes were not refused`);
  });

  it("maintenance mode: every callable refuses a non-admin with unavailable; admins pass", async () => {
    const callables = await listCallables();
    assert.ok(callables.length > 100, `${callables.length} callables found`);
    const [viewer, moderator, admin] = await Promise.all([
      createTestUser(),
      createTestUser({ roles: ["moderator"] }),
      createTestUser({ roles: ["admin"] }),
    ]);
    await db().doc("config/maintenance").set({ enabled: true, message: "Back soon.", endsAt: "2030-01-01T00:00:00Z" });
    clearConfigCaches();
    const wrong: string[] = [];
    for (const entry of callables) {
      for (const user of [viewer, moderator]) {
        const code = await codeOf(entry, user, {});
        if (code !== "unavailable") wrong.push(`${entry.name} as ${user === viewer ? "viewer" : "moderator"}: ${code}`);
      }
      // A payload no schema accepts: the admin gets past maintenance and is refused for the payload, doing nothing.
      const adminCode = await codeOf(entry, admin, { unexpected: true });
      if (adminCode === "unavailable") wrong.push(`${entry.name} as admin: unavailable`);
    }
    await db().doc("config/maintenance").set({ enabled: false });
    assert.deepEqual(wrong, []);
  });
});
