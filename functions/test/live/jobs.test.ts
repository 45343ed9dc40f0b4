import assert from "node:assert/strict";
import { db, rtdb } from "../../src/kernel/app.js";
import { sweepLiveStreamsJob } from "../../src/live/jobs.js";
import { sweepLiveStreams } from "../../src/live/sweep.js";
import { clearConfigCaches, end, host, join, liveState, people, rtdbValue, setLiveConfig, start, streamDoc, viewer } from "../support/live-world.js";
import { useCleanStack } from "../support/stack.js";

const MINUTE = 60_000;

describe("live: the sweep", () => {
  useCleanStack();
  beforeEach(async () => {
    clearConfigCaches();
    await setLiveConfig({ hostAbsentMinutes: 3 });
  });

  it("ends a stream whose host's presence went stale, keeps one whose host is present", async () => {
    const [gone, here] = [await host(), await host()];
    const goneStream = (await start(gone)).streamId;
    const hereStream = (await start(here)).streamId;
    const now = Date.now() + 10 * MINUTE;
    await rtdb()
      .ref(`presence/stream_${goneStream}/${gone.uid}`)
      .set({ lastSeen: now - 4 * MINUTE });
    await rtdb()
      .ref(`presence/stream_${hereStream}/${here.uid}`)
      .set({ lastSeen: now - MINUTE });

    const summary = await sweepLiveStreams(now);
    assert.equal(summary.ended, 1);
    const ended = await streamDoc(goneStream);
    assert.equal(ended.status, "ended");
    assert.equal(ended.endReason, "host-absent");
    assert.equal(ended.endedBy, null);
    assert.equal(ended.finalized, true);
    assert.equal((await liveState(goneStream))?.status, "ended");
    assert.equal((await streamDoc(hereStream)).status, "live");
    assert.equal((await db().collection("auditLog").get()).size, 0, "the platform's own end is not an audited staff action");
  });

  it("a missing presence counts from when the sweep first saw it missing; a return clears the mark", async () => {
    const luna = await host();
    const { streamId } = await start(luna);
    const t0 = Date.now();
    assert.equal((await sweepLiveStreams(t0)).ended, 0);
    assert.equal(await rtdbValue(`streams/${streamId}/state/hostAbsentSince`), t0);
    assert.equal((await sweepLiveStreams(t0 + 2 * MINUTE)).ended, 0);

    // The host comes back: the mark goes, and the clock restarts from their presence.
    await rtdb()
      .ref(`presence/stream_${streamId}/${luna.uid}`)
      .set({ lastSeen: t0 + 2 * MINUTE });
    assert.equal((await sweepLiveStreams(t0 + 4 * MINUTE)).ended, 0);
    assert.equal(await rtdbValue(`streams/${streamId}/state/hostAbsentSince`), null);

    await rtdb().ref(`presence/stream_${streamId}/${luna.uid}`).remove();
    assert.equal((await sweepLiveStreams(t0 + 5 * MINUTE)).ended, 0);
    assert.equal((await sweepLiveStreams(t0 + 7 * MINUTE)).ended, 0);
    assert.equal((await sweepLiveStreams(t0 + 8 * MINUTE + 1)).ended, 1);
    assert.equal((await streamDoc(streamId)).status, "ended");
  });

  it("refreshes the approximate viewer count of stream documents", async () => {
    const luna = await host();
    const crowd = await people(3);
    const { streamId } = await start(luna);
    await Promise.all(crowd.map((p) => join(p, streamId)));
    await rtdb().ref(`presence/stream_${streamId}/${luna.uid}`).set({ lastSeen: Date.now() });
    assert.equal((await streamDoc(streamId)).viewerCount, 0);
    const summary = await sweepLiveStreams(Date.now());
    assert.equal(summary.refreshed, 1);
    assert.equal((await streamDoc(streamId)).viewerCount, 3);
    assert.equal((await sweepLiveStreams(Date.now())).refreshed, 0);

    // A count publication lost after its marker committed (a crash between the two): the sweep redoes it.
    await rtdb().ref(`streams/${streamId}/state/viewers`).set({ current: 0, peak: 3 });
    await sweepLiveStreams(Date.now());
    assert.equal((await rtdbValue<{ current: number }>(`streams/${streamId}/state/viewers`))?.current, 3);
    assert.equal((await streamDoc(streamId)).viewerCount, 3);
  });

  it("finishes the finalisation of a stream whose end was interrupted", async () => {
    const luna = await host();
    const mia = await viewer();
    const { streamId } = await start(luna);
    await join(mia, streamId);
    // As if endStream crashed right after marking the stream ended.
    await db().doc(`streams/${streamId}`).update({ status: "ended", endedAt: new Date(), endedBy: luna.uid });
    const summary = await sweepLiveStreams(Date.now());
    assert.equal(summary.finalized, 1);
    const stream = await streamDoc(streamId);
    assert.equal(stream.finalized, true);
    assert.equal(stream.analytics?.peakViewers, 1);
    assert.equal(await rtdbValue(`members/stream_${streamId}`), null);
    assert.equal((await sweepLiveStreams(Date.now())).finalized, 0);
  });

  it("runs as a scheduled function", async () => {
    const luna = await host();
    const { streamId } = await start(luna);
    const scheduleTime = Date.now() + 10 * MINUTE;
    await rtdb()
      .ref(`presence/stream_${streamId}/${luna.uid}`)
      .set({ lastSeen: scheduleTime - 5 * MINUTE });
    await sweepLiveStreamsJob.run({ scheduleTime: new Date(scheduleTime).toISOString(), jobName: "sweepLiveStreams" } as never);
    assert.equal((await streamDoc(streamId)).status, "ended");
  });
});

describe("live: ended streams' realtime data", () => {
  useCleanStack();

  it("stays for the retention period, then the sweep removes it once (Firestore keeps the history)", async () => {
    clearConfigCaches();
    await setLiveConfig({ endedStateRetentionHours: 1 });
    const star = await host();
    const { streamId } = await start(star);
    const key = `stream_${streamId}`;
    await rtdb().ref(`chat/${key}/m1`).set({ uid: star.uid, text: "bye", createdAt: Date.now() });
    await rtdb().ref(`giftEvents/${key}/g1`).set({ g: "rose", n: 1, f: "x", r: star.uid, v: 10, t: Date.now() });
    await end(star, streamId);
    const endedAt = (await streamDoc(streamId)).endedAt?.toMillis() as number;

    assert.equal((await sweepLiveStreams(endedAt + 30 * MINUTE)).cleared, 0, "within the retention period");
    assert.equal((await liveState(streamId))?.status, "ended");
    assert.ok(await rtdbValue(`chat/${key}/m1`));

    assert.equal((await sweepLiveStreams(endedAt + 61 * MINUTE)).cleared, 1);
    assert.equal(await rtdbValue(`streams/${streamId}`), null);
    assert.equal(await rtdbValue(`chat/${key}`), null);
    assert.equal(await rtdbValue(`giftEvents/${key}`), null);
    const stream = await streamDoc(streamId);
    assert.equal(stream.status, "ended");
    assert.ok(stream.analytics, "analytics stay");
    assert.equal((await sweepLiveStreams(endedAt + 62 * MINUTE)).cleared, 0, "once");
  });
});
