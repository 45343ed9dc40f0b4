/**
 * PK battles end to end, as the apps and Cloud Tasks drive them: hosts start streams and battle through
 * the callables over HTTP, gifts go through sendGift over HTTP (the ledger trigger adds the live score),
 * and every timed step — an unanswered challenge expiring, the result at endsAt + grace, the end of the
 * punishment phase — is done by the pkBattleTimer task function, dispatched by firebase-tools' Cloud
 * Tasks emulator to the functions emulator. Nothing here calls the sweep (sweepPkBattles is scheduled,
 * and the functions emulator runs no schedules), so each transition proves a task was delivered.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { PkConfig } from "../../src/live/pk/config.js";
import { pkMirrorPath } from "../../src/live/pk/mirror.js";
import type { ChallengePkResponse, PkMirror, RespondPkResponse } from "../../src/live/pk/schema.js";
import { PK_TIMER_FUNCTION } from "../../src/live/pk/timers.js";
import { callOverHttp } from "../support/callables.js";
import { callOk, type SignedUp, signUp, useStackAdmin } from "../support/e2e.js";
import { waitUntil } from "../support/firestore.js";
import { testStack, useCleanStack } from "../support/stack.js";

/** The shortest durations config/pk allows, with a short punishment phase so its timer runs too. */
const FAST_PK: Pick<PkConfig, "challengeTimeoutSeconds" | "battleSeconds" | "resultGraceSeconds" | "punishmentSeconds"> = {
  challengeTimeoutSeconds: 5,
  battleSeconds: 10,
  resultGraceSeconds: 1,
  punishmentSeconds: 2,
};

