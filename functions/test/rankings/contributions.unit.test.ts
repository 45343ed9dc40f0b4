import assert from "node:assert/strict";
import { contributionsOf, type ProfileScopes, profileScopesOf, usersToRead } from "../../src/rankings/contributions.js";
import { countCommand } from "../../src/rankings/counting.js";
import { periodAt } from "../../src/rankings/periods.js";
import { prizeFor } from "../../src/rankings/rewards.js";

/** A gift as sendGift records it; `agency` is the meta's agencyId field ({} leaves the field out). */
function gift(context: { type: string; id: string }, agency: { agencyId?: string | null } = { agencyId: "ag1" }): Record<string, unknown> {
  return {
    type: "gift",
    owner: "mia",
    entries: [
      { account: "user:mia", currency: "coins", amount: -100 },
      { account: "system:burn", currency: "coins", amount: 100 },
      { account: "system:mint", currency: "diamonds", amount: -100 },
      { account: "user:luna", currency: "diamonds", amount: 50 },
      { account: "agency:ag1", currency: "diamonds", amount: 10 },
      { account: "system:platform", currency: "diamonds", amount: 40 },
    ],
    meta: { recipientUid: "luna", context, totalCoins: 100, ...agency },
  };
}

const profiles = new Map<string, ProfileScopes>([
  ["mia", { country: "BR", agencyId: null }],
  ["luna", { country: "IN", agencyId: "ag9" }],
]);

describe("rankings: what a ledger transaction adds to the boards (unit)", () => {
  it("a gift in a stream: wealth to the sender, charm and hosts to the recipient, agencies to the transaction's agency", () => {
    const contributions = contributionsOf(gift({ type: "stream", id: "s1" }), profiles);
    assert.deepEqual(contributions, [
      { board: "wealth", member: "mia", points: 100, scopes: [{ scope: "country", id: "BR" }] },
      {
        board: "charm",
        member: "luna",
        points: 50,
        scopes: [
          { scope: "country", id: "IN" },
          { scope: "agency", id: "ag1" },
        ],
      },
      {
        board: "hosts",
        member: "luna",
        points: 50,
        scopes: [
          { scope: "country", id: "IN" },
          { scope: "agency", id: "ag1" },
        ],
      },
      { board: "agencies", member: "ag1", points: 50, scopes: [] },
    ]);
  });

  it("a gift in a room ranks the room, not a host; a transaction without an agency field falls back to the profile's", () => {
    const contributions = contributionsOf(gift({ type: "room", id: "r1" }, {}), profiles);
    assert.deepEqual(
      contributions.map((c) => [c.board, c.member, c.points]),
      [
        ["wealth", "mia", 100],
        ["rooms", "r1", 100],
        ["charm", "luna", 50],
        ["agencies", "ag9", 50],
      ],
    );
  });

  it("a transaction recording no agency (none, or one that no longer exists) ranks no agency", () => {
    const contributions = contributionsOf(gift({ type: "stream", id: "s1" }, { agencyId: null }), profiles);
    assert.deepEqual(
      contributions.map((c) => [c.board, c.member, c.scopes]),
      [
        ["wealth", "mia", [{ scope: "country", id: "BR" }]],
        ["charm", "luna", [{ scope: "country", id: "IN" }]],
        ["hosts", "luna", [{ scope: "country", id: "IN" }]],
      ],
    );
  });

  it("games: each player's net coins over the transaction; other types count nowhere", () => {
    const bet = {
      type: "game.bet",
      entries: [
        { account: "user:mia", currency: "coins", amount: -30 },
        { account: "system:game-escrow", currency: "coins", amount: 30 },
      ],
    };
    const payout = {
      type: "game.payout",
      entries: [
        { account: "system:game-escrow", currency: "coins", amount: -90 },
        { account: "user:mia", currency: "coins", amount: 80 },
        { account: "system:house", currency: "coins", amount: 10 },
      ],
    };
    assert.deepEqual(contributionsOf(bet, profiles), [{ board: "games", member: "mia", points: -30, scopes: [{ scope: "country", id: "BR" }] }]);
    assert.equal(contributionsOf(payout, profiles)[0]?.points, 80);
    assert.deepEqual(usersToRead(bet), ["mia"]);
    const purchase = { type: "purchase", entries: [{ account: "user:mia", currency: "coins", amount: 500 }] };
    assert.deepEqual(contributionsOf(purchase, profiles), []);
    assert.deepEqual(usersToRead(purchase), []);
  });

  it("profiles name a country only as ISO alpha-2 and key-safe agency ids", () => {
    assert.deepEqual(profileScopesOf({ country: "br", agencyId: "a/b" }), { country: null, agencyId: null });
    assert.deepEqual(profileScopesOf({ country: "BR", agencyId: "ag-1" }), { country: "BR", agencyId: "ag-1" });
  });

  it("the script of one period: the dedupe set first, negated scores, scope ids indexed, keys expiring past the period end", () => {
    const at = Date.parse("2026-12-05T10:00:00Z");
    const range = periodAt("daily", at);
    const { keys, args } = countCommand("tx1", at, range, contributionsOf(gift({ type: "room", id: "r1" }), profiles), 7);
    assert.equal(keys[0], "rk:{p:2026-12-05}:seen");
    assert.ok(
      keys.every((key) => key.startsWith("rk:{p:2026-12-05}:")),
      "one hash tag: one slot",
    );
    assert.equal(args[0], "tx1");
    assert.equal(args[2], String(Date.parse("2026-12-06T00:00:00Z") / 1000 + 7 * 86_400));
    assert.equal(keys[1], "rk:{p:2026-12-05}:wealth:global");
    assert.deepEqual(args.slice(4, 6), ["-100", "mia"]);
    assert.ok(keys.includes("rk:{p:2026-12-05}:index:charm:agency"));
    const allTime = countCommand("tx1", at, periodAt("alltime", at), [], 7);
    assert.equal(allTime.keys[0], "rk:{p:all}:seen:2026-12-05");
    assert.equal(allTime.args[2], "0", "all-time boards do not expire");
  });

  it("a rank's prize adds up every rule covering it", () => {
    const rule = (fromRank: number, toRank: number, coins: number, badges: string[] = []) => ({
      board: "wealth" as const,
      period: "daily" as const,
      scope: "global" as const,
      fromRank,
      toRank,
      coins,
      badges,
      frames: [],
      vip: null,
    });
    const rules = [rule(1, 1, 1000, ["daily-king"]), rule(1, 3, 100, ["daily-top3"])];
    assert.deepEqual(prizeFor(rules, 1), { coins: 1100, badges: ["daily-king", "daily-top3"], frames: [], vip: null });
    assert.equal(prizeFor(rules, 3)?.coins, 100);
    assert.equal(prizeFor(rules, 4), null);
  });
});
