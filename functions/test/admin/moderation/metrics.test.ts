import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import { getModerationMetrics, takeModerationAction } from "../../../src/admin/moderation/callables.js";
import { percentile } from "../../../src/admin/moderation/metrics.js";
import type { ModerationMetricsResponse } from "../../../src/admin/moderation/schema.js";
import { db } from "../../../src/kernel/app.js";
import { callInProcess, expectHttpsError } from "../../support/callables.js";
import { useCleanStack } from "../../support/stack.js";
import { createTestUser, type TestUser } from "../../support/users.js";
import { staff } from "./support.js";

describe("admin/moderation: metrics", function () {
  this.timeout(90_000);
  useCleanStack();
  let moderators: TestUser[];
  let subjects: TestUser[];

  beforeEach(async () => {
    const [a, b] = await staff();
    moderators = [a as TestUser, b as TestUser];
    subjects = await Promise.all([createTestUser(), createTestUser(), createTestUser()]);
  });

  const today = () => new Date().toISOString().slice(0, 10);

  it("per day and per moderator: actions by outcome and median / p90 time to action equal the actions taken", async () => {
    // [moderator, action, subject, waited seconds]
    const plan: [number, string, number, number][] = [
      [0, "warn", 0, 60],
      [0, "dismiss", 1, 120],
      [0, "warn", 2, 600],
      [1, "dismiss", 0, 30],
      [1, "mute", 1, 90],
    ];
    let n = 0;
    for (const [moderator, action, subject, waited] of plan) {
      const itemId = `item-${++n}`;
      await db()
        .doc(`moderationItems/${itemId}`)
        .set({
          kind: "flag",
          source: "media",
          subjectUid: subjects[subject]?.uid,
          status: "open",
          priority: 50,
          createdAt: Timestamp.fromMillis(Date.now() - waited * 1000),
        });
      await callInProcess(takeModerationAction, { user: moderators[moderator], data: { itemId, action, reason: "policy", requestId: randomUUID() } });
    }
    const metrics = (await callInProcess(getModerationMetrics, {
      user: moderators[1],
      data: { from: today(), to: today() },
    })) as ModerationMetricsResponse;
    assert.equal(metrics.days.length, 1);
    assert.equal(metrics.total.total, plan.length);
    assert.deepEqual(metrics.total.actions, { dismiss: 2, warn: 2, "remove-content": 0, mute: 1, suspend: 0, ban: 0 });
    const first = metrics.moderators.find((m) => m.moderatorUid === moderators[0]?.uid);
    const second = metrics.moderators.find((m) => m.moderatorUid === moderators[1]?.uid);
    assert.deepEqual(first?.actions, { dismiss: 1, warn: 2, "remove-content": 0, mute: 0, suspend: 0, ban: 0 });
    assert.deepEqual(second?.actions, { dismiss: 1, warn: 0, "remove-content": 0, mute: 1, suspend: 0, ban: 0 });
    // Waits are measured to the second; a slow call may add one.
    const near = (actual: number | null | undefined, expected: number) =>
      assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= 3, `${actual} ≉ ${expected}`);
    near(first?.medianSecondsToAction, 120);
    near(first?.p90SecondsToAction, 600);
    near(second?.medianSecondsToAction, 30);
    near(metrics.total.medianSecondsToAction, 90);
    near(metrics.total.p90SecondsToAction, 600);
    assert.deepEqual(metrics.days[0]?.moderators.map((m) => m.total).sort(), [2, 3]);

    const empty = (await callInProcess(getModerationMetrics, {
      user: moderators[0],
      data: { from: "2020-01-01", to: "2020-03-01" },
    })) as ModerationMetricsResponse;
    assert.deepEqual([empty.days, empty.total.total, empty.total.medianSecondsToAction], [[], 0, null]);
  });

  it("percentile: nearest rank", () => {
    assert.equal(percentile([], 0.5), null);
    assert.equal(percentile([7], 0.9), 7);
    assert.equal(percentile([1, 2, 3, 4], 0.5), 2);
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), 9);
  });

  it("refuses ranges over 92 days, reversed or malformed dates, and non-moderators", async () => {
    const moderator = moderators[0] as TestUser;
    for (const data of [
      null,
      { from: "2026-01-01" },
      { from: "2026-01-01", to: "2026-04-03" },
      { from: "2026-02-01", to: "2026-01-01" },
      { from: "01/01/2026", to: "2026-01-02" },
      { from: "2026-01-01", to: "2026-01-02", x: 1 },
    ]) {
      await expectHttpsError(callInProcess(getModerationMetrics, { user: moderator, data }), "invalid-argument");
    }
    await callInProcess(getModerationMetrics, { user: moderator, data: { from: "2026-01-01", to: "2026-04-02" } });
    for (const roles of [["viewer"], ["support"], ["finance"], ["host"]] as const) {
      const user = await createTestUser({ roles: [...roles] });
      await expectHttpsError(callInProcess(getModerationMetrics, { user, data: { from: today(), to: today() } }), "permission-denied");
    }
  });
});
