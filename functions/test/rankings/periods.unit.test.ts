import assert from "node:assert/strict";
import { periodAt, periodOfKey, periodsAt, previousPeriod } from "../../src/rankings/periods.js";

const at = (iso: string) => Date.parse(iso);

describe("rankings: UTC period keys (unit)", () => {
  it("a day runs from 00:00 to 24:00 UTC: the last millisecond and the next one fall in different days", () => {
    assert.equal(periodAt("daily", at("2026-12-05T23:59:59.999Z")).key, "2026-12-05");
    assert.equal(periodAt("daily", at("2026-12-06T00:00:00.000Z")).key, "2026-12-06");
    const day = periodAt("daily", at("2026-12-05T12:00:00Z"));
    assert.equal(day.startMs, at("2026-12-05T00:00:00Z"));
    assert.equal(day.endMs, at("2026-12-06T00:00:00Z"));
  });

  it("a week is the ISO week from Monday 00:00 UTC, keyed by its ISO week-year", () => {
    // 2026-12-06 is a Sunday, 2026-12-07 a Monday.
    assert.equal(periodAt("weekly", at("2026-12-06T23:59:59.999Z")).key, "2026-W49");
    assert.equal(periodAt("weekly", at("2026-12-07T00:00:00Z")).key, "2026-W50");
    assert.equal(periodAt("weekly", at("2026-12-06T10:00:00Z")).startMs, at("2026-11-30T00:00:00Z"));
    // Year boundaries: 2024-12-30 (Monday) opens 2025-W01; 2027-01-01 (Friday) is still in 2026-W53.
    assert.equal(periodAt("weekly", at("2024-12-30T00:00:00Z")).key, "2025-W01");
    assert.equal(periodAt("weekly", at("2024-12-29T23:59:59Z")).key, "2024-W52");
    assert.equal(periodAt("weekly", at("2027-01-01T12:00:00Z")).key, "2026-W53");
    assert.equal(periodAt("weekly", at("2027-01-04T00:00:00Z")).key, "2027-W01");
  });

  it("a month is the calendar month in UTC, including February of a leap year", () => {
    assert.equal(periodAt("monthly", at("2028-02-29T23:59:59.999Z")).key, "2028-02");
    assert.equal(periodAt("monthly", at("2028-03-01T00:00:00Z")).key, "2028-03");
    const december = periodAt("monthly", at("2026-12-31T23:00:00Z"));
    assert.equal(december.endMs, at("2027-01-01T00:00:00Z"));
  });

  it("all-time never ends; a transaction counts in exactly its four periods", () => {
    assert.deepEqual(
      periodsAt(at("2026-12-05T08:00:00Z")).map((p) => p.key),
      ["2026-12-05", "2026-W49", "2026-12", "all"],
    );
    assert.equal(periodAt("alltime", 0).endMs, null);
  });

  it("the previous period of a close is the one that just ended", () => {
    assert.equal(previousPeriod("daily", at("2026-12-06T00:30:00Z")).key, "2026-12-05");
    assert.equal(previousPeriod("weekly", at("2026-12-07T01:00:00Z")).key, "2026-W49");
    assert.equal(previousPeriod("monthly", at("2027-01-01T01:00:00Z")).key, "2026-12");
  });

  it("keys parse back to their ranges, and impossible keys are refused", () => {
    for (const period of ["daily", "weekly", "monthly"] as const) {
      for (const iso of ["2026-12-05T10:00:00Z", "2027-01-01T00:00:00Z", "2024-12-30T05:00:00Z"]) {
        const range = periodAt(period, at(iso));
        assert.deepEqual(periodOfKey(period, range.key), range);
      }
    }
    assert.equal(periodOfKey("alltime", "all")?.startMs, 0);
    for (const [period, key] of [
      ["daily", "2026-02-30"],
      ["monthly", "2026-13"],
      ["weekly", "2026-W54"],
      ["weekly", "2025-W53"],
      ["daily", "2026-12"],
      ["alltime", "2026"],
    ] as const) {
      assert.equal(periodOfKey(period, key), null, `${period} ${key}`);
    }
    assert.equal(periodOfKey("weekly", "2026-W53")?.startMs, at("2026-12-28T00:00:00Z"));
  });
});
