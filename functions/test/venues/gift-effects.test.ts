import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { sendGift } from "../../src/gifts/send-gift.js";
import { db } from "../../src/kernel/app.js";
import { liveTopGifters } from "../../src/live/ranking.js";
import { unfoldedGiftCoins } from "../../src/rooms/level.js";
import { venueGiftOf } from "../../src/venues/gift-effects.js";
import { onGiftPostedToVenue } from "../../src/venues/triggers.js";
import { grantCoins, seedCatalog } from "../support/economy-world.js";
import { host, start, viewer } from "../support/live-world.js";
import { makeUser, openRoom } from "../support/rooms-world.js";
import { useCleanStack } from "../support/stack.js";
import { deliverDocumentCreated } from "../support/triggers.js";

async function ledgerDoc(transactionId: string): Promise<Record<string, unknown>> {
  return (await db().doc(`ledger/${transactionId}`).get()).data() as Record<string, unknown>;
}

function deliver(transactionId: string, data: Record<string, unknown>, eventId = `evt-${transactionId}`) {
  return deliverDocumentCreated(onGiftPostedToVenue, `ledger/${transactionId}`, data, eventId, { txId: transactionId });
}

describe("venues: gift effects from the ledger (stream ranking, room level)", () => {
  useCleanStack();
  beforeEach(seedCatalog);

  it("a stream's gifts feed its live ranking once each, however often the event is delivered", async () => {
    const star = await host();
    const { streamId } = await start(star);
    const fans = await Promise.all([viewer(), viewer()]);
    await Promise.all(fans.map((fan) => grantCoins(fan.user.uid, 1000)));

    const sent: string[] = [];
    for (const [i, fan] of fans.entries()) {
      for (let n = 0; n <= i; n++) {
        const { transactionId } = await sendGift(fan.user.uid, {
          giftId: "star",
          recipientUid: star.user.uid,
          count: 1,
          context: { type: "stream", id: streamId },
          requestId: randomUUID(),
        });
        sent.push(transactionId);
      }
    }
    // Every event twice (at-least-once delivery), concurrently.
    await Promise.all(sent.flatMap(async (id) => [await deliver(id, await ledgerDoc(id)), await deliver(id, await ledgerDoc(id), `again-${id}`)]));

    const ranking = await liveTopGifters(streamId, 10);
    assert.equal(ranking.giftCount, 3);
    assert.equal(ranking.totalCoins, 300);
    assert.deepEqual(
      ranking.top.map((entry) => [entry.uid, entry.coins]),
      [
        [fans[1]?.user.uid, 200],
        [fans[0]?.user.uid, 100],
      ],
    );
  });

  it("a room's gifts raise its gift total (sharded, no room document write) once each", async () => {
    const owner = await makeUser();
    const roomId = await openRoom(owner);
    const fan = await makeUser();
    await grantCoins(fan.uid, 1000);
    const roomBefore = (await db().doc(`rooms/${roomId}`).get()).updateTime;
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) {
      const { transactionId } = await sendGift(fan.uid, {
        giftId: "star",
        recipientUid: owner.uid,
        count: 2,
        context: { type: "room", id: roomId },
        requestId: randomUUID(),
      });
      ids.push(transactionId);
    }
    await Promise.all(ids.map(async (id) => deliver(id, await ledgerDoc(id))));
    await Promise.all(ids.map(async (id) => deliver(id, await ledgerDoc(id), `again-${id}`)));
    assert.equal(await unfoldedGiftCoins(roomId), 600);
    assert.deepEqual((await db().doc(`rooms/${roomId}`).get()).updateTime, roomBefore, "the room document is not written per gift");
  });

  it("ignores other ledger types, gifts without a venue and malformed documents", async () => {
    assert.equal(venueGiftOf("t1", { type: "exchange", meta: {} }), null);
    assert.equal(venueGiftOf("t2", { type: "gift", owner: "a", meta: { recipientUid: "b", totalCoins: 5 } }), null);
    assert.equal(
      venueGiftOf("t3", { type: "gift", owner: "a", meta: { context: { type: "stream", id: "s" }, recipientUid: "b", totalCoins: 1.5 } }),
      null,
    );
    assert.equal(venueGiftOf("t4", undefined), null);
  });
});
