import assert from "node:assert/strict";
import { calendarPeriodAt, calendarPeriodOfKey, previousCalendarPeriod } from "../../src/kernel/periods.js";

const periodRange = calendarPeriodOfKey;
const periodKeyAt = (period: "day" | "week" | "month", ms: number) => calendarPeriodAt(period, ms).key;

describe("kernel: UTC calendar periods (unit)", () => {
  it("names days, ISO weeks and months in UTC, as half-open ranges", () => {
    assert.deepEqual(periodRange("day", "2026-12-05"), { key: "2026-12-05", startMs: Date.UTC(2026, 11, 5), endMs: Date.UTC(2026, 11, 6) });
    assert.deepEqual(periodRange("month", "2026-12"), { key: "2026-12", startMs: Date.UTC(2026, 11, 1), endMs: Date.UTC(2027, 0, 1) });
    // ISO week 1 of 2026 starts on Monday 29 December 2025; 2026 has 53 weeks.
    assert.deepEqual(periodRange("week", "2026-W01"), { key: "2026-W01", startMs: Date.UTC(2025, 11, 29), endMs: Date.UTC(2026, 0, 5) });
    assert.equal(periodRange("week", "2026-W53")?.startMs, Date.UTC(2026, 11, 28));
  });

  it("refuses keys that name no period", () => {
    for (const [period, key] of [
      ["day", "2026-02-30"],
      ["day", "2026-2-3"],
      ["month", "2026-13"],
      ["month", "2026-00"],
      ["week", "2025-W53"],
      ["week", "2026-W00"],
      ["week", "2026-12"],
    ] as const) {
      assert.equal(periodRange(period, key), null, `${period} ${key}`);
    }
  });

  it("gives the key of the period holding an instant, and that period holds it", () => {
    const instants = [Date.UTC(2026, 11, 5, 13, 0), Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 3, 23, 59), Date.UTC(2024, 11, 30, 12)];
    assert.equal(periodKeyAt("week", Date.UTC(2026, 0, 1)), "2026-W01");
    assert.equal(periodKeyAt("week", Date.UTC(2027, 0, 3, 23, 59)), "2026-W53");
    assert.equal(periodKeyAt("week", Date.UTC(2024, 11, 30, 12)), "2025-W01");
    for (const at of instants) {
      for (const period of ["day", "week", "month"] as const) {
        const range = periodRange(period, periodKeyAt(period, at));
        assert.ok(range && range.startMs <= at && at < range.endMs, `${period} of ${new Date(at).toISOString()}`);
      }
    }
  });

  it("an offset moves every boundary and keeps the keys: a week cut off at 06:00 UTC", () => {
    const sixHours = 6 * 3_600_000;
    const week = calendarPeriodOfKey("week", "2026-W49", sixHours);
    assert.deepEqual(week, { key: "2026-W49", startMs: Date.UTC(2026, 10, 30, 6), endMs: Date.UTC(2026, 11, 7, 6) });
    // Monday 05:59 still belongs to the week before.
    assert.equal(calendarPeriodAt("week", Date.UTC(2026, 10, 30, 5, 59), sixHours).key, "2026-W48");
    assert.equal(calendarPeriodAt("month", Date.UTC(2026, 11, 1, 5), sixHours).key, "2026-11");
    assert.deepEqual(previousCalendarPeriod("week", Date.UTC(2026, 11, 5), sixHours).key, "2026-W48");
  });
});
