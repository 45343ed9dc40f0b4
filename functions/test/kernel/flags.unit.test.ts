import assert from "node:assert/strict";
import { evaluateFlag, type FeatureFlag, FlagsConfigSchema, rolloutBucket } from "../../src/kernel/flags.js";

const uids = (count: number) => Array.from({ length: count }, (_, i) => `user-${i}`);

describe("kernel: feature flag evaluation (unit)", () => {
  it("gives each user the same answer every time, and each flag its own sample", () => {
    const flag: FeatureFlag = { enabled: true, rolloutPercent: 50 };
    for (const uid of uids(200)) {
      const first = evaluateFlag("newGiftPanel", flag, { uid });
      for (let i = 0; i < 3; i++) assert.equal(evaluateFlag("newGiftPanel", flag, { uid }), first);
      assert.ok(rolloutBucket("newGiftPanel", uid) >= 0 && rolloutBucket("newGiftPanel", uid) <= 99);
    }
    const differing = uids(1000).filter((uid) => rolloutBucket("a", uid) !== rolloutBucket("b", uid)).length;
    assert.ok(differing > 900, `flags a and b put ${1000 - differing} of 1000 users in the same bucket`);
  });

  it("turns a 30% rollout on for 30% ± 2% of 10,000 users", () => {
    const flag: FeatureFlag = { enabled: true, rolloutPercent: 30 };
    const on = uids(10_000).filter((uid) => evaluateFlag("darkMode", flag, { uid })).length;
    assert.ok(on >= 2800 && on <= 3200, `${on} of 10000 users`);
  });

  it("is off when disabled, at 0%, or unknown; on for everyone at 100%", () => {
    const everyone = uids(500);
    assert.equal(everyone.filter((uid) => evaluateFlag("f", { enabled: false, rolloutPercent: 100 }, { uid })).length, 0);
    assert.equal(everyone.filter((uid) => evaluateFlag("f", { enabled: true, rolloutPercent: 0 }, { uid })).length, 0);
    assert.equal(everyone.filter((uid) => evaluateFlag("f", undefined, { uid })).length, 0);
    assert.equal(everyone.filter((uid) => evaluateFlag("f", { enabled: true, rolloutPercent: 100 }, { uid })).length, 500);
  });

  it("targets countries and roles: a user outside them is off whatever the rollout", () => {
    const flag: FeatureFlag = { enabled: true, rolloutPercent: 100, countries: ["IN", "PK"], roles: ["host"] };
    assert.equal(evaluateFlag("f", flag, { uid: "u1", country: "IN", roles: ["viewer", "host"] }), true);
    assert.equal(evaluateFlag("f", flag, { uid: "u1", country: "US", roles: ["host"] }), false);
    assert.equal(evaluateFlag("f", flag, { uid: "u1", country: null, roles: ["host"] }), false);
    assert.equal(evaluateFlag("f", flag, { uid: "u1", country: "PK", roles: ["viewer"] }), false);
  });

  it("validates the document: percent within 0..100, countries as ISO codes, known roles", () => {
    assert.deepEqual(FlagsConfigSchema.parse({}), { flags: {} });
    assert.equal(FlagsConfigSchema.safeParse({ flags: { f: { enabled: true, rolloutPercent: 101 } } }).success, false);
    assert.equal(FlagsConfigSchema.safeParse({ flags: { f: { enabled: true, countries: ["india"] } } }).success, false);
    assert.equal(FlagsConfigSchema.safeParse({ flags: { f: { enabled: true, roles: ["superuser"] } } }).success, false);
  });
});
