import assert from "node:assert/strict";
import { scoringSide } from "../../../src/live/pk/score.js";
import { battleOf } from "./support.js";

describe("live pk: which gifts score (unit)", () => {
  const battle = battleOf();
  const startedAt = battle.startedAt as number;
  const endsAt = battle.endsAt as number;
  const gift = (streamId: string, recipientUid: string, at: number) => ({ streamId, recipientUid, at });

  const cases: [string, Parameters<typeof scoringSide>[0], ReturnType<typeof gift>, string | null][] = [
    ["a gift to the challenger's host on its stream", battle, gift("sA", "hostA", startedAt), "sA"],
    ["a gift to the challenged host on its stream", battle, gift("sB", "hostB", endsAt - 1), "sB"],
    ["a gift to a guest of the stream", battle, gift("sA", "guest", startedAt + 1), null],
    ["a gift to the other host, sent on this stream", battle, gift("sA", "hostB", startedAt + 1), null],
    ["a gift on a stream outside the battle", battle, gift("sC", "hostA", startedAt + 1), null],
    ["a gift before the start", battle, gift("sA", "hostA", startedAt - 1), null],
    ["a gift at the end instant", battle, gift("sA", "hostA", endsAt), null],
    ["a battle not active any more", battleOf({ status: "finished" }), gift("sA", "hostA", startedAt + 1), null],
    ["a battle not started", battleOf({ status: "active", startedAt: null, endsAt: null }), gift("sA", "hostA", startedAt + 1), null],
  ];
  for (const [name, scored, sent, streamId] of cases) {
    it(`${name}: ${streamId ? "scores" : "does not score"}`, () => assert.equal(scoringSide(scored, sent)?.streamId ?? null, streamId));
  }
});
