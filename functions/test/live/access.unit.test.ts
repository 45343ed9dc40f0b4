import assert from "node:assert/strict";
import { checkStreamEntry, type StreamEntryFacts } from "../../src/live/access.js";
import { reasonOf, refusalOf } from "../support/refusals.js";

describe("live: who may join a stream (unit)", () => {
  const viewer: StreamEntryFacts = {
    visibility: "public",
    suspended: false,
    blocked: false,
    bannedUntil: null,
    invited: false,
    follows: false,
    passwordGiven: false,
  };
  const until = Date.UTC(2026, 0, 2);

  const cases: [string, Partial<StreamEntryFacts>, string | null][] = [
    ["a public stream admits anyone", {}, null],
    ["a suspended account is refused", { suspended: true }, "suspended"],
    ["a block with the host refuses", { blocked: true }, "blocked"],
    ["a stream ban refuses", { bannedUntil: until }, "banned"],
    ["a private stream refuses the uninvited", { visibility: "private" }, "not-invited"],
    ["a private stream admits the invited", { visibility: "private", invited: true }, null],
    ["a followers stream refuses a non-follower", { visibility: "followers", invited: true }, "followers-only"],
    ["a followers stream admits a follower", { visibility: "followers", follows: true }, null],
    ["a password stream refuses a request without one", { visibility: "password" }, "password-required"],
    ["a password stream passes a request with one to the password check", { visibility: "password", passwordGiven: true }, null],
    ["suspension is reported first", { suspended: true, blocked: true, bannedUntil: until, visibility: "private" }, "suspended"],
    ["a block is reported before a ban", { blocked: true, bannedUntil: until }, "blocked"],
    ["a ban is reported before the visibility rule", { bannedUntil: until, visibility: "private" }, "banned"],
    ["an invitation does not lift a ban", { bannedUntil: until, visibility: "private", invited: true }, "banned"],
  ];
  for (const [name, facts, reason] of cases)
    it(name, () =>
      assert.equal(
        reasonOf(() => checkStreamEntry({ ...viewer, ...facts })),
        reason,
      ),
    );

  it("refuses as permission-denied, saying until when a ban runs", () => {
    assert.deepEqual(
      refusalOf(() => checkStreamEntry({ ...viewer, bannedUntil: until })),
      {
        code: "permission-denied",
        message: "You are banned from this stream.",
        details: { reason: "banned", until: "2026-01-02T00:00:00.000Z" },
      },
    );
  });
});
