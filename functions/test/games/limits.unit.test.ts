import assert from "node:assert/strict";
import {
  changeDailyLossLimit,
  gameDay,
  limitsAt,
  NO_LIMITS,
  type PlayerLimits,
  selfExclude,
  stakeRefusal,
} from "../../src/games/limits/decisions.js";
import { LIMIT_RAISE_DELAY_MS } from "../../src/games/limits/schema.js";

const NOW = Date.parse("2026-03-10T12:00:00Z");
const DAY = 86_400_000;
const withLimit = (dailyLossLimit: number | null): PlayerLimits => ({ ...NO_LIMITS, dailyLossLimit });

describe("games/limits: daily loss limit and self-exclusion rules (unit)", () => {
  it("counts days in UTC", () => {
    assert.equal(gameDay(Date.parse("2026-03-10T23:59:59.999Z")), "2026-03-10");
    assert.equal(gameDay(Date.parse("2026-03-11T00:00:00Z")), "2026-03-11");
  });

  it("applies a first limit and any cut at once, and a cut cancels a pending raise", () => {
    assert.deepEqual(changeDailyLossLimit(NO_LIMITS, 500, NOW), withLimit(500));
    assert.deepEqual(changeDailyLossLimit(withLimit(500), 200, NOW), withLimit(200));
    assert.deepEqual(changeDailyLossLimit(withLimit(500), 0, NOW), withLimit(0));
    const raising = changeDailyLossLimit(withLimit(500), 900, NOW);
    assert.deepEqual(changeDailyLossLimit(raising, 300, NOW + 1_000), withLimit(300));
    assert.deepEqual(changeDailyLossLimit(raising, 500, NOW + 1_000), withLimit(500), "asking for the limit in force drops the raise");
  });

  it("makes a raise, or removing the limit, wait 24 h", () => {
    const raised = changeDailyLossLimit(withLimit(500), 900, NOW);
    assert.deepEqual(raised, { ...withLimit(500), pendingDailyLossLimit: { value: 900, effectiveAt: NOW + LIMIT_RAISE_DELAY_MS } });
    assert.equal(limitsAt(raised, NOW + LIMIT_RAISE_DELAY_MS - 1).dailyLossLimit, 500);
    assert.deepEqual(limitsAt(raised, NOW + LIMIT_RAISE_DELAY_MS), withLimit(900));
    const removed = changeDailyLossLimit(withLimit(500), null, NOW);
    assert.deepEqual(removed.pendingDailyLossLimit, { value: null, effectiveAt: NOW + LIMIT_RAISE_DELAY_MS });
    assert.equal(limitsAt(removed, NOW + DAY).dailyLossLimit, null);
  });

  it("does not restart the wait when the same raise is asked again, but does for another raise", () => {
    const raised = changeDailyLossLimit(withLimit(500), 900, NOW);
    assert.deepEqual(changeDailyLossLimit(raised, 900, NOW + 3_600_000), raised);
    const other = changeDailyLossLimit(raised, 1_000, NOW + 3_600_000);
    assert.equal(other.pendingDailyLossLimit?.effectiveAt, NOW + 3_600_000 + LIMIT_RAISE_DELAY_MS);
  });

  it("refuses a stake that would take the day's net loss past the limit, counting winnings back", () => {
    const limits = withLimit(1_000);
    assert.equal(stakeRefusal(limits, 0, 1_000, NOW), null);
    assert.equal(stakeRefusal(limits, 1, 1_000, NOW), "daily-loss-limit");
    assert.equal(stakeRefusal(limits, 900, 100, NOW), null);
    assert.equal(stakeRefusal(limits, 900, 101, NOW), "daily-loss-limit");
    assert.equal(stakeRefusal(limits, -500, 1_500, NOW), null, "net winnings today leave room");
    assert.equal(stakeRefusal(withLimit(0), 0, 1, NOW), "daily-loss-limit");
    assert.equal(stakeRefusal(NO_LIMITS, 1e9, 1e9, NOW), null);
    const raised = changeDailyLossLimit(limits, 5_000, NOW);
    assert.equal(stakeRefusal(raised, 1_000, 1, NOW + 1_000), "daily-loss-limit", "the raise is not in force yet");
    assert.equal(stakeRefusal(raised, 1_000, 1, NOW + LIMIT_RAISE_DELAY_MS), null);
  });

  for (const days of [1, 7, 30] as const) {
    it(`excludes for ${days} day(s), refusing every stake until then and none after`, () => {
      const excluded = selfExclude(NO_LIMITS, days, NOW);
      assert.deepEqual(excluded.selfExclusion, { since: NOW, until: NOW + days * DAY });
      assert.equal(stakeRefusal(excluded, 0, 1, NOW + days * DAY - 1), "self-excluded");
      assert.equal(stakeRefusal(excluded, 0, 1, NOW + days * DAY), null);
    });
  }

  it("excludes permanently", () => {
    const excluded = selfExclude(NO_LIMITS, "permanent", NOW);
    assert.deepEqual(excluded.selfExclusion, { since: NOW, until: null });
    assert.equal(stakeRefusal(excluded, 0, 1, NOW + 10_000 * DAY), "self-excluded");
  });

  it("never shortens an exclusion in force: a shorter one keeps the longer end, permanent stays permanent", () => {
    const month = selfExclude(NO_LIMITS, 30, NOW);
    assert.deepEqual(selfExclude(month, 1, NOW + DAY).selfExclusion, { since: NOW, until: NOW + 30 * DAY });
    assert.deepEqual(selfExclude(month, 30, NOW + DAY).selfExclusion, { since: NOW, until: NOW + 31 * DAY });
    const forever = selfExclude(NO_LIMITS, "permanent", NOW);
    assert.deepEqual(selfExclude(forever, 1, NOW + DAY).selfExclusion, { since: NOW, until: null });
    assert.deepEqual(selfExclude(month, "permanent", NOW + DAY).selfExclusion, { since: NOW, until: null });
  });

  it("starts a new exclusion once the last one has ended", () => {
    const day = selfExclude(NO_LIMITS, 1, NOW);
    assert.deepEqual(selfExclude(day, 7, NOW + 2 * DAY).selfExclusion, { since: NOW + 2 * DAY, until: NOW + 9 * DAY });
    assert.equal(limitsAt(day, NOW + 2 * DAY).selfExclusion, null);
  });
});
