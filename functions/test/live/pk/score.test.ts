import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Timestamp } from "firebase-admin/firestore";
import { sendGift } from "../../../src/gifts/callables.js";
import { db, rtdb } from "../../../src/kernel/app.js";
import { advancePkBattle } from "../../../src/live/pk/battles.js";
import { mirrorBattle } from "../../../src/live/pk/mirror.js";
import { recordPkGift } from "../../../src/live/pk/score.js";
import type { VenueGift } from "../../../src/venues/ports.js";
import { callInProcess, expectHttpsError } from "../../support/callables.js";
import { createProfile } from "../../support/economy-world.js";
import { useCleanStack } from "../../support/stack.js";
import { createTestUser, type TestUser } from "../../support/users.js";
import { activeBattle, battle, challenge, createHost, fundedSenders, type Host, mirrorOf, setBattleTimes, setPkConfig } from "./support.js";

/** The VenueGift the ledger trigger derives from a gift transaction. */
async function venueGiftOf(transactionId: string): Promise<VenueGift> {
  const doc = await db().doc(`ledger/${transactionId}`).get();
  return {
    transactionId,
    venue: doc.get("meta.context"),
    senderUid: doc.get("owner"),
    recipientUid: doc.get("meta.recipientUid"),
    coins: doc.get("meta.totalCoins"),
    at: (doc.get("createdAt") as Timestamp).toMillis(),
  };
}

async function countedMarkers(battleId: string): Promise<number> {
  return (await db().collection(`pkBattles/${battleId}/pkCountedGifts`).get()).size;
}

describe("live PK: live scores from gifts (recordPkGift)", () => {
  useCleanStack();
  let a: Host;
  let b: Host;
  let senders: TestUser[];

  beforeEach(async () => {
    [a, b] = await Promise.all([createHost(), createHost()]);
    senders = await fundedSenders(6, 10_000);
    await setPkConfig({ battleSeconds: 120, punishmentSeconds: 30, resultGraceSeconds: 0 });
  });

  async function gift(sender: TestUser, recipientUid: string, streamId: string, count: number, type: "stream" | "room" = "stream") {
    const sent = await callInProcess(sendGift, {
      user: sender,
      data: { giftId: "star", recipientUid, count, context: { type, id: streamId }, requestId: randomUUID() },
    });
    return venueGiftOf(sent.transactionId);
  }

  it("adds each host gift to its side on both streams, once per transaction even when replayed concurrently", async () => {
    const battleId = await activeBattle(a, b);
    const gifts = await Promise.all(senders.map((s, i) => (i % 3 === 0 ? gift(s, b.uid, b.streamId, i + 1) : gift(s, a.uid, a.streamId, i + 1))));
    // Delivered twice each, all at once (at-least-once trigger delivery).
    await Promise.all([...gifts, ...gifts].map((g) => recordPkGift(g)));

    const expected = {
      [a.streamId]: gifts.filter((g) => g.recipientUid === a.uid).reduce((s, g) => s + g.coins, 0),
      [b.streamId]: gifts.filter((g) => g.recipientUid === b.uid).reduce((s, g) => s + g.coins, 0),
    };
    assert.deepEqual(expected, { [a.streamId]: (2 + 3 + 5 + 6) * 100, [b.streamId]: (1 + 4) * 100 });
    assert.deepEqual((await mirrorOf(a.streamId))?.scores, expected);
    assert.deepEqual((await mirrorOf(b.streamId))?.scores, expected);
    assert.equal(await countedMarkers(battleId), gifts.length);

    // Replayed again later: still once.
    await recordPkGift(gifts[0] as VenueGift);
    assert.deepEqual((await mirrorOf(b.streamId))?.scores, expected);

    // The live display agrees with the authoritative result from the ledger.
    const window = await battle(battleId);
    await setBattleTimes(battleId, { startedAt: window.startedAt as number, endsAt: Date.now() });
    assert.equal((await advancePkBattle(battleId)).outcome, "resolved");
    assert.deepEqual((await battle(battleId)).result?.scores, expected);
    assert.deepEqual((await mirrorOf(a.streamId))?.scores, expected);
  });

  it("ignores guests' gifts, rooms, gifts outside the window and streams not in an active battle", async () => {
    const guest = await createTestUser();
    await createProfile(guest.uid);
    const c = await createHost();
    const battleId = await activeBattle(a, b);
    const ignored = [
      await gift(senders[0] as TestUser, guest.uid, a.streamId, 3),
      await gift(senders[1] as TestUser, a.uid, a.streamId, 3, "room"),
      await gift(senders[2] as TestUser, a.uid, b.streamId, 3),
      await gift(senders[3] as TestUser, c.uid, c.streamId, 3),
    ];
    const { battleId: pendingId } = await challenge(c, await createHost());
    ignored.push(await gift(senders[4] as TestUser, c.uid, c.streamId, 2));
    const late = await gift(senders[5] as TestUser, a.uid, a.streamId, 4);
    const early = { ...late, transactionId: `${late.transactionId}x`, at: ((await battle(battleId)).startedAt as number) - 1 };
    await setBattleTimes(battleId, { endsAt: late.at });
    for (const g of [...ignored, late, early]) await recordPkGift(g);

    assert.equal((await mirrorOf(a.streamId))?.scores, undefined);
    assert.equal((await mirrorOf(c.streamId))?.scores, undefined);
    assert.equal(await countedMarkers(battleId), 0);
    assert.equal(await countedMarkers(pendingId), 0);
  });

  it("malformed gifts are invalid-argument and change nothing", async () => {
    const battleId = await activeBattle(a, b);
    const valid = await gift(senders[0] as TestUser, a.uid, a.streamId, 1);
    const malformed: unknown[] = [
      { ...valid, coins: 0 },
      { ...valid, coins: 1.5 },
      { ...valid, transactionId: "a/b" },
      { ...valid, venue: { type: "stage", id: a.streamId } },
      { ...valid, at: "now" },
      { ...valid, extra: true },
      null,
    ];
    for (const input of malformed) await expectHttpsError(recordPkGift(input as VenueGift), "invalid-argument");
    assert.equal(await countedMarkers(battleId), 0);
    assert.equal((await mirrorOf(a.streamId))?.scores, undefined);
  });
});

describe("live PK: the RTDB mirror", () => {
  useCleanStack();

  beforeEach(async () => {
    await setPkConfig({ battleSeconds: 120, punishmentSeconds: 0, resultGraceSeconds: 0 });
  });

  it("a delayed write of an older state never replaces a newer one", async () => {
    const [a, b] = await Promise.all([createHost(), createHost()]);
    const battleId = await activeBattle(a, b);
    const active = await battle(battleId);
    await setBattleTimes(battleId, { startedAt: Date.now() - 10_000, endsAt: Date.now() - 1 });
    await advancePkBattle(battleId);
    assert.equal((await mirrorOf(a.streamId))?.phase, "finished");

    await mirrorBattle(active);
    const mirror = await mirrorOf(a.streamId);
    assert.equal(mirror?.phase, "finished");
    assert.equal(mirror?.rev, (await battle(battleId)).rev);
  });

  it("keeps the live scores when a transition rewrites the mirror of the same battle", async () => {
    const [a, b] = await Promise.all([createHost(), createHost()]);
    const battleId = await activeBattle(a, b);
    await rtdb().ref(`streams/${a.streamId}/state/pk/scores/${a.streamId}`).set(300);
    const current = await battle(battleId);
    await mirrorBattle({ ...current, rev: current.rev + 1 });
    assert.deepEqual((await mirrorOf(a.streamId))?.scores, { [a.streamId]: 300 });
  });
});
