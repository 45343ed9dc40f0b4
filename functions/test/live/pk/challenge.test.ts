import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { HttpsError } from "firebase-functions/v2/https";
import { db } from "../../../src/kernel/app.js";
import { advancePkBattle } from "../../../src/live/pk/battles.js";
import { challengePk, respondPk } from "../../../src/live/pk/callables.js";
import { pkBattleTimer, sweepPkBattles } from "../../../src/live/pk/jobs.js";
import { callInProcess, expectHttpsError } from "../../support/callables.js";
import { allPaths } from "../../support/firestore.js";
import { queuedFor } from "../../support/notifications.js";
import { useCleanStack } from "../../support/stack.js";
import { createTestUser } from "../../support/users.js";
import {
  activeBattle,
  battle,
  cancel,
  challenge,
  createHost,
  endStreamDoc,
  type Host,
  mirrorOf,
  pkBattleIdOf,
  respond,
  setBattleTimes,
  setPkConfig,
} from "./support.js";

describe("live PK: challenge, answer, cancel, timeout", () => {
  useCleanStack();
  let a: Host;
  let b: Host;
  let c: Host;

  beforeEach(async () => {
    [a, b, c] = await Promise.all([createHost(), createHost(), createHost()]);
    await setPkConfig({ challengeTimeoutSeconds: 20, battleSeconds: 120, punishmentSeconds: 30, resultGraceSeconds: 0 });
  });

  it("a challenge is pending on both streams and mirrored to both; a replay returns the same battle", async () => {
    const requestId = randomUUID();
    const before = Date.now();
    const response = await challenge(a, b, requestId);
    assert.equal(response.status, "pending");
    assert.ok(response.expiresAt >= before + 20_000 && response.expiresAt <= Date.now() + 20_000);

    const stored = await battle(response.battleId);
    assert.equal(stored.status, "pending");
    assert.deepEqual(stored.challenger, { streamId: a.streamId, hostUid: a.uid });
    assert.deepEqual(stored.challenged, { streamId: b.streamId, hostUid: b.uid });
    assert.deepEqual(stored.participants, [a.uid, b.uid]);
    assert.equal(stored.battleSeconds, 120);
    assert.equal(await pkBattleIdOf(a.streamId), response.battleId);
    assert.equal(await pkBattleIdOf(b.streamId), response.battleId);

    const mirrorB = await mirrorOf(b.streamId);
    assert.equal(mirrorB?.phase, "pending");
    assert.equal(mirrorB?.role, "challenged");
    assert.equal(mirrorB?.opponentStreamId, a.streamId);
    assert.equal(mirrorB?.opponentHostUid, a.uid);
    assert.equal(mirrorB?.expiresAt, response.expiresAt);
    assert.equal((await mirrorOf(a.streamId))?.role, "challenger");

    assert.deepEqual(await challenge(a, b, requestId), response);
    assert.equal((await db().collection("pkBattles").get()).size, 1);

    // The challenged host hears of it once (the replay queues nothing more); the challenger not at all.
    const notes = await queuedFor(b.uid, "pk-challenge");
    assert.equal(notes.length, 1);
    assert.equal(notes[0]?.actorUid, a.uid);
    assert.deepEqual(notes[0]?.data, {
      battleId: response.battleId,
      challengerUid: a.uid,
      challengerName: a.uid,
      challengerStreamId: a.streamId,
      streamId: b.streamId,
      expiresAt: new Date(response.expiresAt).toISOString(),
    });
    assert.deepEqual(await queuedFor(a.uid, "pk-challenge"), []);
  });

  it("accept starts a server-timed battle: startedAt/endsAt from config, phase battle on both mirrors", async () => {
    const { battleId } = await challenge(a, b);
    const before = Date.now();
    const answer = await respond(b, battleId, true);
    assert.equal(answer.status, "active");
    assert.ok((answer.startedAt as number) >= before && (answer.startedAt as number) <= Date.now());
    assert.equal(answer.endsAt, (answer.startedAt as number) + 120_000);

    const stored = await battle(battleId);
    assert.equal(stored.status, "active");
    assert.equal(stored.phase, "battle");
    assert.equal(stored.startedAt, answer.startedAt);
    assert.equal(stored.endsAt, answer.endsAt);
    for (const [host, opponent] of [
      [a, b],
      [b, a],
    ] as const) {
      const mirror = await mirrorOf(host.streamId);
      assert.equal(mirror?.battleId, battleId);
      assert.equal(mirror?.phase, "battle");
      assert.equal(mirror?.endsAt, answer.endsAt);
      assert.equal(mirror?.opponentStreamId, opponent.streamId);
    }
  });

  it("decline releases both streams; either host may then start another PK", async () => {
    const { battleId } = await challenge(a, b);
    const answer = await respond(b, battleId, false);
    assert.equal(answer.status, "declined");
    assert.equal((await battle(battleId)).status, "declined");
    assert.equal(await pkBattleIdOf(a.streamId), null);
    assert.equal(await pkBattleIdOf(b.streamId), null);
    const mirror = await mirrorOf(a.streamId);
    assert.equal(mirror?.phase, "finished");
    assert.equal(mirror?.status, "declined");

    const next = await challenge(c, a);
    assert.equal(await pkBattleIdOf(a.streamId), next.battleId);
    assert.equal((await mirrorOf(a.streamId))?.battleId, next.battleId);
  });

  it("only the challenged host answers, only the challenger cancels, and only while pending", async () => {
    const { battleId } = await challenge(a, b);
    await expectHttpsError(respond(a, battleId, true), "permission-denied");
    await expectHttpsError(respond(c, battleId, true), "permission-denied");
    await expectHttpsError(cancel(b, battleId), "permission-denied");

    const cancelled = await cancel(a, battleId);
    assert.equal(cancelled.status, "cancelled");
    assert.equal((await battle(battleId)).status, "cancelled");
    assert.equal(await pkBattleIdOf(b.streamId), null);
    await expectHttpsError(respond(b, battleId, true), "failed-precondition");
    await expectHttpsError(cancel(a, battleId), "failed-precondition");
    await expectHttpsError(respond(b, "pk_missing", true), "not-found");
  });

  it("an unanswered challenge expires through its timer task; answering afterwards is refused", async () => {
    const { battleId } = await challenge(a, b);
    // An early task (the local Cloud Tasks emulator delivers at once) waits for the due time, then acts.
    await setBattleTimes(battleId, { expiresAt: Date.now() + 1500 });
    const began = Date.now();
    await pkBattleTimer.run({ data: { battleId, step: "expire" } } as never);
    assert.ok(Date.now() - began >= 1400, "waited until the challenge was due");
    await expectHttpsError(respond(b, battleId, true), "failed-precondition");
    const expired = await battle(battleId);
    assert.equal(expired.status, "expired");
    assert.equal(expired.phase, "finished");
    assert.equal(expired.nextActionAt, null);
    assert.equal(await pkBattleIdOf(a.streamId), null);
    assert.equal(await pkBattleIdOf(b.streamId), null);
    assert.equal((await mirrorOf(b.streamId))?.status, "expired");

    // A redelivered task is a no-op.
    await pkBattleTimer.run({ data: { battleId, step: "expire" } } as never);
    assert.equal((await battle(battleId)).rev, expired.rev);
  });

  it("the scheduled sweep expires challenges whose task was lost", async () => {
    const first = await challenge(a, b);
    const second = await challenge(c, await createHost());
    await setBattleTimes(first.battleId, { expiresAt: Date.now() - 1_000 });
    await sweepPkBattles.run({ scheduleTime: new Date().toISOString(), jobName: "sweep" } as never);
    assert.equal((await battle(first.battleId)).status, "expired");
    assert.equal((await battle(second.battleId)).status, "pending");
    assert.equal((await advancePkBattle(second.battleId)).outcome, "not-due");
  });

  it("a host in a PK or with a pending challenge cannot take another, in either direction", async () => {
    const pending = await challenge(a, b);
    await expectHttpsError(challenge(c, b), "failed-precondition");
    await expectHttpsError(challenge(c, a), "failed-precondition");
    await expectHttpsError(challenge(b, c), "failed-precondition");
    await expectHttpsError(challenge(a, c), "failed-precondition");
    await respond(b, pending.battleId, true);
    await expectHttpsError(challenge(c, b), "failed-precondition");
    assert.equal(await pkBattleIdOf(c.streamId), null);
  });

  it("concurrent challenges to the same host: exactly one wins", async () => {
    const challengers = await Promise.all(Array.from({ length: 6 }, () => createHost()));
    const outcomes = await Promise.allSettled(challengers.map((challenger) => challenge(challenger, b)));
    const won = outcomes.filter((o) => o.status === "fulfilled");
    assert.equal(won.length, 1, `${won.length} challenges succeeded`);
    for (const lost of outcomes.filter((o) => o.status === "rejected")) {
      const reason = (lost as PromiseRejectedResult).reason;
      assert.ok(reason instanceof HttpsError && reason.code === "failed-precondition", `unexpected ${String(reason)}`);
    }
    const battleId = (won[0] as PromiseFulfilledResult<{ battleId: string }>).value.battleId;
    assert.equal(await pkBattleIdOf(b.streamId), battleId);
    assert.equal((await db().collection("pkBattles").get()).size, 1);
    const busy = await Promise.all(challengers.map((h) => pkBattleIdOf(h.streamId)));
    assert.equal(busy.filter((id) => id === battleId).length, 1);
    assert.equal(busy.filter((id) => id === null).length, challengers.length - 1);
  });

  it("two hosts challenging each other at once end up in at most one battle", async () => {
    const outcomes = await Promise.allSettled([challenge(a, b), challenge(b, a)]);
    assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 1);
    assert.equal(await pkBattleIdOf(a.streamId), await pkBattleIdOf(b.streamId));
  });

  it("blocked hosts cannot challenge each other, whoever blocked whom", async () => {
    await db().doc(`blocks/${b.uid}__${a.uid}`).set({ blockerUid: b.uid, blockedUid: a.uid });
    await expectHttpsError(challenge(a, b), "permission-denied");
    await expectHttpsError(challenge(b, a), "permission-denied");
    await db().doc(`blocks/${b.uid}__${a.uid}`).delete();
    await db().doc(`blocks/${a.uid}__${c.uid}`).set({ blockerUid: a.uid, blockedUid: c.uid });
    await expectHttpsError(challenge(c, a), "permission-denied");
    assert.equal((await db().collection("pkBattles").get()).size, 0);
    assert.equal(await pkBattleIdOf(a.streamId), null);
  });

  it("a block placed while the challenge is pending prevents the start", async () => {
    const { battleId } = await challenge(a, b);
    await db().doc(`blocks/${a.uid}__${b.uid}`).set({ blockerUid: a.uid, blockedUid: b.uid });
    await expectHttpsError(respond(b, battleId, true), "permission-denied");
    assert.equal((await battle(battleId)).status, "pending");
  });

  it("only a host challenges, from their own live stream, a live stream of someone else", async () => {
    const viewer = await createTestUser();
    await expectHttpsError(
      callInProcess(challengePk, { user: viewer, data: { streamId: a.streamId, opponentStreamId: b.streamId, requestId: randomUUID() } }),
      "permission-denied",
    );
    // c is a host, but a's stream is not c's.
    await expectHttpsError(
      callInProcess(challengePk, { user: c.user, data: { streamId: a.streamId, opponentStreamId: b.streamId, requestId: randomUUID() } }),
      "permission-denied",
    );
    await expectHttpsError(
      callInProcess(challengePk, { user: a.user, data: { streamId: a.streamId, opponentStreamId: "nope", requestId: randomUUID() } }),
      "not-found",
    );
    await endStreamDoc(b.streamId);
    await expectHttpsError(challenge(a, b), "failed-precondition");
    await endStreamDoc(a.streamId);
    await expectHttpsError(challenge(a, c), "failed-precondition");
    await expectHttpsError(callInProcess(challengePk, { user: null, data: {} }), "unauthenticated");
  });

  it("accept is refused when a stream has ended meanwhile", async () => {
    const { battleId } = await challenge(a, b);
    await endStreamDoc(a.streamId);
    await expectHttpsError(respond(b, battleId, true), "failed-precondition");
    assert.equal((await battle(battleId)).status, "pending");
  });

  it("malformed requests are invalid-argument and write nothing", async () => {
    const before = (await allPaths()).sort();
    const bad: unknown[] = [
      { streamId: a.streamId, opponentStreamId: a.streamId, requestId: randomUUID() },
      { streamId: a.streamId, opponentStreamId: "bad/id", requestId: randomUUID() },
      { streamId: a.streamId, opponentStreamId: b.streamId, requestId: "short" },
      { streamId: a.streamId, opponentStreamId: b.streamId, requestId: randomUUID(), extra: 1 },
      { streamId: a.streamId },
      "challenge",
    ];
    for (const data of bad) await expectHttpsError(callInProcess(challengePk, { user: a.user, data }), "invalid-argument");
    for (const data of [
      { battleId: "x", accept: "yes", requestId: randomUUID() },
      { battleId: "", accept: true, requestId: randomUUID() },
    ]) {
      await expectHttpsError(callInProcess(respondPk, { user: b.user, data }), "invalid-argument");
    }
    await expectHttpsError(pkBattleTimer.run({ data: { battleId: "../x" } } as never) as Promise<void>, "invalid-argument");
    assert.deepEqual((await allPaths()).sort(), before);
  });

  it("a reused requestId with another request is refused", async () => {
    const requestId = randomUUID();
    await challenge(a, b, requestId);
    await expectHttpsError(challenge(a, c, requestId), "failed-precondition");
    assert.equal(await pkBattleIdOf(c.streamId), null);
  });

  it("an active battle cannot be cancelled or answered again", async () => {
    const battleId = await activeBattle(a, b);
    await expectHttpsError(cancel(a, battleId), "failed-precondition");
    await expectHttpsError(respond(b, battleId, false), "failed-precondition");
    assert.equal((await battle(battleId)).status, "active");
  });
});
