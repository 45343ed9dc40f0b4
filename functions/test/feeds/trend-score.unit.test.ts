import assert from "node:assert/strict";
import { DAY_MS, dayIncrement, decayRate, rankScores } from "../../src/feeds/trend-score.js";

describe("feeds: decayed engagement score (unit)", () => {
  const rate = decayRate(6);
  const day = 20_000 * DAY_MS;

  it("an engagement six hours older counts half, in the same day's base", () => {
    assert.ok(Math.abs(dayIncrement(1, day + 6 * 3_600_000, rate) / dayIncrement(1, day + 12 * 3_600_000, rate) - 0.5) < 1e-12);
    assert.equal(dayIncrement(2, day, rate), 2);
  });

  it("yesterday's scores join today's decayed by a whole day (2^-4 at a 6-hour half-life)", () => {
    const ranked = rankScores([{ postId: "fresh", score: 1 }], [{ postId: "old", score: 15 }], rate);
    assert.deepEqual(
      ranked.map((r) => r.postId),
      ["fresh", "old"],
    );
    assert.ok(Math.abs((ranked[1]?.score ?? 0) - 15 / 16) < 1e-9);
    const summed = rankScores([{ postId: "both", score: 1 }], [{ postId: "both", score: 16 }], rate);
    assert.ok(Math.abs((summed[0]?.score ?? 0) - 2) < 1e-9);
  });

  it("equal scores are ordered by post id", () => {
    const ranked = rankScores(
      [
        { postId: "b", score: 3 },
        { postId: "c", score: 1 },
        { postId: "a", score: 3 },
      ],
      [],
      rate,
    );
    assert.deepEqual(
      ranked.map((r) => r.postId),
      ["a", "b", "c"],
    );
  });
});
