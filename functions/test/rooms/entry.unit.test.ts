import assert from "node:assert/strict";
import { checkRoomEntry, checkRoomLock, isVisitOver, type RoomEntryFacts, roomAdmits } from "../../src/rooms/entry.js";
import { reasonOf, refusalOf } from "../support/refusals.js";

const HOUR_MS = 3_600_000;

describe("rooms: who may enter (unit)", () => {
  const newcomer: RoomEntryFacts = { deleted: false, suspended: false, privileged: false, bannedUntil: null, blocked: false };
  const bannedUntil = Date.UTC(2026, 0, 2);

  const cases: [string, Partial<RoomEntryFacts>, string | null][] = [
    ["a newcomer with nothing against them enters", {}, null],
    ["a deleted account is refused", { deleted: true }, "account-deleted"],
    ["a suspended account is refused", { suspended: true }, "account-suspended"],
    ["a room ban refuses", { bannedUntil }, "banned"],
    ["a block with the owner refuses", { blocked: true }, "blocked"],
    ["the owner, an admin or staff pass a room ban", { privileged: true, bannedUntil }, null],
    ["the owner, an admin or staff pass a block", { privileged: true, blocked: true }, null],
    ["deletion refuses even the privileged", { privileged: true, deleted: true }, "account-deleted"],
    ["suspension refuses even the privileged", { privileged: true, suspended: true }, "account-suspended"],
    ["deletion is reported before suspension", { deleted: true, suspended: true }, "account-deleted"],
    ["a ban is reported before a block", { bannedUntil, blocked: true }, "banned"],
  ];
  for (const [name, facts, reason] of cases)
    it(name, () =>
      assert.equal(
        reasonOf(() => checkRoomEntry({ ...newcomer, ...facts })),
        reason,
      ),
    );

  it("refuses as permission-denied, saying until when a ban runs", () => {
    assert.deepEqual(
      refusalOf(() => checkRoomEntry({ ...newcomer, bannedUntil })),
      {
        code: "permission-denied",
        message: "You are banned from this room.",
        details: { reason: "banned", bannedUntil: "2026-01-02T00:00:00.000Z" },
      },
    );
  });
});

describe("rooms: the lock, before any password is checked (unit)", () => {
  const cases: [string, Parameters<typeof checkRoomLock>[0], string | undefined, number, string | null][] = [
    ["an open room", { lockMode: "open", vipMinTier: null }, undefined, 0, null],
    ["a paid room (the fee comes later)", { lockMode: "paid", vipMinTier: null }, undefined, 0, null],
    ["a password room without a password", { lockMode: "password", vipMinTier: null }, undefined, 0, "password-required"],
    ["a password room with an empty password", { lockMode: "password", vipMinTier: null }, "", 0, "password-required"],
    ["a password room with a password (checked next)", { lockMode: "password", vipMinTier: null }, "guess", 0, null],
    ["a VIP room, not VIP", { lockMode: "vipOnly", vipMinTier: null }, undefined, 0, "vip-required"],
    ["a VIP room, tier 1 by default", { lockMode: "vipOnly", vipMinTier: null }, undefined, 1, null],
    ["a tier-3 room, tier 2", { lockMode: "vipOnly", vipMinTier: 3 }, undefined, 2, "vip-required"],
    ["a tier-3 room, tier 3", { lockMode: "vipOnly", vipMinTier: 3 }, undefined, 3, null],
  ];
  for (const [name, room, password, tier, reason] of cases)
    it(name, () =>
      assert.equal(
        reasonOf(() => checkRoomLock(room, password, tier)),
        reason,
      ),
    );

  it("tells a refused VIP the tier they need", () => {
    assert.deepEqual(refusalOf(() => checkRoomLock({ lockMode: "vipOnly", vipMinTier: 3 }, undefined, 1))?.details, {
      reason: "vip-required",
      minTier: 3,
    });
  });
});

describe("rooms: capacity (unit)", () => {
  const config = { maxMembers: 10, vipExtraMembers: 2 };
  const cases: [number, number, boolean][] = [
    [0, 0, true],
    [9, 0, true],
    [10, 0, false],
    [10, 1, true],
    [11, 3, true],
    [12, 1, false],
    [500, 1, false],
  ];
  for (const [members, priority, admitted] of cases) {
    it(`${members} members, room priority ${priority}: ${admitted ? "admitted" : "full"}`, () =>
      assert.equal(roomAdmits(members, priority, config), admitted));
  }

  it("gives VIPs no extra places when there are none", () => assert.equal(roomAdmits(10, 5, { maxMembers: 10, vipExtraMembers: 0 }), false));
});

describe("rooms: paid visits (unit)", () => {
  const paidAtMs = Date.UTC(2026, 0, 1);

  it("lasts paidVisitHours from payment, the last instant excluded", () => {
    assert.equal(isVisitOver({ paidAtMs, endedAt: null }, paidAtMs, 12), false);
    assert.equal(isVisitOver({ paidAtMs, endedAt: null }, paidAtMs + 12 * HOUR_MS - 1, 12), false);
    assert.equal(isVisitOver({ paidAtMs, endedAt: null }, paidAtMs + 12 * HOUR_MS, 12), true);
  });

  it("ends when the member left or was kicked, however recent the payment", () => {
    assert.equal(isVisitOver({ paidAtMs, endedAt: { seconds: 1 } }, paidAtMs, 12), true);
    assert.equal(isVisitOver({ paidAtMs, endedAt: undefined }, paidAtMs, 12), false);
  });
});
