import assert from "node:assert/strict";
import type { Seat } from "../../src/rooms/schema.js";
import { normalizeSeats, planLock, planMic, planMove, planResize, planTake, planVacate } from "../../src/rooms/seats.js";

const free = (): Seat => ({ locked: false, micMuted: false });
const locked = (): Seat => ({ locked: true, micMuted: false });
const held = (uid: string, extra: Partial<Seat> = {}): Seat => ({ uid, locked: false, micMuted: false, at: 1, ...extra });

const refusalOf = (plan: object) => ("refusal" in plan ? (plan.refusal as { code: string; reason: string }) : null);
const reasonOf = (plan: object) => refusalOf(plan)?.reason ?? null;

describe("rooms: seat plans (unit)", () => {
  it("seat plans: RTDB arrays and sparse objects read alike; plans never seat one user twice", () => {
    assert.deepEqual(
      normalizeSeats({ 0: { locked: true, micMuted: false }, 2: { uid: "a", locked: false, micMuted: true, mutedBy: "self", at: 5 } }),
      [
        { locked: true, micMuted: false },
        { locked: false, micMuted: false },
        { uid: "a", locked: false, micMuted: true, mutedBy: "self", at: 5 },
      ],
    );
    const seats = normalizeSeats([
      { uid: "a", locked: false, micMuted: false },
      { locked: false, micMuted: false },
    ]);
    assert.deepEqual(planTake(seats, "a", { adminMuted: false, nowMs: 1 }), { outcome: { index: 0, already: true } });
    assert.ok("refusal" in planTake(seats, "a", { index: 1, adminMuted: false, nowMs: 1 }));
    const resized = planResize(
      [
        { locked: true, micMuted: false },
        { uid: "x", locked: false, micMuted: false },
      ],
      1,
    );
    assert.deepEqual(resized, { seats: [{ locked: true, micMuted: false }], outcome: { moved: [], unseated: ["x"] } });
  });

  describe("planTake", () => {
    const at = { adminMuted: false, nowMs: 42 };
    const cases: { name: string; seats: Seat[]; options: Partial<Parameters<typeof planTake>[2]>; index?: number; reason?: string }[] = [
      { name: "the first free unlocked seat when none is named", seats: [held("x"), locked(), free(), free()], options: {}, index: 2 },
      { name: "the seat named", seats: [free(), free()], options: { index: 1 }, index: 1 },
      { name: "seat 0 named explicitly", seats: [free(), free()], options: { index: 0 }, index: 0 },
      { name: "refused: a seat past the last", seats: [free()], options: { index: 1 }, reason: "no-such-seat" },
      { name: "refused: a negative seat", seats: [free()], options: { index: -1 }, reason: "no-such-seat" },
      { name: "refused: a taken seat", seats: [held("x"), free()], options: { index: 0 }, reason: "seat-taken" },
      { name: "refused: a locked seat", seats: [locked(), free()], options: { index: 0 }, reason: "seat-locked" },
      { name: "refused: no free seat (taken or locked)", seats: [held("x"), locked()], options: {}, reason: "no-free-seat" },
      { name: "refused: a room of no seats", seats: [], options: {}, reason: "no-free-seat" },
      { name: "an invitation onto a locked seat", seats: [locked(), free()], options: { index: 0, allowLocked: true }, index: 0 },
      {
        name: "an invitation whose seat was taken: any free seat",
        seats: [held("x"), free()],
        options: { index: 0, fallbackToAnyFree: true },
        index: 1,
      },
      { name: "an invitation to a seat removed since: any free seat", seats: [free()], options: { index: 5, fallbackToAnyFree: true }, index: 0 },
      {
        name: "refused: the fallback finds no free seat",
        seats: [held("x"), locked()],
        options: { index: 0, fallbackToAnyFree: true },
        reason: "no-free-seat",
      },
    ];
    for (const { name, seats, options, index, reason } of cases) {
      it(name, () => {
        const plan = planTake(seats, "me", { ...at, ...options });
        if (reason) {
          assert.equal(reasonOf(plan), reason);
          return;
        }
        assert.ok("seats" in plan && plan.seats);
        assert.deepEqual(plan.outcome, { index, already: false });
        assert.deepEqual(plan.seats[index as number], { uid: "me", locked: seats[index as number]?.locked ?? false, micMuted: false, at: 42 });
        assert.deepEqual(
          plan.seats.filter((_, i) => i !== index),
          seats.filter((_, i) => i !== index),
        );
      });
    }

    it("refuses a full room as resource-exhausted, the rest as failed-precondition", () => {
      assert.equal(refusalOf(planTake([held("x")], "me", at))?.code, "resource-exhausted");
      assert.equal(refusalOf(planTake([held("x")], "me", { ...at, index: 0 }))?.code, "failed-precondition");
    });

    it("is a no-op for a user already seated, unless they name another seat", () => {
      const seats = [free(), held("me"), free()];
      for (const options of [{}, { index: 1 }, { index: 2, fallbackToAnyFree: true }]) {
        assert.deepEqual(planTake(seats, "me", { ...at, ...options }), { outcome: { index: 1, already: true } });
      }
      assert.equal(reasonOf(planTake(seats, "me", { ...at, index: 2 })), "already-seated");
    });

    it("takes a seat mic-muted by an admin when an admin muted the user, and never keeps the last occupant's mic state", () => {
      const plan = planTake([{ locked: false, micMuted: true, mutedBy: "self" }], "me", { adminMuted: true, nowMs: 7 });
      assert.deepEqual("seats" in plan && plan.seats, [{ uid: "me", locked: false, micMuted: true, mutedBy: "admin", at: 7 }]);
      const unmuted = planTake([{ locked: false, micMuted: true, mutedBy: "admin" }], "me", { adminMuted: false, nowMs: 7 });
      assert.deepEqual("seats" in unmuted && unmuted.seats, [{ uid: "me", locked: false, micMuted: false, at: 7 }]);
    });
  });

  it("planVacate frees every seat the user holds, keeping locks, and changes nothing otherwise", () => {
    const seats = [held("a"), held("me", { locked: true, micMuted: true, mutedBy: "admin" }), held("me")];
    assert.deepEqual(planVacate(seats, "me"), { seats: [held("a"), locked(), free()], outcome: { index: 1, freed: 2 } });
    assert.deepEqual(planVacate(seats, "nobody"), { outcome: { index: null, freed: 0 } });
    assert.deepEqual(planVacate([], "me"), { outcome: { index: null, freed: 0 } });
  });

  describe("planMove", () => {
    const seats = [held("me", { micMuted: true, mutedBy: "self" }), held("x"), locked(), free()];
    const cases: [string, number, string][] = [
      ["to a taken seat", 1, "seat-taken"],
      ["to a locked seat", 2, "seat-locked"],
      ["past the last seat", 4, "no-such-seat"],
    ];
    for (const [name, index, reason] of cases) it(`refuses a move ${name}`, () => assert.equal(reasonOf(planMove(seats, "me", index)), reason));

    it("refuses a user who holds no seat", () => assert.equal(reasonOf(planMove(seats, "nobody", 3)), "not-seated"));

    it("moves the occupant with their mic state and frees the old seat", () => {
      assert.deepEqual(planMove(seats, "me", 3), {
        seats: [free(), held("x"), locked(), held("me", { micMuted: true, mutedBy: "self" })],
        outcome: { from: 0, to: 3 },
      });
    });

    it("is a no-op onto the seat already held", () => assert.deepEqual(planMove(seats, "me", 0), { outcome: { from: 0, to: 0 } }));
  });

  it("planLock locks and unlocks, keeps the occupant, and is a no-op when already so", () => {
    assert.deepEqual(planLock([held("x"), free()], 0, true), { seats: [held("x", { locked: true }), free()], outcome: { index: 0 } });
    assert.deepEqual(planLock([locked()], 0, false), { seats: [free()], outcome: { index: 0 } });
    assert.deepEqual(planLock([locked()], 0, true), { outcome: { index: 0 } });
    assert.equal(reasonOf(planLock([free()], 1, true)), "no-such-seat");
  });

  describe("planMic", () => {
    const mic = (seat: Seat, muted: boolean, by: "self" | "admin") => {
      const plan = planMic([seat], "me", muted, by);
      return "seats" in plan && plan.seats ? plan.seats[0] : reasonOf(plan);
    };
    const cases: [string, Seat, boolean, "self" | "admin", Seat | string][] = [
      ["self mute", held("me"), true, "self", held("me", { micMuted: true, mutedBy: "self" })],
      ["self unmute", held("me", { micMuted: true, mutedBy: "self" }), false, "self", held("me")],
      ["admin mute", held("me"), true, "admin", held("me", { micMuted: true, mutedBy: "admin" })],
      [
        "admin mute over a self mute",
        held("me", { micMuted: true, mutedBy: "self" }),
        true,
        "admin",
        held("me", { micMuted: true, mutedBy: "admin" }),
      ],
      [
        "self mute keeps an admin's mute",
        held("me", { micMuted: true, mutedBy: "admin" }),
        true,
        "self",
        held("me", { micMuted: true, mutedBy: "admin" }),
      ],
      ["refused: self unmute of an admin's mute", held("me", { micMuted: true, mutedBy: "admin" }), false, "self", "muted-by-admin"],
      ["admin unmute lifts an admin's mute", held("me", { micMuted: true, mutedBy: "admin" }), false, "admin", held("me")],
    ];
    for (const [name, seat, muted, by, expected] of cases) it(name, () => assert.deepEqual(mic(seat, muted, by), expected));

    it("refuses a self change off seat, but records nothing to change for an admin's mute off seat", () => {
      assert.equal(reasonOf(planMic([free()], "me", true, "self")), "not-seated");
      assert.deepEqual(planMic([free()], "me", true, "admin"), { outcome: { index: null } });
    });
  });

  describe("planResize", () => {
    it("grows with free unlocked seats and keeps a same-size room as it is", () => {
      assert.deepEqual(planResize([held("a")], 3), { seats: [held("a"), free(), free()], outcome: { moved: [], unseated: [] } });
      assert.deepEqual(planResize([held("a")], 1), { outcome: { moved: [], unseated: [] } });
    });

    it("moves occupants of removed seats to the lowest free unlocked seats, in seat order, then unseats the rest", () => {
      const seats = [held("a"), free(), locked(), free(), held("b"), held("c"), held("d")];
      assert.deepEqual(planResize(seats, 4), {
        seats: [held("a"), held("b"), locked(), held("c")],
        outcome: {
          moved: [
            { uid: "b", from: 4, to: 1 },
            { uid: "c", from: 5, to: 3 },
          ],
          unseated: ["d"],
        },
      });
    });

    it("unseats everyone from a room resized to no seats", () => {
      assert.deepEqual(planResize([held("a"), free(), held("b")], 0), { seats: [], outcome: { moved: [], unseated: ["a", "b"] } });
    });
  });

  it("normalizeSeats drops what is not a seat field, and reads a missing node as no seats", () => {
    assert.deepEqual(normalizeSeats(null), []);
    assert.deepEqual(normalizeSeats({ x: { uid: "a" }, 1: { uid: "", mutedBy: "owner", micMuted: "yes", at: "5" } }), [free(), free()]);
    assert.deepEqual(normalizeSeats([null, { uid: "b", locked: true }]), [free(), { uid: "b", locked: true, micMuted: false }]);
  });

  it("no sequence of plans seats one user twice or loses an occupant", () => {
    // A deterministic walk (a small LCG) over takes, moves, vacates, locks and resizes by six users.
    let state = 12345;
    const next = (n: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    let seats: Seat[] = Array.from({ length: 5 }, free);
    for (let step = 0; step < 2000; step++) {
      const uid = `u${next(6)}`;
      const index = next(7);
      const plans = [
        () => planTake(seats, uid, { index: next(2) ? index : undefined, adminMuted: false, nowMs: step, fallbackToAnyFree: next(2) === 0 }),
        () => planMove(seats, uid, index),
        () => planVacate(seats, uid),
        () => planLock(seats, index, next(2) === 0),
        () => planResize(seats, 1 + next(8)),
      ];
      const plan = (plans[next(plans.length)] as () => object)();
      if (!("seats" in plan) || !plan.seats) continue;
      const before = seats.flatMap((seat) => (seat.uid ? [seat.uid] : []));
      seats = plan.seats as Seat[];
      const after = seats.flatMap((seat) => (seat.uid ? [seat.uid] : []));
      assert.equal(new Set(after).size, after.length, `step ${step}: someone holds two seats`);
      const unseated = "outcome" in plan && (plan.outcome as { unseated?: string[] }).unseated;
      const left = before.filter((u) => !after.includes(u));
      assert.ok(
        left.every((u) => u === uid || (unseated || []).includes(u)),
        `step ${step}: ${left} lost a seat`,
      );
    }
  });
});
