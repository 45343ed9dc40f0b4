import assert from "node:assert/strict";
import { HttpsError } from "firebase-functions/v2/https";
import { DEFAULT_VIP_CONFIG, planVipChange, vipPrivileges } from "../../../src/progression/vip/memberships.js";
import { DAY_MS, vipAt } from "../../support/vip-world.js";

describe("progression: vipPrivileges (pure)", () => {
  const now = Date.UTC(2026, 0, 1);
  it("returns the tier's privileges while active and none when absent, expired or malformed", () => {
    const active = vipPrivileges(vipAt(1, now + DAY_MS), now, DEFAULT_VIP_CONFIG);
    assert.deepEqual(active, {
      tier: 1,
      expiresAt: new Date(now + DAY_MS),
      vipGifts: true,
      entranceEffect: "sparkle",
      roomPriority: 1,
      exchangeBonusBps: 200,
    });
    for (const doc of [undefined, {}, vipAt(1, now), vipAt(0, now + DAY_MS), { vip: { tier: "1", expiresAt: now + DAY_MS } }]) {
      assert.deepEqual(vipPrivileges(doc as Record<string, unknown> | undefined, new Date(now)), {
        tier: 0,
        expiresAt: null,
        vipGifts: false,
        entranceEffect: null,
        roomPriority: 0,
        exchangeBonusBps: 0,
      });
    }
  });

  it("counts a membership active until the instant it expires, not at it", () => {
    assert.equal(vipPrivileges(vipAt(2, now + 1), now, DEFAULT_VIP_CONFIG).tier, 2);
    assert.equal(vipPrivileges(vipAt(2, now), now, DEFAULT_VIP_CONFIG).tier, 0);
  });

  it("keeps a tier removed from the configuration as a membership with VIP gifts only", () => {
    assert.deepEqual(vipPrivileges(vipAt(7, now + DAY_MS), now, DEFAULT_VIP_CONFIG), {
      tier: 7,
      expiresAt: new Date(now + DAY_MS),
      vipGifts: true,
      entranceEffect: null,
      roomPriority: 0,
      exchangeBonusBps: 0,
    });
  });
});

describe("progression: VIP membership changes (unit)", () => {
  const now = Date.UTC(2026, 0, 1);
  const month = 30 * DAY_MS;

  it("starts a new membership now when there is none or it has expired", () => {
    for (const user of [undefined, {}, vipAt(3, now), vipAt(3, now - DAY_MS)]) {
      assert.deepEqual(planVipChange(user, 2, month, now), { kind: "new", tier: 2, expiresAtMs: now + month, previous: null });
    }
  });

  it("stacks the same tier onto the current expiry", () => {
    assert.deepEqual(planVipChange(vipAt(2, now + 5 * DAY_MS), 2, month, now), {
      kind: "extend",
      tier: 2,
      expiresAtMs: now + 5 * DAY_MS + month,
      previous: { tier: 2, expiresAtMs: now + 5 * DAY_MS },
    });
  });

  it("upgrades from now, without carrying the lower tier's remaining time", () => {
    assert.deepEqual(planVipChange(vipAt(1, now + 20 * DAY_MS), 3, month, now), {
      kind: "upgrade",
      tier: 3,
      expiresAtMs: now + month,
      previous: { tier: 1, expiresAtMs: now + 20 * DAY_MS },
    });
  });

  it("refuses a lower tier while a higher one is active", () => {
    assert.throws(
      () => planVipChange(vipAt(3, now + DAY_MS), 1, month, now),
      (err: unknown) => {
        assert.ok(err instanceof HttpsError);
        assert.equal(err.code, "failed-precondition");
        assert.deepEqual(err.details, { currentTier: 3, requestedTier: 1 });
        return true;
      },
    );
  });
});
