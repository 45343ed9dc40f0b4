import assert from "node:assert/strict";
import { db } from "../../src/kernel/app.js";
import {
  FANOUT_STALL_MS,
  fanoutInboxId,
  fanoutPageRef,
  fanoutRef,
  runFanoutPage,
  startGoLiveFanout,
  sweepStalledFanouts,
} from "../../src/notifications/fanout.js";
import { pushedMessages } from "../support/delivery.js";
import { countDeliveries, seedFollowers } from "../support/fanout-world.js";
import { useCleanStack } from "../support/stack.js";

describe("notifications: go-live fan-out to followers, in page tasks", function () {
  this.timeout(120_000);
  useCleanStack();

  it("reaches every opted-in follower's devices exactly once over 3 pages, under a duplicate start and retried page tasks", async () => {
    const world = await seedFollowers(db(), "host-1", 1_200);
    const stream = { id: "stream-1", hostUid: "host-1", hostName: "Luna" };

    const first = await startGoLiveFanout(stream);
    const duplicate = await startGoLiveFanout(stream);
    assert.deepEqual([first.created, duplicate.created], [true, false]);
    assert.equal(duplicate.fanoutId, first.fanoutId);
    const fanoutId = first.fanoutId;

    // The pages as Cloud Tasks would run them, with redeliveries: page 0 twice after it is done, page 1
    // twice at once (one attempt holds it), page 2 once, then every page again.
    assert.equal((await runFanoutPage({ fanoutId, page: 0 })).outcome, "done");
    assert.equal((await runFanoutPage({ fanoutId, page: 0 })).outcome, "already-done");
    const concurrent = await Promise.all([runFanoutPage({ fanoutId, page: 1 }), runFanoutPage({ fanoutId, page: 1 })]);
    assert.deepEqual(concurrent.map((run) => run.outcome).sort(), ["busy", "done"]);
    assert.equal((await runFanoutPage({ fanoutId, page: 2 })).outcome, "done");
    for (const page of [0, 1, 2]) assert.equal((await runFanoutPage({ fanoutId, page })).outcome, "already-done");
    assert.equal((await runFanoutPage({ fanoutId, page: 3 })).outcome, "missing");

    const sent = await pushedMessages();
    const { perToken, duplicates, missed, unexpected } = countDeliveries(
      sent.map((message) => message.deliveredTo),
      world,
    );
    assert.deepEqual({ duplicates, missed, unexpected }, { duplicates: 0, missed: 0, unexpected: 0 });
    for (const token of world.silentTokens) assert.equal(perToken.get(token), undefined, `${token} is opted out or in quiet hours`);
    assert.equal(sent.length, world.expectedTokens.size);

    const fanout = (await fanoutRef(fanoutId).get()).data();
    assert.equal(fanout?.status, "done");
    assert.equal(fanout?.pages, 3);
    assert.equal(fanout?.pagesDone, 3);
    assert.equal(fanout?.totals.followers, 1_200);
    assert.equal(fanout?.totals.pushSent, world.expectedTokens.size);
    assert.equal(fanout?.totals.inbox, world.inboxUids.length);
    assert.equal((await fanoutPageRef(fanoutId, 1).get()).get("attempts"), 1);
  });

  it("an attempt that outlives its lease stops before its next chunk: the attempt that took the page over sends it, nobody twice", async () => {
    const world = await seedFollowers(db(), "host-3", 500);
    const { fanoutId } = await startGoLiveFanout({ id: "stream-3", hostUid: "host-3", hostName: "Luna" });
    const stalled = runFanoutPage({ fanoutId, page: 0 });
    // As soon as the first attempt holds the page, a second one arrives after its lease has run out
    // (its clock 10 minutes on), as Cloud Tasks' retry of an attempt that stopped answering would.
    const pageRef = fanoutPageRef(fanoutId, 0);
    while ((await pageRef.get()).get("status") !== "claimed") await new Promise((resolve) => setTimeout(resolve, 10));
    const takeover = await runFanoutPage({ fanoutId, page: 0 }, Date.now() + 10 * 60_000);
    assert.deepEqual([(await stalled).outcome, takeover.outcome], ["busy", "done"]);

    const sent = await pushedMessages();
    const { duplicates, missed, unexpected } = countDeliveries(
      sent.map((message) => message.deliveredTo),
      world,
    );
    assert.deepEqual({ duplicates, missed, unexpected }, { duplicates: 0, missed: 0, unexpected: 0 });
    assert.equal((await pageRef.get()).get("attempts"), 2);
  });

  it("an attempt past its time budget hands the page on after a chunk: continuations resume from the progress, nobody twice", async () => {
    const world = await seedFollowers(db(), "host-5", 500);
    const { fanoutId } = await startGoLiveFanout({ id: "stream-5", hostUid: "host-5", hostName: "Luna" });
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 10 && outcomes.at(-1) !== "done"; attempt++) {
      // No budget at all: each attempt sends one chunk of 100 followers, then releases the page.
      outcomes.push((await runFanoutPage({ fanoutId, page: 0 }, Date.now(), 0)).outcome);
    }
    assert.deepEqual(outcomes, ["continued", "continued", "continued", "continued", "done"]);
    const sent = await pushedMessages();
    const { duplicates, missed, unexpected } = countDeliveries(
      sent.map((message) => message.deliveredTo),
      world,
    );
    assert.deepEqual({ duplicates, missed, unexpected }, { duplicates: 0, missed: 0, unexpected: 0 });
    assert.equal((await fanoutRef(fanoutId).get()).get("totals.followers"), 500);
  });

  it("writes one inbox entry per follower in their language, with the deep link, and none for a follower who switched the inbox off", async () => {
    const world = await seedFollowers(db(), "host-2", 20);
    const { fanoutId } = await startGoLiveFanout({ id: "stream-2", hostUid: "host-2", hostName: "Luna" });
    await runFanoutPage({ fanoutId, page: 0 });

    const english = (
      await db()
        .doc(`users/${world.followerUids[0]}/notifications/${fanoutInboxId(fanoutId)}`)
        .get()
    ).data();
    assert.equal(english?.type, "go-live");
    assert.equal(english?.title, "Luna is live");
    assert.equal(english?.deepLink, "app://stream/stream-2");
    assert.equal(english?.read, false);
    const arabicUid = world.followerUids[6] as string;
    assert.equal(
      (
        await db()
          .doc(`users/${arabicUid}/notifications/${fanoutInboxId(fanoutId)}`)
          .get()
      ).get("title"),
      "Luna في بث مباشر",
    );
    for (const uid of world.noInboxUids) assert.equal((await db().collection(`users/${uid}/notifications`).get()).size, 0);
    for (const uid of world.inboxUids) assert.equal((await db().collection(`users/${uid}/notifications`).get()).size, 1);

    const [push] = (await pushedMessages()).filter((message) => message.deliveredTo[0] === `tok-${world.followerUids[0]}-0`);
    assert.deepEqual(push?.message.data, { type: "go-live", fanoutId, hostName: "Luna", streamId: "stream-2", deepLink: "app://stream/stream-2" });
    assert.equal((push?.message.android as { priority?: string } | undefined)?.priority, "high");
  });

  it("a host without followers completes at once", async () => {
    const { fanoutId } = await startGoLiveFanout({ id: "stream-3", hostUid: "host-3", hostName: null });
    assert.deepEqual(await runFanoutPage({ fanoutId, page: 0 }), { outcome: "done", nextEnqueued: true });
    const fanout = (await fanoutRef(fanoutId).get()).data();
    assert.equal(fanout?.status, "done");
    assert.equal(fanout?.totals.followers, 0);
    assert.deepEqual(await pushedMessages(), []);
  });

  it("the sweep picks up a running fan-out that has not moved for 10 minutes, once per stall", async () => {
    await startGoLiveFanout({ id: "stream-4", hostUid: "host-4", hostName: "Luna" });
    const now = Date.now();
    assert.equal((await sweepStalledFanouts(now)).stalled, 0);
    assert.equal((await sweepStalledFanouts(now + FANOUT_STALL_MS + 1_000)).stalled, 1);
    // It counts as moved now: the next sweep leaves it alone.
    assert.equal((await sweepStalledFanouts(now + FANOUT_STALL_MS + 2_000)).stalled, 0);
  });
});
