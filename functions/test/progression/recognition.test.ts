import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { get, ref, set } from "firebase/database";
import { sendGift } from "../../src/gifts/callables.js";
import { db, rtdb } from "../../src/kernel/app.js";
import { onLedgerTransactionCreated } from "../../src/progression/triggers.js";
import { callInProcess } from "../support/callables.js";
import { createProfile, grantCoins, seedCatalog } from "../support/economy-world.js";
import { queuedFor } from "../support/notifications.js";
import { denied, useRtdbClients } from "../support/rules.js";
import { useCleanStack } from "../support/stack.js";
import { deliverDocumentCreated } from "../support/triggers.js";
import { createTestUser, type TestUser } from "../support/users.js";
import { setProgressionConfig } from "./support.js";

const ROOM = { type: "room", id: "lounge" } as const;

describe("progression: level-ups recognised in the venue", () => {
  useCleanStack();
  const client = useRtdbClients();
  let sender: TestUser;
  let host: TestUser;

  beforeEach(async () => {
    [sender, host] = await Promise.all([createTestUser(), createTestUser({ roles: ["host"] })]);
    await seedCatalog();
    // Wealth level 1 at 100 coins spent, charm level 1 at 50 diamonds received.
    await setProgressionConfig({ wealthThresholds: [0, 100, 1000], charmThresholds: [0, 50, 500] });
    await Promise.all([createProfile(sender.uid), createProfile(host.uid)]);
    await grantCoins(sender.uid, 1000);
  });

  async function giftAndDeliver(count: number, deliveries: number): Promise<void> {
    const { transactionId } = await callInProcess(sendGift, {
      user: sender,
      data: { giftId: "star", recipientUid: host.uid, count, context: ROOM, requestId: randomUUID() },
    });
    const ledger = (await db().doc(`ledger/${transactionId}`).get()).data() as Record<string, unknown>;
    for (let i = 0; i < deliveries; i++) {
      await deliverDocumentCreated(onLedgerTransactionCreated, `ledger/${transactionId}`, ledger, `evt-${transactionId}`, { txId: transactionId });
    }
  }

  const recognitions = async () =>
    Object.values(
      ((await rtdb().ref("recognitions/room_lounge").get()).val() ?? {}) as Record<string, { u: string; tr: string; l: number; t: unknown }>,
    )
      .map((r) => [r.u, r.tr, r.l, typeof r.t])
      .sort();

  it("announces each level reached through a gift once in that venue's feed, redelivered or not, besides the notice", async () => {
    await giftAndDeliver(1, 3);
    assert.deepEqual(
      await recognitions(),
      [
        [host.uid, "charm", 1, "number"],
        [sender.uid, "wealth", 1, "number"],
      ].sort(),
    );
    // A gift that crosses no threshold announces nothing.
    await giftAndDeliver(1, 1);
    assert.equal((await recognitions()).length, 2);
    assert.equal((await queuedFor(sender.uid, "level-up")).length, 1);
  });

  it("members of the venue read its recognitions; others and clients' writes are refused", async () => {
    await giftAndDeliver(1, 1);
    await rtdb().ref(`members/room_lounge/${sender.uid}`).set({ role: "member", at: Date.now() });
    assert.equal(Object.keys((await get(ref(client(sender.uid), "recognitions/room_lounge"))).val() ?? {}).length, 2);
    await denied(get(ref(client("stranger"), "recognitions/room_lounge")));
    await denied(get(ref(client(null), "recognitions/room_lounge")));
    await denied(set(ref(client(sender.uid), "recognitions/room_lounge/fake"), { u: sender.uid, tr: "wealth", l: 99, t: 1 }));
  });
});
