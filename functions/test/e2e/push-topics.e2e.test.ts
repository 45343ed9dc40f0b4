/**
 * Topic subscriptions end to end: the app registers, refreshes and removes a device over HTTP, and the
 * device triggers (functions emulator) keep the token's topics at the FCM stand-in in step.
 */
import assert from "node:assert/strict";
import { topicMembers } from "../support/delivery.js";
import { callOk, signUp, useStackAdmin } from "../support/e2e.js";
import { waitUntil } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";

describe("e2e: push topics follow the devices registered over HTTP", function () {
  this.timeout(90_000);
  useCleanStack();
  const stack = useStackAdmin();

  /** The topics `token` is a member of, once they equal `expected`. */
  const topicsOf = (token: string, expected: string[]) =>
    waitUntil(`${token} in exactly ${expected.join(", ") || "no topic"}`, async () => {
      const topics = Object.entries(await topicMembers())
        .filter(([, members]) => members.includes(token))
        .map(([topic]) => topic)
        .sort();
      return JSON.stringify(topics) === JSON.stringify(expected) ? topics : null;
    });

  it("a registered token joins everyone, country and language topics; a refreshed token replaces it; a removed device leaves", async () => {
    const user = await signUp(stack, "topics");
    await callOk("updateProfile", { country: "IN", language: "hi-IN" }, user);
    const device = { deviceId: "phone-e2e-0001", platform: "android", appVersion: "2.0.0" };

    await callOk("registerDevice", { ...device, fcmToken: "token-e2e-first" }, user);
    assert.deepEqual(await topicsOf("token-e2e-first", ["all", "country-IN", "lang-hi"]), ["all", "country-IN", "lang-hi"]);

    await callOk("registerDevice", { ...device, fcmToken: "token-e2e-second" }, user);
    await topicsOf("token-e2e-second", ["all", "country-IN", "lang-hi"]);
    await topicsOf("token-e2e-first", []);

    await callOk("updateProfile", { language: "ar" }, user);
    await topicsOf("token-e2e-second", ["all", "country-IN", "lang-ar"]);

    await callOk("removeDevice", { deviceId: device.deviceId }, user);
    await topicsOf("token-e2e-second", []);
  });
});
