import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { getConfig, getMyFeatureFlags, listConfigs, listConfigVersions, updateConfig } from "../../../src/admin/platform/callables.js";
import { EDITABLE_CONFIGS } from "../../../src/admin/platform/editable-configs.js";
import { chatConfig } from "../../../src/chat/config.js";
import { db } from "../../../src/kernel/app.js";
import { clearConfigCaches } from "../../../src/kernel/config-document.js";
import { roomsConfig } from "../../../src/rooms/config.js";
import { callInProcess, expectHttpsError } from "../../support/callables.js";
import { allPaths } from "../../support/firestore.js";
import { useCleanStack } from "../../support/stack.js";
import { createTestUser, type TestUser } from "../../support/users.js";

interface Updated {
  id: string;
  version: number;
  value: Record<string, unknown>;
}

describe("admin/platform: configuration documents (validated, versioned, audited)", () => {
  useCleanStack();
  beforeEach(() => clearConfigCaches());
  afterEach(() => clearConfigCaches());
  let admin: TestUser;
  let finance: TestUser;

  beforeEach(async () => {
    admin = await createTestUser({ roles: ["admin"] });
    finance = await createTestUser({ roles: ["finance"] });
  });

  const edit = (id: string, value: Record<string, unknown>, expectedVersion: number, overrides: Record<string, unknown> = {}) =>
    callInProcess(updateConfig, {
      user: admin,
      data: { id, value, expectedVersion, reason: "tuning for the weekend event", requestId: randomUUID(), ...overrides },
    }) as Promise<Updated>;

  it("lists every editable document with its version, and reads one with its defaults applied", async () => {
    await db().doc("config/rooms").set({ maxRoomsPerOwner: 3 });
    const { configs } = (await callInProcess(listConfigs, { user: finance, data: {} })) as { configs: { id: string; version: number }[] };
    assert.deepEqual(
      configs.map((c) => c.id),
      Object.keys(EDITABLE_CONFIGS).sort(),
    );
    assert.ok(configs.every((c) => c.version === 0));
    const rooms = await callInProcess(getConfig, { user: finance, data: { id: "rooms" } });
    assert.deepEqual(rooms.raw, { maxRoomsPerOwner: 3 });
    assert.equal((rooms.value as { maxRoomsPerOwner: number; maxAdminsPerRoom: number }).maxRoomsPerOwner, 3);
    assert.equal((rooms.value as { maxAdminsPerRoom: number }).maxAdminsPerRoom, 10);
    assert.equal(rooms.issues, null);
    await expectHttpsError(callInProcess(getConfig, { user: finance, data: { id: "nosuch" } }), "not-found");
  });

  it("shows a stored document the readers refuse with its issues instead of a value", async () => {
    await db().doc("config/rooms").set({ maxRoomsPerOwner: 0 });
    const rooms = (await callInProcess(getConfig, { user: admin, data: { id: "rooms" } })) as { value: unknown; issues: string[] };
    assert.equal(rooms.value, null);
    assert.match(rooms.issues[0] as string, /^maxRoomsPerOwner: /);
  });

  it("updates a document: version + 1, history entry, audit entry, and the readers see it at once", async () => {
    const first = await edit("rooms", { maxRoomsPerOwner: 2 }, 0);
    assert.equal(first.version, 1);
    assert.equal(first.value.maxRoomsPerOwner, 2);
    assert.equal((await roomsConfig()).maxRoomsPerOwner, 2);

    const second = await edit("rooms", { maxRoomsPerOwner: 4, kickBanMinutes: 30 }, 1);
    assert.equal(second.version, 2);
    assert.equal((await roomsConfig()).kickBanMinutes, 30);

    const stored = (await db().doc("config/rooms").get()).data() as Record<string, unknown>;
    assert.equal(stored.version, 2);
    assert.equal(stored.updatedBy, undefined, "apps read config documents: the editing admin is named in the history only");
    assert.equal(stored.maxRoomsPerOwner, 4);

    const history = await db().collection("config/rooms/versions").orderBy("version").get();
    assert.deepEqual(
      history.docs.map((d) => [d.id, d.get("before"), d.get("value"), d.get("actorUid"), d.get("reason")]),
      [
        ["1", null, { maxRoomsPerOwner: 2 }, admin.uid, "tuning for the weekend event"],
        ["2", { maxRoomsPerOwner: 2 }, { maxRoomsPerOwner: 4, kickBanMinutes: 30 }, admin.uid, "tuning for the weekend event"],
      ],
    );
    const audit = await db().collection("auditLog").where("action", "==", "platform.config.update").get();
    assert.equal(audit.size, 2);
    const latest = audit.docs.find((d) => d.get("details.version") === 2)?.data();
    assert.deepEqual(latest?.before, { maxRoomsPerOwner: 2 });
    assert.deepEqual(latest?.after, { maxRoomsPerOwner: 4, kickBanMinutes: 30 });
    assert.equal(latest?.actorUid, admin.uid);
    assert.equal(latest?.details.configId, "rooms");

    const summary = (await callInProcess(getConfig, { user: admin, data: { id: "rooms" } })) as { version: number; updatedBy: string; raw: unknown };
    assert.equal(summary.version, 2);
    assert.equal(summary.updatedBy, admin.uid);
    // The version fields are not settings: a strict schema's readers still parse the document.
    assert.deepEqual(summary.raw, { maxRoomsPerOwner: 4, kickBanMinutes: 30 });
  });

  it("keeps strict documents readable after an edit (the version fields are not settings)", async () => {
    await edit("chat", { bannedWords: ["spam"] }, 0);
    assert.deepEqual((await chatConfig()).bannedWords, ["spam"]);
  });

  it("refuses a value the document's schema refuses with the issues, and changes nothing", async () => {
    const before = await allPaths();
    const err = await expectHttpsError(edit("rooms", { maxRoomsPerOwner: 0 }, 0), "invalid-argument");
    assert.equal((err.details as { issues: { path: string }[] }).issues[0]?.path, "maxRoomsPerOwner");
    await expectHttpsError(edit("chat", { notASetting: true }, 0), "invalid-argument");
    const unknown = await expectHttpsError(edit("nosuch", {}, 0), "not-found");
    assert.deepEqual(unknown.details, { reason: "unknown-config" });
    assert.deepEqual(await allPaths(), before);
  });

  it("refuses an edit from a stale version (version-conflict) and keeps the newer edit", async () => {
    await edit("rooms", { maxRoomsPerOwner: 2 }, 0);
    const err = await expectHttpsError(edit("rooms", { maxRoomsPerOwner: 5 }, 0), "failed-precondition");
    assert.deepEqual(err.details, { reason: "version-conflict", version: 1 });
    assert.equal((await db().doc("config/rooms").get()).get("maxRoomsPerOwner"), 2);
  });

  it("replays a repeated request id: one version, one audit entry", async () => {
    const data = { id: "rooms", value: { maxRoomsPerOwner: 2 }, expectedVersion: 0, reason: "once only", requestId: randomUUID() };
    const results = await Promise.all([1, 2, 3].map(() => callInProcess(updateConfig, { user: admin, data })));
    for (const result of results) assert.equal((result as Updated).version, 1);
    assert.equal((await db().collection("config/rooms/versions").get()).size, 1);
    assert.equal((await db().collection("auditLog").get()).size, 1);
  });

  it("pages the version history newest first", async () => {
    for (let version = 0; version < 5; version++) await edit("rooms", { maxRoomsPerOwner: version + 1 }, version);
    const first = (await callInProcess(listConfigVersions, { user: finance, data: { id: "rooms", limit: 3 } })) as {
      versions: { version: number }[];
      nextCursor: string;
    };
    assert.deepEqual(
      first.versions.map((v) => v.version),
      [5, 4, 3],
    );
    const rest = (await callInProcess(listConfigVersions, { user: finance, data: { id: "rooms", limit: 3, cursor: first.nextCursor } })) as {
      versions: { version: number }[];
      nextCursor: string | null;
    };
    assert.deepEqual(
      rest.versions.map((v) => v.version),
      [2, 1],
    );
    assert.equal(rest.nextCursor, null);
  });

  it("lets finance read but not edit; refuses other staff and users", async () => {
    const data = { id: "rooms", value: {}, expectedVersion: 0, reason: "not mine to change", requestId: randomUUID() };
    await expectHttpsError(callInProcess(updateConfig, { user: finance, data }), "permission-denied");
    for (const roles of [["moderator"], ["support"], ["viewer"]] as const) {
      const user = await createTestUser({ roles: [...roles] });
      await expectHttpsError(callInProcess(updateConfig, { user, data }), "permission-denied");
      await expectHttpsError(callInProcess(getConfig, { user, data: { id: "rooms" } }), "permission-denied");
      await expectHttpsError(callInProcess(listConfigs, { user, data: {} }), "permission-denied");
      await expectHttpsError(callInProcess(listConfigVersions, { user, data: { id: "rooms" } }), "permission-denied");
    }
  });
});

