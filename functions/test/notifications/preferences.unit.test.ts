import assert from "node:assert/strict";
import { decideChannels, inQuietHours, preferencesFrom } from "../../src/notifications/preferences.js";
import { QuietHoursSchema, SetNotificationPreferencesRequestSchema } from "../../src/notifications/schema.js";

const DEFAULTS = preferencesFrom(undefined);
/** 2026-01-10 at hh:mm UTC. */
const utc = (hh: number, mm = 0) => Date.UTC(2026, 0, 10, hh, mm);

describe("notifications: preferences and quiet hours (unit)", () => {
  it("sends on every default channel of the type when nothing is set", () => {
    assert.deepEqual(decideChannels("follow", DEFAULTS, utc(12)), { inbox: "send", push: "send" });
    assert.deepEqual(decideChannels("withdrawal-paid", DEFAULTS, utc(12)), { inbox: "send", push: "send", email: "send" });
  });

  it("skips a channel the user switched off, for that type only", () => {
    const prefs = preferencesFrom({ types: { follow: { push: false } } });
    assert.deepEqual(decideChannels("follow", prefs, utc(12)), { inbox: "send", push: "skip:preference" });
    assert.deepEqual(decideChannels("go-live", prefs, utc(12)), { inbox: "send", push: "send" });
  });

  it("skips push inside quiet hours (crossing midnight, in the user's zone) and keeps inbox and e-mail", () => {
    // 22:00–07:00 in Kolkata (UTC+5:30): 17:00 UTC is 22:30 there, 01:00 UTC is 06:30, 02:00 UTC is 07:30.
    const prefs = preferencesFrom({ quietHours: { start: "22:00", end: "07:00", timeZone: "Asia/Kolkata" } });
    assert.deepEqual(decideChannels("follow", prefs, utc(17)), { inbox: "send", push: "skip:quiet-hours" });
    assert.deepEqual(decideChannels("follow", prefs, utc(1)), { inbox: "send", push: "skip:quiet-hours" });
    assert.deepEqual(decideChannels("follow", prefs, utc(2)), { inbox: "send", push: "send" });
    assert.deepEqual(decideChannels("withdrawal-paid", prefs, utc(17)), { inbox: "send", push: "skip:quiet-hours", email: "send" });
  });

  it("lets critical notices through quiet hours", () => {
    const prefs = preferencesFrom({ quietHours: { start: "00:00", end: "23:59", timeZone: "UTC" } });
    assert.equal(decideChannels("new-device", prefs, utc(12)).push, "send");
    assert.equal(decideChannels("account-banned", prefs, utc(12)).push, "send");
    assert.equal(decideChannels("level-up", prefs, utc(12)).push, "skip:quiet-hours");
  });

  it("reads a window that does not cross midnight as [start, end)", () => {
    const hours = { start: "09:00", end: "17:00", timeZone: "UTC" };
    assert.equal(inQuietHours(hours, utc(8, 59)), false);
    assert.equal(inQuietHours(hours, utc(9)), true);
    assert.equal(inQuietHours(hours, utc(16, 59)), true);
    assert.equal(inQuietHours(hours, utc(17)), false);
  });

  it("refuses malformed quiet hours and empty requests", () => {
    for (const bad of [
      { start: "24:00", end: "07:00", timeZone: "UTC" },
      { start: "7:00", end: "08:00", timeZone: "UTC" },
      { start: "22:00", end: "22:00", timeZone: "UTC" },
      { start: "22:00", end: "07:00", timeZone: "Mars/Olympus" },
    ])
      assert.equal(QuietHoursSchema.safeParse(bad).success, false, JSON.stringify(bad));
    assert.equal(SetNotificationPreferencesRequestSchema.safeParse({}).success, false);
    assert.equal(SetNotificationPreferencesRequestSchema.safeParse({ types: { nope: { push: false } } }).success, false);
    assert.equal(SetNotificationPreferencesRequestSchema.safeParse({ types: { follow: { sms: false } } }).success, false);
  });
});
