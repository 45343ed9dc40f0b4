import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { listDevices, registerDevice, removeDevice, signOutEverywhere } from "../../src/identity/callables.js";
import { auth, db } from "../../src/kernel/app.js";
import { clearConfigCaches } from "../../src/kernel/config-document.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths, docData } from "../support/firestore.js";
import { queuedFor } from "../support/notifications.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser, idTokenFor, signInAgain, type TestUser, waitForNextSecond } from "../support/users.js";
import { setAccessConfig } from "./support.js";

const device = (deviceId: string, overrides: Record<string, unknown> = {}) => ({
  deviceId,
  platform: "android",
  appVersion: "1.4.0",
  fcmToken: `fcm-${deviceId}`,
  ...overrides,
});

async function deviceIds(uid: string): Promise<string[]> {
  return (await db().collection(`users/${uid}/devices`).get()).docs.map((d) => d.id).sort();
}

const newDeviceNotices = (uid: string) => queuedFor(uid, "new-device");

describe("identity: devices", () => {
  useCleanStack();
  let alice: TestUser;
  let bob: TestUser;

  beforeEach(async () => {
    // config/access was just emptied: drop what the previous test cached.
    clearConfigCaches();
    alice = await createTestUser({ roles: ["viewer"] });
    bob = await createTestUser({ roles: ["viewer"] });
  });

  it("registers a device privately under the user, notifying new devices after the first", async () => {
    const first = await callInProcess(registerDevice, { user: alice, data: device("phone-0001") });
    assert.deepEqual(first, { deviceId: "phone-0001", created: true, deviceCount: 1, maxDevices: 5 });
    const stored = await docData(`users/${alice.uid}/devices/phone-0001`);
    assert.equal(stored?.platform, "android");
    assert.equal(stored?.fcmToken, "fcm-phone-0001");
    // The sign-up device is not "new" to anyone.
    assert.deepEqual(await newDeviceNotices(alice.uid), []);

    await callInProcess(registerDevice, { user: alice, data: device("tablet-0002", { platform: "ios" }) });
    const notes = await newDeviceNotices(alice.uid);
    assert.equal(notes.length, 1);
    assert.equal(notes[0]?.status, "pending");
    assert.deepEqual(notes[0]?.data, { deviceId: "tablet-0002", deviceName: "ios (tablet-0002)", platform: "ios", appVersion: "1.4.0" });
    // The inbox is the notifications pipeline's to write.
    assert.equal((await db().collection(`users/${alice.uid}/notifications`).get()).size, 0);
  });

  it("a retried registration queues one notice; a device removed and registered again is new again", async () => {
    await callInProcess(registerDevice, { user: alice, data: device("phone-0001") });
    const data = device("tablet-0002", { requestId: randomUUID() });
    await Promise.all([callInProcess(registerDevice, { user: alice, data }), callInProcess(registerDevice, { user: alice, data })]);
    await callInProcess(registerDevice, { user: alice, data });
    assert.equal((await newDeviceNotices(alice.uid)).length, 1);

    await callInProcess(removeDevice, { user: alice, data: { deviceId: "tablet-0002" } });
    await callInProcess(registerDevice, { user: alice, data: device("tablet-0002") });
    assert.equal((await newDeviceNotices(alice.uid)).length, 2);
  });

  it("re-registering an existing device updates it: no new slot, no notification", async () => {
    await callInProcess(registerDevice, { user: alice, data: device("phone-0001") });
    await callInProcess(registerDevice, { user: alice, data: device("phone-0002") });
    const again = await callInProcess(registerDevice, {
      user: alice,
      data: device("phone-0001", { appVersion: "1.5.0", fcmToken: "fcm-rotated" }),
    });
    assert.deepEqual(again, { deviceId: "phone-0001", created: false, deviceCount: 2, maxDevices: 5 });
    const stored = await docData(`users/${alice.uid}/devices/phone-0001`);
    assert.equal(stored?.appVersion, "1.5.0");
    assert.equal(stored?.fcmToken, "fcm-rotated");
    assert.equal((await newDeviceNotices(alice.uid)).length, 1);
  });

  it("refuses a 6th distinct device (default limit 5) but still updates registered ones", async () => {
    for (let i = 1; i <= 5; i++) await callInProcess(registerDevice, { user: alice, data: device(`device-000${i}`) });
    const err = await expectHttpsError(callInProcess(registerDevice, { user: alice, data: device("device-0006") }), "failed-precondition");
    assert.match(err.message, /limit 5/);
    assert.equal((await deviceIds(alice.uid)).length, 5);
    const update = await callInProcess(registerDevice, { user: alice, data: device("device-0003", { appVersion: "2.0.0" }) });
    assert.equal(update.created, false);
  });

  it("holds the limit under concurrent registrations and follows config/access.maxDevices", async () => {
    await setAccessConfig({ maxDevices: 2 });
    const attempts = await Promise.allSettled(
      ["race-0001", "race-0002", "race-0003", "race-0004"].map((id) => callInProcess(registerDevice, { user: alice, data: device(id) })),
    );
    assert.equal(attempts.filter((a) => a.status === "fulfilled").length, 2);
    assert.equal((await deviceIds(alice.uid)).length, 2);
  });

  it("replays a repeated requestId without a second write", async () => {
    const data = device("phone-0001", { requestId: randomUUID() });
    const [a, b] = await Promise.all([callInProcess(registerDevice, { user: alice, data }), callInProcess(registerDevice, { user: alice, data })]);
    assert.deepEqual(a, b);
    assert.equal(a.created, true);
  });

  it("lists only the caller's devices, without push tokens", async () => {
    await callInProcess(registerDevice, { user: alice, data: device("alice-phone1") });
    await callInProcess(registerDevice, { user: bob, data: device("bob-phone-01", { platform: "web", fcmToken: undefined }) });
    const mine = await callInProcess(listDevices, { user: alice });
    assert.deepEqual(
      mine.devices.map((d) => [d.deviceId, d.platform, d.hasPushToken]),
      [["alice-phone1", "android", true]],
    );
    assert.equal(mine.maxDevices, 5);
    assert.ok(!JSON.stringify(mine).includes("fcm-"));
    const bobs = await callInProcess(listDevices, { user: bob });
    assert.deepEqual(
      bobs.devices.map((d) => [d.deviceId, d.hasPushToken]),
      [["bob-phone-01", false]],
    );
  });

  it("removes the caller's own device; another user's device is not-found", async () => {
    await callInProcess(registerDevice, { user: alice, data: device("alice-phone1") });
    await callInProcess(registerDevice, { user: bob, data: device("bob-phone-01") });

    await expectHttpsError(callInProcess(removeDevice, { user: alice, data: { deviceId: "bob-phone-01" } }), "not-found");
    assert.deepEqual(await deviceIds(bob.uid), ["bob-phone-01"]);
    assert.deepEqual(await callInProcess(removeDevice, { user: alice, data: { deviceId: "alice-phone1" } }), {
      deviceId: "alice-phone1",
      removed: true,
    });
    assert.deepEqual(await deviceIds(alice.uid), []);
    await expectHttpsError(callInProcess(removeDevice, { user: alice, data: { deviceId: "alice-phone1" } }), "not-found");
  });

  it("signOutEverywhere revokes sessions: earlier sessions are refused by every callable, devices cleared, revokedAt recorded", async () => {
    await callInProcess(registerDevice, { user: alice, data: device("alice-phone1") });
    await callInProcess(registerDevice, { user: alice, data: device("alice-laptop", { platform: "web" }) });
    await callInProcess(registerDevice, { user: bob, data: device("bob-phone-01") });
    const before = idTokenFor(alice, alice.callAuth.token.auth_time as number);
    await waitForNextSecond();

    const result = await callInProcess(signOutEverywhere, { user: alice });
    assert.equal(result.devicesRemoved, 2);
    assert.deepEqual(await deviceIds(alice.uid), []);
    assert.deepEqual(await deviceIds(bob.uid), ["bob-phone-01"]);
    const revokedAt = (await docData(`users/${alice.uid}/private/sessions`))?.revokedAt as { toDate(): Date } | undefined;
    assert.equal(revokedAt?.toDate().toISOString(), result.revokedAt);

    await assert.rejects(auth().verifyIdToken(before, true), (err: { code?: string }) => err.code === "auth/id-token-revoked");
    // The old session is refused everywhere, sensitive or not, including signOutEverywhere itself.
    for (const call of [
      () => callInProcess(signOutEverywhere, { user: alice }),
      () => callInProcess(listDevices, { user: alice }),
      () => callInProcess(registerDevice, { user: alice, data: device("alice-phone1") }),
    ]) {
      const err = await expectHttpsError(call(), "unauthenticated");
      assert.deepEqual(err.details, { reason: "session-revoked" });
    }
    // Bob's sessions are untouched.
    assert.equal((await callInProcess(listDevices, { user: bob })).devices.length, 1);

    // A new sign-in works again.
    const again = await signInAgain(alice);
    await callInProcess(registerDevice, { user: again, data: device("alice-phone1") });
    await callInProcess(removeDevice, { user: again, data: { deviceId: "alice-phone1" } });
  });

  it("rejects malformed input with invalid-argument and writes nothing", async () => {
    const before = await allPaths();
    const bad: unknown[] = [
      null,
      { deviceId: "short", platform: "android", appVersion: "1" },
      { deviceId: "phone-0001", platform: "symbian", appVersion: "1" },
      { deviceId: "phone/../x1", platform: "ios", appVersion: "1" },
      { deviceId: "phone-0001", platform: "ios", appVersion: "" },
      { deviceId: "phone-0001", platform: "ios", appVersion: "1", extra: true },
      { deviceId: "phone-0001", platform: "ios", appVersion: "1", requestId: "x" },
    ];
    for (const data of bad) await expectHttpsError(callInProcess(registerDevice, { user: alice, data }), "invalid-argument");
    await expectHttpsError(callInProcess(removeDevice, { user: alice, data: {} }), "invalid-argument");
    await expectHttpsError(callInProcess(removeDevice, { user: alice, data: { deviceId: 42 } }), "invalid-argument");
    await expectHttpsError(callInProcess(signOutEverywhere, { user: alice, data: { everything: true } }), "invalid-argument");
    await expectHttpsError(callInProcess(listDevices, { user: alice, data: { cursor: 1 } }), "invalid-argument");
    await expectHttpsError(callInProcess(registerDevice, { data: device("phone-0001") }), "unauthenticated");
    assert.deepEqual(await allPaths(), before);
    // Nothing was revoked either: the session still works.
    await callInProcess(listDevices, { user: alice });
  });
});
