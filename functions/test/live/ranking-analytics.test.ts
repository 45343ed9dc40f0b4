import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { sendGift } from "../../src/gifts/callables.js";
import { db } from "../../src/kernel/app.js";
import { answerGuestInvite, getStreamRanking, inviteGuest, leaveStream } from "../../src/live/callables.js";
import { liveTopGifters, recordStreamGift } from "../../src/live/ranking.js";
import { followUser, unfollowUser } from "../../src/social/callables.js";
import { venueGiftOf } from "../../src/venues/gift-effects.js";
import type { VenueGift } from "../../src/venues/ports.js";
import { callInProcess, expectHttpsError } from "../support/callables.js";
import { grantCoins, seedCatalog } from "../support/economy-world.js";
import { clearConfigCaches, end, host, join, type Person, people, start, streamDoc, viewer } from "../support/live-world.js";
import { useCleanStack } from "../support/stack.js";

/** Sends `count` stars (100 coins each) through the real sendGift, and returns the venue gift the ledger trigger would build. */
async function gift(from: Person, to: Person, count: number, context: { type: "stream" | "room"; id: string }): Promise<VenueGift> {
  const sent = await callInProcess(sendGift, {
    user: from.user,
    data: { giftId: "star", recipientUid: to.uid, count, context, requestId: randomUUID() },
  });
  const ledger = (await db().doc(`ledger/${sent.transactionId}`).get()).data();
  const venueGift = venueGiftOf(sent.transactionId, ledger);
  assert.ok(venueGift, "a gift ledger document describes a venue gift");
  return venueGift;
}

