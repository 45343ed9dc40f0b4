import assert from "node:assert/strict";
import { clearRateLimiterCache } from "../../src/kernel/ratelimit.js";
import { resetRedisClient } from "../../src/kernel/redis.js";
import { clearConfigCaches as clearLiveConfigCaches, host, join, setLiveConfig, start, memberOf as streamMemberOf } from "../support/live-world.js";
import {
  clearConfigCaches as clearRoomConfigCaches,
  enter,
  makeUser,
  makeUsers,
  openRoom,
  rtdbValue,
  setRoomsConfig,
} from "../support/rooms-world.js";
import { useCleanStack } from "../support/stack.js";
import type { TestUser } from "../support/users.js";

const PASSWORD = "open sesame";

/** A password venue of either kind, as the tests try it: open one with a budget, guess, see who got in. */
interface PasswordVenue {
  kind: "room" | "stream";
  /** Opens a venue locked with PASSWORD; `venueBudget` wrong guesses per window by everyone together. */
  open(limits: { venueBudget: number; userBudget?: number }): Promise<string>;
  guess(user: TestUser, venueId: string, password: string): Promise<unknown>;
  isMember(venueId: string, uid: string): Promise<boolean>;
}

const room: PasswordVenue = {
  kind: "room",
  async open({ venueBudget, userBudget = 10 }) {
    await setRoomsConfig({ roomPasswordAttemptsPer10Minutes: venueBudget, passwordAttemptsPer10Minutes: userBudget });
    return openRoom(await makeUser(), { lock: { mode: "password", password: PASSWORD } });
  },
  guess: (user, roomId, password) => enter(user, roomId, { password }),
  isMember: async (roomId, uid) => (await rtdbValue(`members/room_${roomId}/${uid}`)) !== null,
};

const stream: PasswordVenue = {
  kind: "stream",
  async open({ venueBudget, userBudget = 10 }) {
    await setLiveConfig({ streamPasswordAttempts: venueBudget, passwordAttempts: userBudget });
    return (await start(await host(), { visibility: "password", password: PASSWORD })).streamId;
  },
  guess: (user, streamId, password) => join({ user, uid: user.uid }, streamId, { password }),
  isMember: async (streamId, uid) => (await streamMemberOf(streamId, uid)) !== null,
};

interface Outcome {
  ok: boolean;
  code?: string;
  reason?: string;
  retryAfterSeconds?: number;
}

async function outcomeOf(attempt: Promise<unknown>): Promise<Outcome> {
  try {
    await attempt;
    return { ok: true };
  } catch (err) {
    const e = err as { code?: string; details?: { reason?: string; retryAfterSeconds?: number } };
    return { ok: false, code: e.code, reason: e.details?.reason, retryAfterSeconds: e.details?.retryAfterSeconds };
  }
}

const count = (outcomes: Outcome[], reason: string) => outcomes.filter((o) => o.reason === reason).length;

/** Points the Redis client at a closed port for the duration of `body`. */
async function withRedisDown(body: () => Promise<void>): Promise<void> {
  const saved = process.env.UPSTASH_REDIS_REST_URL;
  process.env.UPSTASH_REDIS_REST_URL = "http://127.0.0.1:9";
  resetRedisClient();
  clearRateLimiterCache();
  try {
    await body();
  } finally {
    process.env.UPSTASH_REDIS_REST_URL = saved;
    resetRedisClient();
    clearRateLimiterCache();
  }
}

describe("venues: password guessing is budgeted per venue, before the password is checked", () => {
  useCleanStack();
  beforeEach(() => {
    clearRoomConfigCaches();
    clearLiveConfigCaches();
  });

  for (const venue of [room, stream]) {
    describe(`a password ${venue.kind}`, () => {
      it("parallel wrong guesses from many accounts stop at the venue's budget", async function () {
        this.timeout(60_000);
        const venueId = await venue.open({ venueBudget: 4 });
        const guessers = await makeUsers(10);
        const outcomes = await Promise.all(guessers.map((user, i) => outcomeOf(venue.guess(user, venueId, `guess ${i}`))));
        assert.equal(count(outcomes, "wrong-password"), 4, JSON.stringify(outcomes));
        assert.equal(count(outcomes, "password-attempts"), 6, JSON.stringify(outcomes));
        for (const refused of outcomes.filter((o) => o.reason === "password-attempts")) {
          assert.equal(refused.code, "resource-exhausted");
          assert.ok(Number(refused.retryAfterSeconds) >= 1 && Number(refused.retryAfterSeconds) <= 600);
        }
        // Spent for everyone, the right password included, until the window ends.
        const late = await makeUser();
        assert.equal((await outcomeOf(venue.guess(late, venueId, PASSWORD))).reason, "password-attempts");
        assert.equal(await venue.isMember(venueId, late.uid), false);
      });

      it("a right password enters before the budget is spent, and does not spend it", async function () {
        this.timeout(60_000);
        const venueId = await venue.open({ venueBudget: 3 });
        const [first, second, friend, third, fourth] = await makeUsers(5);
        assert.equal((await outcomeOf(venue.guess(first as TestUser, venueId, "nope 1"))).reason, "wrong-password");
        assert.equal((await outcomeOf(venue.guess(second as TestUser, venueId, "nope 2"))).reason, "wrong-password");
        assert.deepEqual(await outcomeOf(venue.guess(friend as TestUser, venueId, PASSWORD)), { ok: true });
        assert.equal(await venue.isMember(venueId, (friend as TestUser).uid), true);
        // The right guess gave its attempt back: one wrong guess is still left in the budget.
        assert.equal((await outcomeOf(venue.guess(third as TestUser, venueId, "nope 3"))).reason, "wrong-password");
        assert.equal((await outcomeOf(venue.guess(fourth as TestUser, venueId, "nope 4"))).reason, "password-attempts");
      });

      it("one account's parallel wrong guesses stop at its own budget", async function () {
        this.timeout(60_000);
        const venueId = await venue.open({ venueBudget: 50, userBudget: 3 });
        const guesser = await makeUser();
        const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => outcomeOf(venue.guess(guesser, venueId, `guess ${i}`))));
        assert.equal(count(outcomes, "wrong-password"), 3, JSON.stringify(outcomes));
        assert.equal(count(outcomes, "password-attempts"), 5, JSON.stringify(outcomes));
        // Another account is not locked out by it.
        const other = await makeUser();
        assert.deepEqual(await outcomeOf(venue.guess(other, venueId, PASSWORD)), { ok: true });
      });

      it("without Redis the password check is unavailable and nobody is admitted by password", async function () {
        this.timeout(60_000);
        const venueId = await venue.open({ venueBudget: 4 });
        const user = await makeUser();
        await withRedisDown(async () => {
          const wrong = await outcomeOf(venue.guess(user, venueId, "a guess"));
          assert.equal(wrong.code, "unavailable", JSON.stringify(wrong));
          const right = await outcomeOf(venue.guess(user, venueId, PASSWORD));
          assert.equal(right.code, "unavailable", JSON.stringify(right));
        });
        assert.equal(await venue.isMember(venueId, user.uid), false);
        // Back up: the right password enters.
        assert.deepEqual(await outcomeOf(venue.guess(user, venueId, PASSWORD)), { ok: true });
      });
    });
  }
});