describe("admin/platform: getMyFeatureFlags", () => {
  useCleanStack();
  beforeEach(() => clearConfigCaches());
  afterEach(() => clearConfigCaches());

  it("evaluates every flag for the caller (country from the profile, roles from the token); an edit applies at once", async () => {
    const admin = await createTestUser({ roles: ["admin"] });
    const host = await createTestUser({ roles: ["host"] });
    await db().doc(`users/${host.uid}`).set({ country: "IN" });
    assert.deepEqual(await callInProcess(getMyFeatureFlags, { user: host, data: {} }), { flags: {} });
    const flags = {
      flags: {
        everyone: { enabled: true, rolloutPercent: 100 },
        indiaHosts: { enabled: true, rolloutPercent: 100, countries: ["IN"], roles: ["host"] },
        pakistan: { enabled: true, rolloutPercent: 100, countries: ["PK"] },
        off: { enabled: false, rolloutPercent: 100 },
      },
    };
    await callInProcess(updateConfig, {
      user: admin,
      data: { id: "flags", value: flags, expectedVersion: 0, reason: "launch", requestId: randomUUID() },
    });
    assert.deepEqual(await callInProcess(getMyFeatureFlags, { user: host, data: {} }), {
      flags: { everyone: true, indiaHosts: true, pakistan: false, off: false },
    });
  });
});
