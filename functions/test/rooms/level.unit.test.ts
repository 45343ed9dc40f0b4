import assert from "node:assert/strict";
import { roomLevelFor } from "../../src/rooms/level.js";
import { RoomsConfigSchema } from "../../src/rooms/schema.js";

describe("rooms: room levels (unit)", () => {
  const thresholds = [1_000, 10_000];
  const cases: [number, number][] = [
    [0, 1],
    [999, 1],
    [1_000, 2],
    [9_999, 2],
    [10_000, 3],
    [Number.MAX_SAFE_INTEGER, 3],
  ];
  for (const [coins, level] of cases) it(`${coins} gift coins: level ${level}`, () => assert.equal(roomLevelFor(coins, thresholds), level));

  it("every room is level 1 without thresholds, and the default curve tops out at level 7", () => {
    assert.equal(roomLevelFor(10 ** 9, []), 1);
    const { levelThresholds } = RoomsConfigSchema.parse({});
    assert.equal(roomLevelFor(5_000_000, levelThresholds), 7);
    assert.equal(roomLevelFor(4_999_999, levelThresholds), 6);
  });
});
