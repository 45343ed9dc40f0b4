import assert from "node:assert/strict";
import { z } from "zod";
import { db } from "../../src/kernel/app.js";
import { defineCallable } from "../../src/kernel/callable.js";
import { clearConfigCaches } from "../../src/kernel/config-document.js";
import { MAINTENANCE_CACHE_MS } from "../../src/kernel/maintenance.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser } from "../support/users.js";

const anyUser = defineCallable({ name: "test.anyUser", input: z.object({}).strict(), handler: async () => "done" });
const moderatorsOnly = defineCallable({
  name: "test.moderatorsOnly",
  input: z.object({}).strict(),
  roles: ["moderator"],
  handler: async () => "done",
});

describe("kernel: maintenance mode in the callable pipeline", () => {
  useCleanStack();
  // The maintenance document is cached: no test may leave its state to the next one (or the next suite).
  beforeEach(() => clearConfigCaches());
  afterEach(() => clearConfigCaches());

  const setMaintenance = async (fields: Record<string, unknown>) => {
    await db().doc("config/maintenance").set(fields);
    clearConfigCaches();
  };

  it("refuses every non-admin with unavailable, the message and the expected end, before the role check", async () => {
    await setMaintenance({ enabled: true, message: "Upgrading the wallet, back at 04:00 UTC.", endsAt: "2026-12-06T04:00:00Z" });
    for (const roles of [["viewer"], ["host"], ["moderator"], ["finance"], ["support"]] as const) {
      const user = await createTestUser({ roles: [...roles] });
      for (const fn of [anyUser, moderatorsOnly]) {
        const err = await expectHttpsError(callInProcess(fn, { user, data: {} }), "unavailable");
        assert.equal(err.message, "Upgrading the wallet, back at 04:00 UTC.");
        assert.deepEqual(err.details, { reason: "maintenance", message: "Upgrading the wallet, back at 04:00 UTC.", endsAt: "2026-12-06T04:00:00Z" });
      }
    }
  });

  it("lets admins through", async () => {
    await setMaintenance({ enabled: true });
    const admin = await createTestUser({ roles: ["admin"] });
    assert.equal(await callInProcess(anyUser, { user: admin, data: {} }), "done");
    assert.equal(await callInProcess(moderatorsOnly, { user: admin, data: {} }), "done");
  });

  it("still refuses signed-out callers as unauthenticated", async () => {
    await setMaintenance({ enabled: true });
    await expectHttpsError(callInProcess(anyUser, { data: {} }), "unauthenticated");
  });

  it("lets everyone through when off, missing or invalid (an invalid document must not take the platform down)", async () => {
    const viewer = await createTestUser({ roles: ["viewer"] });
    assert.equal(await callInProcess(anyUser, { user: viewer, data: {} }), "done");
    await setMaintenance({ enabled: false, message: "not now" });
    assert.equal(await callInProcess(anyUser, { user: viewer, data: {} }), "done");
    await setMaintenance({ enabled: "yes" });
    assert.equal(await callInProcess(anyUser, { user: viewer, data: {} }), "done");
  });

  it("takes effect within the 5 s cache without clearing it", async function () {
    this.timeout(15_000);
    const viewer = await createTestUser({ roles: ["viewer"] });
    assert.equal(await callInProcess(anyUser, { user: viewer, data: {} }), "done");
    await db().doc("config/maintenance").set({ enabled: true });
    const started = Date.now();
    for (;;) {
      const callStarted = Date.now();
      try {
        await callInProcess(anyUser, { user: viewer, data: {} });
      } catch (err) {
        assert.equal((err as { code?: string }).code, "unavailable");
        break;
      }
      assert.ok(callStarted - started <= MAINTENANCE_CACHE_MS + 500, "maintenance not in effect after the cache time");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.ok(MAINTENANCE_CACHE_MS <= 5_000);
  });
});
