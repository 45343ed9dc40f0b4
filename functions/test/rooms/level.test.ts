import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { sendGift } from "../../src/gifts/callables.js";
import type { SendGiftResponse } from "../../src/gifts/schema.js";
import { db } from "../../src/kernel/app.js";
import { getRoom } from "../../src/rooms/callables.js";
import { runRoomsMaintenance } from "../../src/rooms/jobs.js";
import { foldRoomGiftShards, recordRoomGift, roomLevelFor, unfoldedGiftCoins } from "../../src/rooms/level.js";
import type { RoomView } from "../../src/rooms/schema.js";
import { venueGiftOf } from "../../src/venues/gift-effects.js";
import type { VenueGift } from "../../src/venues/ports.js";
import { callInProcess } from "../support/callables.js";
import { seedCatalog } from "../support/economy-world.js";
import { docData } from "../support/firestore.js";
import { clearConfigCaches, enter, grantCoins, makeUser, openRoom, rtdbValue, setRoomsConfig } from "../support/rooms-world.js";
import { useCleanStack } from "../support/stack.js";
import type { TestUser } from "../support/users.js";

const gift = (roomId: string, coins: number, transactionId = randomUUID().replace(/-/g, "")): VenueGift => ({
  transactionId,
  venue: { type: "room", id: roomId },
  senderUid: "sender",
  recipientUid: "host",
  coins,
  at: Date.now(),
});

describe("rooms: level from gifts received in the room", () => {
  useCleanStack();
  let owner: TestUser;
  let roomId: string;

  beforeEach(async () => {
    clearConfigCaches();
    await setRoomsConfig({ levelThresholds: [100, 500, 2000] });
    owner = await makeUser();
    roomId = await openRoom(owner);
  });

  it("levels come from the configured thresholds", () => {
    assert.deepEqual(
      [0, 99, 100, 499, 500, 1999, 2000, 10_000].map((coins) => roomLevelFor(coins, [100, 500, 2000])),
      [1, 1, 2, 2, 3, 3, 4, 4],
    );
    assert.equal(roomLevelFor(5, []), 1);
  });

  it("a replayed transaction id counts once, also under concurrent delivery; the room document is not written per gift", async () => {
    const before = await db().doc(`rooms/${roomId}`).get();
    const repeated = gift(roomId, 70);
    const distinct = Array.from({ length: 8 }, () => gift(roomId, 10));
    await Promise.all([recordRoomGift(repeated), recordRoomGift(repeated), recordRoomGift(repeated), ...distinct.map(recordRoomGift)]);
    await recordRoomGift(repeated);
    assert.equal(await unfoldedGiftCoins(roomId), 150);

    const after = await db().doc(`rooms/${roomId}`).get();
    assert.equal(after.updateTime?.toMillis(), before.updateTime?.toMillis(), "no hot room document");

    const { room } = await callInProcess<{ room: RoomView }>(getRoom, { user: owner, data: { roomId } });
    assert.equal(room.giftCoins, 150);
    assert.equal(room.level, 2, "getRoom adds the unfolded shards");
  });

  it("folding moves the shards into the room, recomputes the level and mirrors it; replays after a fold still count once", async () => {
    const first = gift(roomId, 600);
    await recordRoomGift(first);
    await recordRoomGift(gift(roomId, 50));
    assert.deepEqual(await foldRoomGiftShards(roomId), { folded: 650, level: 3 });
    const room = await docData(`rooms/${roomId}`);
    assert.equal(room?.giftCoins, 650);
    assert.equal(room?.level, 3);
    assert.equal((await db().collection(`rooms/${roomId}/giftShards`).get()).size, 0);
    assert.equal((await rtdbValue<{ level: number }>(`rooms/${roomId}/state`))?.level, 3);

    await recordRoomGift(first);
    assert.equal(await unfoldedGiftCoins(roomId), 0);
    assert.deepEqual(await foldRoomGiftShards(roomId), { folded: 0, level: 3 });
  });

  it("gifts for streams or unknown rooms do not touch rooms", async () => {
    await recordRoomGift({ ...gift(roomId, 10), venue: { type: "stream", id: roomId } });
    await recordRoomGift(gift("no-such-room", 10));
    assert.equal(await unfoldedGiftCoins(roomId), 0);
    assert.equal((await db().collectionGroup("giftShards").get()).size, 0);
  });

  it("from a real gift: the ledger document's venue gift raises the room level once; the maintenance job folds it", async () => {
    await seedCatalog();
    const sender = await makeUser();
    await grantCoins(sender.uid, 1000);
    await enter(sender, roomId);
    const sent = await callInProcess<SendGiftResponse>(sendGift, {
      user: sender,
      data: { giftId: "star", recipientUid: owner.uid, count: 2, context: { type: "room", id: roomId }, requestId: randomUUID() },
    });
    const venueGift = venueGiftOf(sent.transactionId, await docData(`ledger/${sent.transactionId}`));
    assert.ok(venueGift);
    await recordRoomGift(venueGift);
    await recordRoomGift(venueGift);
    assert.equal(await unfoldedGiftCoins(roomId), 200);

    const summary = await runRoomsMaintenance();
    assert.equal(summary.roomsFolded, 1);
    assert.equal((await docData(`rooms/${roomId}`))?.level, 2);
    assert.equal((await docData(`rooms/${roomId}`))?.memberCount, 1, "the same job refreshes member counts");
  });
});