describe("e2e: PK battles over HTTP, timed by the Cloud Tasks emulator", function () {
  this.timeout(90_000);
  useCleanStack();
  const stack = useStackAdmin();

  async function goLive(host: SignedUp, title: string): Promise<string> {
    const request = { requestId: randomUUID(), title, category: "chat", visibility: "public", country: "BR", region: "latam" };
    return (await callOk<{ streamId: string }>("startStream", request, host)).streamId;
  }

  /** Two live hosts; config/pk is written first, so no function instance has cached another one. */
  async function twoLiveHosts() {
    await stack.firestore.doc("config/pk").set(FAST_PK);
    const [hostA, hostB] = await Promise.all([signUp(stack, "host-a", { roles: ["host"] }), signUp(stack, "host-b", { roles: ["host"] })]);
    const [streamA, streamB] = await Promise.all([goLive(hostA, "A's stream"), goLive(hostB, "B's stream")]);
    return { hostA, hostB, streamA, streamB };
  }

  const battleDoc = async (battleId: string) => (await stack.firestore.doc(`pkBattles/${battleId}`).get()).data();
  const streamPkBattleId = async (streamId: string) => (await stack.firestore.doc(`streams/${streamId}`).get()).get("pkBattleId") as unknown;
  const mirror = async (streamId: string) => (await stack.db.ref(pkMirrorPath(streamId)).get()).val() as PkMirror | null;

  /** Tasks the emulator has accepted on the PK timer queue (its /queueStats counts the last five minutes). */
  async function timerTasksAdded(): Promise<number> {
    const stack = testStack();
    const stats = (await (await fetch(`http://${stack.tasks}/queueStats`)).json()) as Record<string, { tasksAdded: number }>;
    const queue = stats[`queue:${stack.projectId}-us-central1-${PK_TIMER_FUNCTION}`];
    assert.ok(queue, `the functions emulator registered the ${PK_TIMER_FUNCTION} queue: ${JSON.stringify(stats)}`);
    // tasksAdded is a per-minute rate over five minutes.
    return Math.round(queue.tasksAdded * 5);
  }

  it("an unanswered challenge is expired by its timer task, and both streams are free again", async () => {
    const { hostA, hostB, streamA, streamB } = await twoLiveHosts();
    const tasksBefore = await timerTasksAdded();

    const challenged = await callOk<ChallengePkResponse>(
      "challengePk",
      { streamId: streamA, opponentStreamId: streamB, requestId: randomUUID() },
      hostA,
    );
    assert.equal(challenged.status, "pending");
    assert.equal((await mirror(streamB))?.phase, "pending", "B's viewers see the challenge");
    assert.ok((await timerTasksAdded()) > tasksBefore, "the expiry timer went to the Cloud Tasks emulator");

    const expired = await waitUntil(
      "the timer task expires the challenge",
      async () => {
        const battle = await battleDoc(challenged.battleId);
        return battle?.status === "expired" ? battle : null;
      },
      20_000,
    );
    assert.equal(expired.phase, "finished");
    assert.equal(expired.endedReason, "expired");
    assert.ok(expired.closedAt.toMillis() >= challenged.expiresAt, "expired at its deadline, not before");
    assert.deepEqual(await Promise.all([streamPkBattleId(streamA), streamPkBattleId(streamB)]), [null, null]);
    for (const streamId of [streamA, streamB]) {
      const state = await waitUntil(`the expiry mirrored to ${streamId}`, async () => {
        const pk = await mirror(streamId);
        return pk?.status === "expired" ? pk : null;
      });
      assert.equal(state.phase, "finished");
    }

    const late = await callOverHttp("respondPk", { battleId: challenged.battleId, accept: true, requestId: randomUUID() }, hostB.idToken);
    assert.equal(late.error?.status, "FAILED_PRECONDITION", JSON.stringify(late));
  });

  it("an accepted battle is decided from the ledger by its timer at endsAt + grace, then closed after the punishment", async () => {
    await stack.firestore.doc("gifts/rose").set({ name: "Rose", priceCoins: 10, vipOnly: false, active: true });
    const [{ hostA, hostB, streamA, streamB }, fan, admin] = await Promise.all([
      twoLiveHosts(),
      signUp(stack, "fan"),
      signUp(stack, "admin", { roles: ["admin"] }),
    ]);
    await callOk("adminAdjustBalance", { uid: fan.localId, currency: "coins", amount: 100, reason: "e2e PK gifts", requestId: randomUUID() }, admin);
    const gift = (recipient: SignedUp, streamId: string, count: number) =>
      callOk<{ coins: number }>(
        "sendGift",
        { giftId: "rose", recipientUid: recipient.localId, count, context: { type: "stream", id: streamId }, requestId: randomUUID() },
        fan,
      );
    // A gift before the battle: not part of its score (and the gift path's function instances are warm
    // before the 10 s battle starts).
    await gift(hostA, streamA, 1);

    const challenged = await callOk<ChallengePkResponse>(
      "challengePk",
      { streamId: streamA, opponentStreamId: streamB, requestId: randomUUID() },
      hostA,
    );
    const accepted = await callOk<RespondPkResponse>("respondPk", { battleId: challenged.battleId, accept: true, requestId: randomUUID() }, hostB);
    assert.equal(accepted.status, "active");
    assert.equal((accepted.endsAt as number) - (accepted.startedAt as number), FAST_PK.battleSeconds * 1000);
    const { battleId } = challenged;

    // During the battle: 3 roses to A on A's stream, 1 rose to B on B's stream.
    await gift(hostA, streamA, 3);
    assert.equal((await gift(hostB, streamB, 1)).coins, 50);
    assert.ok(Date.now() < (accepted.endsAt as number), "the gifts were sent inside the battle");
    const live = await waitUntil("the ledger trigger adds both gifts to the live scores", async () => {
      const pk = await mirror(streamB);
      return pk?.scores?.[streamA] === 30 && pk.scores[streamB] === 10 ? pk : null;
    });
    assert.equal(live.phase, "battle", "the live scores arrived during the battle, not with its result");
    assert.equal((await battleDoc(battleId))?.status, "active", "not decided before its end");

    const decided = await waitUntil(
      "the timer task decides the battle",
      async () => {
        const battle = await battleDoc(battleId);
        return battle?.status === "finished" ? battle : null;
      },
      25_000,
    );
    const resolvedAt = decided.resolvedAt.toMillis() as number;
    assert.ok(resolvedAt >= (accepted.endsAt as number) + FAST_PK.resultGraceSeconds * 1000, "decided only after endsAt + grace");
    assert.deepEqual(decided.result, {
      scores: { [streamA]: 30, [streamB]: 10 },
      winnerStreamId: streamA,
      winnerUid: hostA.localId,
      draw: false,
      reason: "score",
      forfeitedStreamId: null,
    });
    const lastPk = (await stack.firestore.doc(`streams/${streamA}`).get()).get("lastPk");
    assert.equal(lastPk?.outcome, "won");
    assert.equal((await stack.firestore.doc(`streams/${streamB}`).get()).get("lastPk")?.outcome, "lost");

    const closed = await waitUntil(
      "the timer task closes the punishment phase",
      async () => {
        const battle = await battleDoc(battleId);
        return battle?.phase === "finished" ? battle : null;
      },
      15_000,
    );
    assert.ok(closed.closedAt.toMillis() >= decided.punishmentEndsAt.toMillis(), "closed only after the punishment phase");
    assert.equal(closed.nextActionAt ?? null, null, "nothing left for the timer or the sweep");
    assert.deepEqual(await Promise.all([streamPkBattleId(streamA), streamPkBattleId(streamB)]), [null, null]);
    for (const streamId of [streamA, streamB]) {
      const state = await waitUntil(`the close mirrored to ${streamId}`, async () => {
        const pk = await mirror(streamId);
        return pk?.phase === "finished" ? pk : null;
      });
      assert.deepEqual(state.result, { winnerStreamId: streamA, draw: false, reason: "score", scores: { [streamA]: 30, [streamB]: 10 } });
    }
  });
});
