import assert from "node:assert/strict";
import { agencySalary, payoutAfterAdvances, periodAt, periodOf, previousPeriod, subAgencySalary, tierRatio } from "../../src/agencies/salary.js";

const WEEKLY = { period: "weekly", cutoffHourUtc: 0 } as const;
const at = (iso: string) => Date.parse(iso);

describe("agencies: salary periods, tiers and the sub-agency rule (unit)", () => {
  it("salary = own hosts' earnings × agency ratio + (agency ratio − sub-agent ratio) × each sub-agency's earnings", () => {
    // 12% on 100,000 own diamonds, (12% − 5%) on 40,000 and (12% − 8%) on 25,000.
    assert.equal(
      agencySalary(100_000, 1200, [
        { earnings: 40_000, ratioBps: 500 },
        { earnings: 25_000, ratioBps: 800 },
      ]),
      12_000 + 2_800 + 1_000,
    );
    assert.equal(subAgencySalary(40_000, 500), 2_000);
    assert.equal(subAgencySalary(25_000, 800), 2_000);
    // The agency and its sub-agent together earn the agency's ratio on the sub-agency's hosts.
    assert.equal(agencySalary(0, 1200, [{ earnings: 40_000, ratioBps: 500 }]) + subAgencySalary(40_000, 500), 4_800);
  });

  it("each term rounds down, and a sub-agent above the agency's ratio leaves the agency nothing (never negative)", () => {
    assert.equal(agencySalary(999, 1000, []), 99);
    assert.equal(agencySalary(1_000, 1000, [{ earnings: 999, ratioBps: 500 }]), 100 + 49);
    assert.equal(agencySalary(1_000, 500, [{ earnings: 10_000, ratioBps: 800 }]), 50);
  });

  it("payout is the salary less the gift shares already credited, never a clawback", () => {
    assert.equal(payoutAfterAdvances(12_000, 10_000), 2_000);
    assert.equal(payoutAfterAdvances(8_000, 10_000), 0);
  });

  it("the commission tier is the highest reached by the 30-day volume, in any order", () => {
    const tiers = [
      { minVolume: 100_000, ratioBps: 1500 },
      { minVolume: 0, ratioBps: 1000 },
      { minVolume: 1_000_000, ratioBps: 2000 },
    ];
    assert.equal(tierRatio(0, tiers), 1000);
    assert.equal(tierRatio(99_999, tiers), 1000);
    assert.equal(tierRatio(100_000, tiers), 1500);
    assert.equal(tierRatio(5_000_000, tiers), 2000);
    assert.equal(tierRatio(10, [{ minVolume: 50, ratioBps: 700 }]), 0);
  });

  it("weekly periods are ISO weeks from Monday at the cut-off hour, UTC; keys round-trip", () => {
    assert.deepEqual(periodAt(at("2026-12-02T12:00:00Z"), WEEKLY), {
      key: "2026-W49",
      startMs: at("2026-11-30T00:00:00Z"),
      endMs: at("2026-12-07T00:00:00Z"),
    });
    // 2027-01-01 is a Friday of 2026's week 53.
    assert.equal(periodAt(at("2027-01-01T00:00:00Z"), WEEKLY).key, "2026-W53");
    assert.equal(periodAt(at("2025-12-29T00:00:00Z"), WEEKLY).key, "2026-W01");
    assert.deepEqual(periodOf("2026-W49", WEEKLY), periodAt(at("2026-12-02T12:00:00Z"), WEEKLY));
    assert.equal(periodOf("2025-W53", WEEKLY), null);
    assert.equal(periodOf("2026-12", WEEKLY), null);
    // With a 06:00 cut-off, Monday 05:59 still belongs to the week before.
    const sixAm = { period: "weekly", cutoffHourUtc: 6 } as const;
    assert.equal(periodAt(at("2026-12-07T05:59:00Z"), sixAm).key, "2026-W49");
    assert.equal(periodAt(at("2026-12-07T06:00:00Z"), sixAm).startMs, at("2026-12-07T06:00:00Z"));
  });

  it("monthly periods run from the first at the cut-off hour; the previous period is the one before now's", () => {
    const monthly = { period: "monthly", cutoffHourUtc: 3 } as const;
    assert.deepEqual(periodOf("2026-12", monthly), { key: "2026-12", startMs: at("2026-12-01T03:00:00Z"), endMs: at("2027-01-01T03:00:00Z") });
    assert.equal(periodAt(at("2027-01-01T02:59:59Z"), monthly).key, "2026-12");
    assert.equal(previousPeriod(at("2027-01-01T03:00:00Z"), monthly).key, "2026-12");
    assert.equal(periodOf("2026-13", monthly), null);
    assert.equal(periodOf("2026-W01", monthly), null);
  });
});
