import assert from "node:assert/strict";
import { db, firestoreValues } from "../../src/kernel/app.js";
import { sendAnnouncement } from "../../src/notifications/callables.js";
import { removeStaleTokens, STALE_TOKEN_DAYS } from "../../src/notifications/tokens.js";
import { syncDeviceTopics } from "../../src/notifications/topics.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { pushedMessages, topicMembers } from "../support/delivery.js";
import { allPaths } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser } from "../support/users.js";

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
});

describe("notifications: sendAnnouncement (admins) broadcasts to a topic or a condition", () => {
  useCleanStack();

  it("sends to one country and language through a condition, audited", async () => {
    const admin = await createTestUser({ roles: ["admin"] });
    await db().doc("users/a1").set({ country: "IN", language: "hi" });
    await db().doc("users/a2").set({ country: "IN", language: "en" });
    await addDevice("a1", "phone", "token-a1-phone");
    await addDevice("a2", "phone", "token-a2-phone");
    await syncDeviceTopics("a1", "phone");
    await syncDeviceTopics("a2", "phone");

    const result = await callInProcess(sendAnnouncement, {
      user: admin,
      data: { title: "Diwali gifts", body: "New gifts are in", country: "IN", language: "hi" },
    });

    assert.equal("condition" in result && result.condition, "'country-IN' in topics && 'lang-hi' in topics");
    const [sent, ...others] = await pushedMessages();
    assert.equal(others.length, 0);
    assert.deepEqual(sent?.deliveredTo, ["token-a1-phone"]);
    assert.deepEqual(sent?.message.notification, { title: "Diwali gifts", body: "New gifts are in" });
    const audit = await db().collection("auditLog").where("action", "==", "notifications.announcement.send").get();
    assert.equal(audit.size, 1);
    assert.equal(audit.docs[0]?.get("actorUid"), admin.uid);
    assert.equal(audit.docs[0]?.get("details.announcementId"), result.announcementId);
  });

  it("reaches an audience of countries and roles: any of the countries and any of the roles (role topics from the profile)", async () => {
    const admin = await createTestUser({ roles: ["admin"] });
    const audience = {
      inHost: { country: "IN", roles: ["viewer", "host"] },
      pkAgency: { country: "PK", roles: ["viewer", "agencyOwner"] },
      inViewer: { country: "IN", roles: ["viewer"] },
      usHost: { country: "US", roles: ["viewer", "host"] },
    };
    for (const [uid, profile] of Object.entries(audience)) {
      await db().doc(`users/${uid}`).set(profile);
      await addDevice(uid, "phone", `token-${uid}`);
      await syncDeviceTopics(uid, "phone");
    }
    // Every account is a viewer: the "all" topic reaches them, no role topic is kept for it.
    assert.deepEqual(await membershipOf("token-inHost", "token-inViewer"), {
      all: ["token-inHost", "token-inViewer"],
      "country-IN": ["token-inHost", "token-inViewer"],
      "role-host": ["token-inHost"],
    });

    const result = await callInProcess(sendAnnouncement, {
      user: admin,
      data: { title: "Host week", body: "Double rewards for hosts", countries: ["IN", "PK"], roles: ["host", "agencyOwner"] },
    });

    assert.equal(
      "condition" in result && result.condition,
      "('country-IN' in topics || 'country-PK' in topics) && ('role-host' in topics || 'role-agencyOwner' in topics)",
    );
    const [sent, ...others] = await pushedMessages();
    assert.equal(others.length, 0);
    assert.deepEqual(sent?.deliveredTo.sort(), ["token-inHost", "token-pkAgency"]);
    const audit = await db().collection("auditLog").where("action", "==", "notifications.announcement.send").get();
    assert.equal(audit.docs[0]?.get("details.condition"), "condition" in result ? result.condition : undefined);
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

  it("refuses an audience FCM cannot evaluate (more than 5 topics) and the baseline role", async () => {
    const admin = await createTestUser({ roles: ["admin"] });
    const send = (audience: Record<string, unknown>) =>
      expectHttpsError(callInProcess(sendAnnouncement, { user: admin, data: { title: "x", body: "y", ...audience } }), "invalid-argument");
    await send({ countries: ["IN", "PK", "BD", "NP"], roles: ["host", "player"] });
    await send({ roles: ["viewer"] });
    await send({ country: "IN", countries: ["PK"] });
    assert.deepEqual(await pushedMessages(), []);
  });

  it("sends to everyone through the 'all' topic when no country or language is given", async () => {
    const admin = await createTestUser({ roles: ["admin"] });
    const result = await callInProcess(sendAnnouncement, { user: admin, data: { title: "Maintenance", body: "Tonight 02:00 UTC" } });
    assert.equal("topic" in result && result.topic, "all");
  });

  it("refuses non-admins (permission-denied) and malformed input (invalid-argument), sending and writing nothing", async () => {
    const admin = await createTestUser({ roles: ["admin"] });
    const viewer = await createTestUser({ roles: ["viewer"] });
    const before = await allPaths();
    await expectHttpsError(callInProcess(sendAnnouncement, { user: viewer, data: { title: "x", body: "y" } }), "permission-denied");
    await expectHttpsError(callInProcess(sendAnnouncement, { user: admin, data: { title: "", body: "y" } }), "invalid-argument");
    await expectHttpsError(callInProcess(sendAnnouncement, { user: admin, data: { title: "x", body: "y", country: "india" } }), "invalid-argument");
    await expectHttpsError(callInProcess(sendAnnouncement, { user: admin, data: { title: "x", body: "y", extra: 1 } }), "invalid-argument");
    assert.deepEqual(await allPaths(), before);
    assert.deepEqual(await pushedMessages(), []);
  });
});
