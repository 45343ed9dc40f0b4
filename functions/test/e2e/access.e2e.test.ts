/**
 * Least privilege over HTTP: every role-gated callable refuses, with permission-denied and before reading
 * its payload, each role it does not admit (admins pass every check and are not probed). The roles come
 * from the deployed functions themselves (defineCallable's `.access`), so a new callable is covered the day
 * it is registered.
 */
import assert from "node:assert/strict";
import { ROLES, type Role } from "../../src/kernel/roles.js";
import { listCallables, sampleForHttp } from "../support/callable-catalog.js";
import { callOverHttp } from "../support/callables.js";
import { type SignedUp, signUp, useStackAdmin } from "../support/e2e.js";
import { useCleanStack } from "../support/stack.js";

/** Every role but admin, and an account with no role claim at all. */
const PROBED: (Role | "none")[] = ["none", ...ROLES.filter((role) => role !== "admin")];

describe("e2e: role-gated callables over HTTP refuse the roles they do not admit", function () {
  this.timeout(600_000);
  useCleanStack();
  const stack = useStackAdmin();

  it("each probe role is refused with permission-denied by every staff or role callable that leaves it out", async () => {
    // A sample over HTTP (each probed function starts an emulator worker); all of them in-process in
    // kernel/callable-access.test.ts.
    const gated = sampleForHttp((await listCallables()).filter((c) => c.roles !== null));
    const accounts = new Map<Role | "none", SignedUp>();
    // One at a time: the sign-up blocking function has a deadline a loaded machine can miss under a burst.
    for (const role of PROBED) accounts.set(role, await signUp(stack, `access-${role}`, role === "none" ? undefined : { roles: [role] }));

    // Roles one after another per callable, callables four at a time: concurrent calls to one function
    // would each start a worker of their own in the emulator.
    const wrong: string[] = [];
    let probes = 0;
    const probeCallable = async ({ name, roles }: (typeof gated)[number]) => {
      for (const role of PROBED.filter((r) => r === "none" || !(roles as readonly string[]).includes(r))) {
        probes++;
        const reply = await callOverHttp(name, {}, (accounts.get(role) as SignedUp).idToken);
        if (reply.error?.status !== "PERMISSION_DENIED") wrong.push(`${name} as ${role}: ${reply.status} ${reply.error?.status ?? "ok"}`);
      }
    };
    for (let start = 0; start < gated.length; start += 4) await Promise.all(gated.slice(start, start + 4).map(probeCallable));
    assert.deepEqual(wrong, [], `${wrong.length} of ${probes} probes were not refused`);
  });

  it("an operations role reaches the callables it is admitted to (refused for its payload, not its role)", async () => {
    const staffGated = sampleForHttp(
      (await listCallables()).filter((c) => c.roles?.some((role) => ["support", "finance", "moderator"].includes(role))),
      12,
    );
    const wrong: string[] = [];
    for (const role of ["support", "finance", "moderator"] as const) {
      const account = await signUp(stack, `access-ok-${role}`, { roles: [role] });
      for (const { name } of staffGated.filter((c) => c.roles?.includes(role))) {
        // A malformed payload: the role check passes, the validation refuses; nothing is done.
        const reply = await callOverHttp(name, { unexpected: true }, account.idToken);
        if (reply.error?.status !== "INVALID_ARGUMENT") wrong.push(`${name} as ${role}: ${reply.status} ${reply.error?.status ?? "ok"}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
});