describe("live: ranking and analytics", () => {
  useCleanStack();
  beforeEach(async () => {
    clearConfigCaches();
    await seedCatalog();
  });

  it("recordStreamGift counts a gift once however often (and however concurrently) its event is replayed", async () => {
    const luna = await host();
    const [mia, noah] = await people(2);
    const { streamId } = await start(luna);
    await Promise.all([grantCoins(mia.uid, 1000), grantCoins(noah.uid, 1000)]);
    const first = await gift(mia, luna, 3, { type: "stream", id: streamId });
    const second = await gift(noah, luna, 1, { type: "stream", id: streamId });
    await Promise.all(Array.from({ length: 6 }, () => recordStreamGift(first)));
    await recordStreamGift(second);
    await recordStreamGift(second);
    await recordStreamGift({ ...first, venue: { type: "room", id: streamId } });

    const live = await liveTopGifters(streamId, 10);
    assert.deepEqual(live, {
      top: [
        { uid: mia.uid, coins: 300 },
        { uid: noah.uid, coins: 100 },
      ],
      totalCoins: 400,
      giftCount: 2,
    });

    const ranking = await callInProcess(getStreamRanking, { user: noah.user, data: { streamId, limit: 1 } });
    assert.equal(ranking.source, "live");
    assert.equal(ranking.totalCoins, 400);
    assert.equal(ranking.giftCount, 2);
    assert.deepEqual(ranking.topGifters, [{ rank: 1, uid: mia.uid, coins: 300, displayName: `Name ${mia.uid}`, avatarPath: null, vipTier: 0 }]);
  });

  it("getStreamRanking follows the stream's visibility and blocks", async () => {
    const luna = await host();
    const [invited, outsider, blocked] = await people(3);
    const priv = await start(luna, { visibility: "private", invitedUids: [invited.uid] });
    await expectHttpsError(callInProcess(getStreamRanking, { user: invited.user, data: { streamId: priv.streamId } }), "permission-denied");
    await join(invited, priv.streamId);
    assert.equal((await callInProcess(getStreamRanking, { user: invited.user, data: { streamId: priv.streamId } })).source, "live");
    await expectHttpsError(callInProcess(getStreamRanking, { user: outsider.user, data: { streamId: priv.streamId } }), "permission-denied");
    await db().doc(`blocks/${luna.uid}__${blocked.uid}`).set({ blockerUid: luna.uid, blockedUid: blocked.uid });
    const other = await host();
    const pub = await start(other);
    await callInProcess(getStreamRanking, { user: outsider.user, data: { streamId: pub.streamId } });
    await expectHttpsError(callInProcess(getStreamRanking, { user: blocked.user, data: { streamId: priv.streamId } }), "permission-denied");
    await expectHttpsError(callInProcess(getStreamRanking, { user: outsider.user, data: { streamId: pub.streamId, limit: 51 } }), "invalid-argument");
  });

  it("analytics at the end are exact: duration, peak and unique viewers, gifts, the host's diamonds, new followers, guests; the final ranking is persisted", async function () {
    this.timeout(120_000);
    const luna = await host();
    const [mia, noah, ava, fan1, fan2, earlyFan] = await people(6);
    await Promise.all([mia, noah, ava].map((p) => grantCoins(p.uid, 2000)));
    // Before the stream: a follower that must not count.
    await callInProcess(followUser, { user: earlyFan.user, data: { uid: luna.uid } });

    const { streamId } = await start(luna);
    const context = { type: "stream" as const, id: streamId };
    await Promise.all([join(mia, streamId), join(noah, streamId), join(ava, streamId)]);
    await callInProcess(inviteGuest, { user: luna.user, data: { streamId, uid: ava.uid } });
    await callInProcess(answerGuestInvite, { user: ava.user, data: { streamId, accept: true } });
    await callInProcess(leaveStream, { user: noah.user, data: { streamId } });
    await join(noah, streamId);
    await join(fan1, streamId); // 4 at once: mia, noah, ava, fan1

    const gifts = [
      await gift(mia, luna, 3, context), // 300 to the host
      await gift(noah, luna, 1, context), // 100 to the host
      await gift(mia, ava, 2, context), // 200 to the guest
      await gift(ava, luna, 1, context), // 100 from the guest to the host
    ];
    await gift(noah, luna, 1, { type: "room", id: "somewhere-else" }); // not this stream
    for (const g of gifts) await recordStreamGift(g);
    await callInProcess(followUser, { user: fan1.user, data: { uid: luna.uid } });
    await callInProcess(followUser, { user: fan2.user, data: { uid: luna.uid } });
    await callInProcess(unfollowUser, { user: fan2.user, data: { uid: luna.uid } });

    const ended = await end(luna, streamId);
    await gift(mia, luna, 5, context); // after the end: not part of the stream's figures

    const stream = await streamDoc(streamId);
    const expectedDuration = Math.round(((stream.endedAt?.toMillis() ?? 0) - stream.startedAt.toMillis()) / 1000);
    const expected = {
      durationSeconds: expectedDuration,
      peakViewers: 4,
      uniqueViewers: 4,
      gifts: { count: 7, coins: 700, transactions: 4, senders: 3 },
      // config/economy hostShareBps 5000 (support/economy-world.ts): half of the 500 coins the host received.
      diamondsEarned: 250,
      newFollowers: 1,
      guests: 1,
    };
    assert.deepEqual(ended.analytics, expected);
    assert.deepEqual(stream.analytics, expected);

    const persisted = (await db().collection(`streams/${streamId}/ranking`).orderBy("rank").get()).docs.map((d) => d.data());
    const [second, third] = [noah.uid, ava.uid].sort();
    assert.deepEqual(persisted, [
      { uid: mia.uid, coins: 500, rank: 1 },
      { uid: second, coins: 100, rank: 2 },
      { uid: third, coins: 100, rank: 3 },
    ]);

    const final = await callInProcess(getStreamRanking, { user: luna.user, data: { streamId } });
    assert.equal(final.source, "final");
    assert.equal(final.totalCoins, 700);
    assert.equal(final.giftCount, 4);
    assert.deepEqual(
      final.topGifters.map((g) => [g.rank, g.uid, g.coins]),
      [
        [1, mia.uid, 500],
        [2, second, 100],
        [3, third, 100],
      ],
    );

    // Ending again recomputes nothing.
    assert.deepEqual((await end(luna, streamId)).analytics, expected);
  });

  it("a stream nobody watched ends with zeros", async () => {
    const luna = await host();
    const { streamId } = await start(luna);
    const ended = await end(luna, streamId);
    assert.deepEqual(
      { ...ended.analytics, durationSeconds: 0 },
      {
        durationSeconds: 0,
        peakViewers: 0,
        uniqueViewers: 0,
        gifts: { count: 0, coins: 0, transactions: 0, senders: 0 },
        diamondsEarned: 0,
        newFollowers: 0,
        guests: 0,
      },
    );
    const mia = await viewer();
    const ranking = await callInProcess(getStreamRanking, { user: mia.user, data: { streamId } });
    assert.deepEqual(ranking, { streamId, source: "final", totalCoins: 0, giftCount: 0, topGifters: [] });
  });
});
