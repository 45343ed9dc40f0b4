import assert from "node:assert/strict";
import { db } from "../../../src/kernel/app.js";
import { clearVipConfigCache, vipConfig } from "../../../src/progression/vip/memberships.js";
import { DEFAULT_VIP_TIERS } from "../../../src/progression/vip/schema.js";
import { expectHttpsError } from "../../support/callables.js";
import { useCleanStack } from "../../support/stack.js";

describe("progression: config/vip", () => {
  useCleanStack();
  beforeEach(() => clearVipConfigCache());

  it("falls back to the default tiers when the document is missing", async () => {
    const config = await vipConfig();
    assert.deepEqual(Object.keys(config.tiers).sort(), ["1", "2", "3"]);
    assert.deepEqual(config.tiers["1"], DEFAULT_VIP_TIERS["1"]);
  });

  it("fills missing privileges with defaults and caches the result briefly", async () => {
    await db()
      .doc("config/vip")
      .set({ tiers: { "1": { name: "Basic", priceCoins: 10, durationDays: 7 } } });
    const config = await vipConfig();
    assert.deepEqual(config.tiers["1"], {
      name: "Basic",
      priceCoins: 10,
      durationDays: 7,
      privileges: { vipGifts: true, entranceEffect: null, roomPriority: 0, exchangeBonusBps: 0 },
    });
    await db()
      .doc("config/vip")
      .set({ tiers: { "1": { name: "Changed", priceCoins: 99, durationDays: 7 } } });
    assert.equal((await vipConfig()).tiers["1"]?.priceCoins, 10, "served from the cache");
  });

  it("refuses an invalid configuration with failed-precondition", async () => {
    for (const tiers of [{ "1": { name: "x", priceCoins: -5, durationDays: 7 } }, { "0": { name: "x", priceCoins: 5, durationDays: 7 } }, {}]) {
      clearVipConfigCache();
      await db().doc("config/vip").set({ tiers });
      await expectHttpsError(vipConfig(), "failed-precondition");
    }
  });
});
