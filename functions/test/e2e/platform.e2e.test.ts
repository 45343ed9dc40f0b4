/**
 * Platform operations over HTTP against the functions emulator: a configuration edit reaching another
 * callable's instance, maintenance mode across every deployed callable, and the health endpoint.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { MAINTENANCE_CACHE_MS } from "../../src/kernel/maintenance.js";
import { listCallables, sampleForHttp } from "../support/callable-catalog.js";
import { callOverHttp } from "../support/callables.js";
import { callOk, type SignedUp, signUp, useStackAdmin } from "../support/e2e.js";
import { testStack, useCleanStack } from "../support/stack.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Edits config/{id} as an admin console does: read the version, write the whole document. */
async function editConfig(admin: SignedUp, id: string, value: Record<string, unknown>): Promise<void> {
  const { version } = await callOk<{ version: number }>("getConfig", { id }, admin);
  await callOk("updateConfig", { id, value, expectedVersion: version, reason: "e2e edit", requestId: randomUUID() }, admin);
}

/**
 * Calls `probe` until it answers true, and checks that no call started later than `withinMs` after
 * `sinceMs` answered false (a slow call that started before that may still see the old value).
 */
async function inEffectWithin(probe: () => Promise<boolean>, sinceMs: number, withinMs: number): Promise<void> {
  for (;;) {
    const startedMs = Date.now();
    if (await probe()) return;
    assert.ok(startedMs - sinceMs <= withinMs, `a call started ${startedMs - sinceMs} ms after the edit still saw the old value`);
    await sleep(200);
  }
}

async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += limit) results.push(...(await Promise.all(items.slice(start, start + limit).map(work))));
  return results;
}

describe("e2e: platform configuration, maintenance and health over HTTP", function () {
  this.timeout(180_000);
  useCleanStack();
  const stack = useStackAdmin();

  // Other instances keep the maintenance document for up to MAINTENANCE_CACHE_MS: switch it off and
  // outwait that, so no later test meets a cached "on".
  afterEach(async function () {
    this.timeout(20_000);
    await stack.firestore.doc("config/maintenance").set({ enabled: false });
    await sleep(MAINTENANCE_CACHE_MS + 500);
  });

  it("a feature flag edited through updateConfig reaches getMyFeatureFlags (another instance) within its 5 s cache", async () => {
    const admin = await signUp(stack, "flags-admin", { roles: ["admin"] });
    const viewer = await signUp(stack, "flags-viewer");
    assert.deepEqual((await callOk<{ flags: Record<string, boolean> }>("getMyFeatureFlags", {}, viewer)).flags.newInbox, undefined);
    await editConfig(admin, "flags", { flags: { newInbox: { enabled: true, rolloutPercent: 100 } } });
    const editedMs = Date.now();
    await inEffectWithin(
      async () => (await callOk<{ flags: Record<string, boolean> }>("getMyFeatureFlags", {}, viewer)).flags.newInbox === true,
      editedMs,
      5_500,
    );
  });

  it("maintenance mode over HTTP: sampled callables refuse a viewer with unavailable and let an admin through (all of them: kernel/callable-access.test.ts)", async function () {
    // Every callable's instance starts cold in the emulator: minutes on a loaded machine.
    this.timeout(1_200_000);
    const callables = sampleForHttp(await listCallables());
    const admin = await signUp(stack, "maintenance-admin", { roles: ["admin"] });
    const viewer = await signUp(stack, "maintenance-viewer");
    await editConfig(admin, "maintenance", { enabled: true, message: "Back soon.", endsAt: "2030-01-01T00:00:00Z" });
    // Instances that read the document before the edit keep it up to MAINTENANCE_CACHE_MS.
    await sleep(MAINTENANCE_CACHE_MS + 500);

    const viewerOutcomes = await mapLimited(callables, 4, async ({ name }) => {
      const reply = await callOverHttp(name, {}, viewer.idToken);
      return { name, status: reply.error?.status, details: (reply.error as { details?: unknown } | undefined)?.details };
    });
    assert.deepEqual(
      viewerOutcomes.filter((o) => o.status !== "UNAVAILABLE").map((o) => `${o.name}: ${o.status}`),
      [],
    );
    for (const outcome of viewerOutcomes) {
      assert.deepEqual(outcome.details, { reason: "maintenance", message: "Back soon.", endsAt: "2030-01-01T00:00:00Z" }, outcome.name);
    }

    // The admin's probes are made with an empty payload: most are refused as invalid, any refusal but unavailable will do.
    const adminOutcomes = await mapLimited(callables, 4, async ({ name }) => ({
      name,
      status: (await callOverHttp(name, {}, admin.idToken)).error?.status,
    }));
    assert.deepEqual(
      adminOutcomes.filter((o) => o.status === "UNAVAILABLE").map((o) => o.name),
      [],
    );
  });

  it("health answers 200 with Firestore, RTDB and Redis checked", async () => {
    const url = `http://${testStack().functions}/${testStack().projectId}/us-central1/health`;
    // A cold instance's first reads also open the connections (gRPC, websocket), which on a loaded test
    // machine can exceed the 2 s bound: the answer that counts is the instance's next one.
    await fetch(url);
    const response = await fetch(url);
    const body = (await response.json()) as { status: string; checks: Record<string, { ok: boolean; ms: number; skipped?: string }> };
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.status, "ok");
    assert.deepEqual(Object.keys(body.checks).sort(), ["firestore", "redis", "rtdb"]);
    for (const [name, check] of Object.entries(body.checks)) {
      assert.equal(check.ok, true, name);
      assert.equal(check.skipped, undefined, name);
    }
    assert.equal((await fetch(url, { method: "POST" })).status, 405);
  });
});
