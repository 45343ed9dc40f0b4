import assert from "node:assert/strict";
import { db } from "../../src/kernel/app.js";
import { Collections } from "../../src/kernel/collections.js";
import {
  deleteNotification,
  getNotificationPreferences,
  listDeadNotifications,
  listNotifications,
  markAllNotificationsRead,
  markNotificationsRead,
  retryDeadNotification,
  setNotificationPreferences,
} from "../../src/notifications/callables.js";
import { deliverNotification } from "../../src/notifications/delivery.js";
import { notify } from "../../src/notifications/notify.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { allPaths } from "../support/firestore.js";
import { useCleanStack } from "../support/stack.js";
import { createTestUser, type TestUser } from "../support/users.js";

/** Delivers `count` level-up notifications to the user, one after another (distinct createdAt). */
async function fillInbox(uid: string, count: number): Promise<string[]> {
  await db().collection(Collections.users).doc(uid).set({ uid, displayName: uid }, { merge: true });
  const ids: string[] = [];
  for (let level = 1; level <= count; level++) {
    const { id } = await notify({ recipient: uid, type: "level-up", data: { level }, dedupeKey: `level:${level}` });
    await deliverNotification(id);
    ids.push(id);
  }
  return ids;
}

describe("notifications: inbox and preferences callables", () => {
  useCleanStack();
  let user: TestUser;
  beforeEach(async () => {
    user = await createTestUser();
  });

  it("lists newest first in cursor pages, with the exact unread count", async () => {
    const ids = await fillInbox(user.uid, 5);
    const first = await callInProcess(listNotifications, { user, data: { limit: 2 } });
    assert.deepEqual(
      first.items.map((item) => item.body),
      ["Congratulations, you reached level 5", "Congratulations, you reached level 4"],
    );
    assert.equal(first.unreadCount, 5);
    assert.equal(first.items[0]?.id, ids[4]);
    assert.equal(first.items[0]?.deepLink, "app://profile/me/level");
    const second = await callInProcess(listNotifications, { user, data: { limit: 2, cursor: first.nextCursor } });
    const third = await callInProcess(listNotifications, { user, data: { limit: 2, cursor: second.nextCursor } });
    assert.deepEqual(
      [...first.items, ...second.items, ...third.items].map((item) => item.id),
      [...ids].reverse(),
    );
    assert.equal(third.nextCursor, null);
    const other = await createTestUser();
    assert.deepEqual((await callInProcess(listNotifications, { user: other })).items, [], "another user's inbox is not theirs");
  });

  it("keeps the unread count exact under concurrent mark-read, mark-all and delete", async () => {
    const ids = await fillInbox(user.uid, 8);
    const results = await Promise.all([
      callInProcess(markNotificationsRead, { user, data: { ids: ids.slice(0, 4) } }),
      callInProcess(markNotificationsRead, { user, data: { ids: ids.slice(2, 6) } }),
      callInProcess(markNotificationsRead, { user, data: { ids: ids.slice(0, 6) } }),
    ]);
    assert.equal(
      results.reduce((sum, result) => sum + result.changed, 0),
      6,
      "each entry is counted as changed once",
    );
    assert.equal((await callInProcess(listNotifications, { user })).unreadCount, 2);
    const deleted = await callInProcess(deleteNotification, { user, data: { id: ids[7] } });
    assert.deepEqual(deleted, { changed: 1, unreadCount: 1 });
    const refusal = await expectHttpsError(callInProcess(deleteNotification, { user, data: { id: ids[7] } }), "not-found");
    assert.equal((refusal.details as { reason: string }).reason, "notification-not-found");
    assert.deepEqual(await callInProcess(markAllNotificationsRead, { user }), { changed: 1, unreadCount: 0 });
    assert.deepEqual(await callInProcess(markAllNotificationsRead, { user }), { changed: 0, unreadCount: 0 });
  });

  it("mark-read ignores ids that are not the caller's", async () => {
    const other = await createTestUser();
    const [theirs] = await fillInbox(other.uid, 1);
    assert.deepEqual(await callInProcess(markNotificationsRead, { user, data: { ids: [theirs] } }), { changed: 0, unreadCount: 0 });
    assert.equal((await callInProcess(listNotifications, { user: other })).unreadCount, 1);
  });

  it("stores preferences server-side, merging switches and replacing quiet hours", async () => {
    const defaults = await callInProcess(getNotificationPreferences, { user });
    assert.deepEqual(defaults.types.follow, { inbox: true, push: true });
    assert.deepEqual(defaults.types["withdrawal-paid"], { inbox: true, push: true, email: true });
    assert.equal(defaults.quietHours, null);
    await callInProcess(setNotificationPreferences, { user, data: { types: { follow: { push: false } } } });
    const quiet = { start: "22:30", end: "07:00", timeZone: "Africa/Cairo" };
    const updated = await callInProcess(setNotificationPreferences, { user, data: { types: { "go-live": { inbox: false } }, quietHours: quiet } });
    assert.deepEqual(updated.types.follow, { inbox: true, push: false });
    assert.deepEqual(updated.types["go-live"], { inbox: false, push: true });
    assert.deepEqual(updated.quietHours, quiet);
    assert.deepEqual(await callInProcess(getNotificationPreferences, { user }), updated);
    const cleared = await callInProcess(setNotificationPreferences, { user, data: { quietHours: null } });
    assert.equal(cleared.quietHours, null);
    assert.deepEqual(cleared.types.follow, { inbox: true, push: false });
  });

  it("refuses malformed input to every callable with invalid-argument, writing nothing", async () => {
    const admin = await createTestUser({ roles: ["admin"] });
    const before = await allPaths();
    const malformed: [Parameters<typeof callInProcess>[0], unknown, TestUser][] = [
      [listNotifications, { limit: 0 }, user],
      [listNotifications, { limit: 500 }, user],
      [listNotifications, { cursor: "not-a-cursor" }, user],
      [listNotifications, { cursor: "" }, user],
      [listNotifications, { extra: true }, user],
      [markNotificationsRead, {}, user],
      [markNotificationsRead, { ids: [] }, user],
      [markNotificationsRead, { ids: Array.from({ length: 101 }, (_, i) => `n${i}`) }, user],
      [markNotificationsRead, { ids: ["a/b"] }, user],
      [markNotificationsRead, { ids: "abc" }, user],
      [markAllNotificationsRead, { all: true }, user],
      [deleteNotification, {}, user],
      [deleteNotification, { id: "" }, user],
      [deleteNotification, { id: "../x" }, user],
      [getNotificationPreferences, { what: 1 }, user],
      [setNotificationPreferences, {}, user],
      [setNotificationPreferences, { types: { unknown: { push: false } } }, user],
      [setNotificationPreferences, { types: { follow: { push: "no" } } }, user],
      [setNotificationPreferences, { types: { follow: { sms: false } } }, user],
      [setNotificationPreferences, { quietHours: { start: "25:00", end: "07:00", timeZone: "UTC" } }, user],
      [setNotificationPreferences, { quietHours: { start: "22:00", end: "07:00", timeZone: "Not/AZone" } }, user],
      [setNotificationPreferences, { quietHours: { start: "22:00", end: "22:00", timeZone: "UTC" } }, user],
      [listDeadNotifications, { limit: -1 }, admin],
      [listDeadNotifications, { cursor: 5 }, admin],
      [retryDeadNotification, { id: "x" }, admin],
      [retryDeadNotification, { id: "x", reason: "" }, admin],
      [retryDeadNotification, { id: "a/b", reason: "because" }, admin],
    ];
    for (const [fn, data, caller] of malformed) {
      await expectHttpsError(callInProcess(fn, { user: caller, data }), "invalid-argument");
    }
    assert.deepEqual(await allPaths(), before);
  });

  it("lists dead letters for admins only, newest first", async () => {
    const admin = await createTestUser({ roles: ["admin"] });
    await db()
      .collection(Collections.notificationOutbox)
      .doc("d1")
      .set({ recipient: "a", type: "follow", status: "dead", attempts: 6, lastError: "push: failed:x", channels: {}, deadAt: new Date(1_000) });
    await db()
      .collection(Collections.notificationOutbox)
      .doc("d2")
      .set({
        recipient: "b",
        type: "kyc-approved",
        status: "dead",
        attempts: 6,
        lastError: "email: failed:y",
        channels: {},
        deadAt: new Date(2_000),
      });
    await db()
      .collection(Collections.notificationOutbox)
      .doc("s1")
      .set({ recipient: "c", type: "follow", status: "sent", attempts: 0, channels: {}, deadAt: new Date(3_000) });
    await expectHttpsError(callInProcess(listDeadNotifications, { user }), "permission-denied");
    const first = await callInProcess(listDeadNotifications, { user: admin, data: { limit: 1 } });
    assert.deepEqual(
      first.items.map((item) => [item.id, item.recipient, item.lastError]),
      [["d2", "b", "email: failed:y"]],
    );
    const second = await callInProcess(listDeadNotifications, { user: admin, data: { limit: 1, cursor: first.nextCursor } });
    assert.deepEqual(
      second.items.map((item) => item.id),
      ["d1"],
    );
  });
});
