import assert from "node:assert/strict";
import { db, firestoreValues } from "../../src/kernel/app.js";
import { removeStaleTokens, STALE_TOKEN_DAYS } from "../../src/notifications/tokens.js";
import { syncDeviceTopics } from "../../src/notifications/topics.js";
import { topicMembers } from "../support/delivery.js";
import { useCleanStack } from "../support/stack.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const deviceRef = (uid: string, deviceId: string) => db().doc(`users/${uid}/devices/${deviceId}`);

async function addDevice(uid: string, deviceId: string, fcmToken: string | null, lastSeenMs = Date.now()) {
  const { Timestamp } = firestoreValues();
  await deviceRef(uid, deviceId).set({ deviceId, platform: "android", appVersion: "1.0.0", fcmToken, lastSeenAt: Timestamp.fromMillis(lastSeenMs) });
}

/** topic → members, keeping only the given tokens (other tests' tokens do not matter here). */
async function membershipOf(...tokens: string[]): Promise<Record<string, string[]>> {
  const topics = await topicMembers();
  const mine = Object.entries(topics)
    .map(([topic, members]) => [topic, members.filter((token) => tokens.includes(token)).sort()] as const)
    .filter(([, members]) => members.length > 0);
  return Object.fromEntries(mine);
}

describe("notifications: topic subscriptions follow devices and profiles", () => {
  useCleanStack();

  it("subscribes a device's token to everyone, its country and its language, and records them on the device", async () => {
    await db().doc("users/t1").set({ country: "IN", language: "hi-IN" });
    await addDevice("t1", "phone", "token-t1-phone");
    assert.equal(await syncDeviceTopics("t1", "phone"), "synced");
    assert.deepEqual(await membershipOf("token-t1-phone"), {
      all: ["token-t1-phone"],
      "country-IN": ["token-t1-phone"],
      "lang-hi": ["token-t1-phone"],
    });
    const device = (await deviceRef("t1", "phone").get()).data();
    assert.deepEqual(device?.topics, ["all", "country-IN", "lang-hi"]);
    assert.equal(device?.topicsToken, "token-t1-phone");
    // In line already: nothing to do.
    assert.equal(await syncDeviceTopics("t1", "phone"), "unchanged");
  });

  it("moves the subscriptions to a refreshed token and drops the old one", async () => {
    await db().doc("users/t2").set({ country: "EG", language: "ar" });
    await addDevice("t2", "phone", "token-t2-old");
    await syncDeviceTopics("t2", "phone");
    await deviceRef("t2", "phone").update({ fcmToken: "token-t2-new" });
    assert.equal(await syncDeviceTopics("t2", "phone"), "synced");
    assert.deepEqual(await membershipOf("token-t2-old", "token-t2-new"), {
      all: ["token-t2-new"],
      "country-EG": ["token-t2-new"],
      "lang-ar": ["token-t2-new"],
    });
  });

  it("follows a profile's new language, and drops a removed device's token from every topic", async () => {
    await db().doc("users/t3").set({ country: "IN", language: "en" });
    await addDevice("t3", "phone", "token-t3-phone");
    await syncDeviceTopics("t3", "phone");
    await db().doc("users/t3").update({ language: "hi" });
    await syncDeviceTopics("t3", "phone");
    assert.deepEqual(await membershipOf("token-t3-phone"), {
      all: ["token-t3-phone"],
      "country-IN": ["token-t3-phone"],
      "lang-hi": ["token-t3-phone"],
    });

    const lastState = (await deviceRef("t3", "phone").get()).data();
    await deviceRef("t3", "phone").delete();
    assert.equal(await syncDeviceTopics("t3", "phone", lastState), "synced");
    assert.deepEqual(await membershipOf("token-t3-phone"), {});
  });

  it("removes the tokens of devices not seen for 60 days, unsubscribing them, and keeps the others", async () => {
    const now = Date.now();
    await db().doc("users/t4").set({ country: "BR", language: "pt-BR" });
    await addDevice("t4", "stale", "token-t4-stale", now - (STALE_TOKEN_DAYS + 1) * DAY_MS);
    await addDevice("t4", "recent", "token-t4-recent", now - (STALE_TOKEN_DAYS - 1) * DAY_MS);
    await addDevice("t4", "tokenless", null, now - 90 * DAY_MS);
    await syncDeviceTopics("t4", "stale");
    await syncDeviceTopics("t4", "recent");

    assert.deepEqual(await removeStaleTokens(now), { examined: 1, removed: 1 });

    const stale = (await deviceRef("t4", "stale").get()).data();
    assert.equal(stale?.fcmToken, null);
    assert.deepEqual(stale?.topics, []);
    assert.equal((await deviceRef("t4", "recent").get()).get("fcmToken"), "token-t4-recent");
    assert.deepEqual(await membershipOf("token-t4-stale", "token-t4-recent"), {
      all: ["token-t4-recent"],
      "country-BR": ["token-t4-recent"],
      "lang-pt": ["token-t4-recent"],
    });
    // A second pass finds nothing left to do.
    assert.deepEqual(await removeStaleTokens(now), { examined: 0, removed: 0 });
  });

  it("follows a role granted after the device registered", async () => {
    await db()
      .doc("users/r1")
      .set({ country: "IN", roles: ["viewer"] });
    await addDevice("r1", "phone", "token-r1");
    await syncDeviceTopics("r1", "phone");
    await db()
      .doc("users/r1")
      .update({ roles: ["viewer", "reseller"] });
    await syncDeviceTopics("r1", "phone");
    assert.deepEqual(await membershipOf("token-r1"), { all: ["token-r1"], "country-IN": ["token-r1"], "role-reseller": ["token-r1"] });
  });
});
