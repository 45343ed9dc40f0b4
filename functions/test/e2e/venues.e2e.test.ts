/**
 * A voice room end to end, as the apps use it: callables over HTTP through the functions emulator, a
 * chat message written by the client SDK under the database rules, the chat moderation trigger fired by
 * the offline RTDB server, and a gift whose ledger document fires the venue gift-effects trigger
 * through the Firestore emulator.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { sendChat } from "../support/chat.js";
import { callOk, signUp, useStackAdmin } from "../support/e2e.js";
import { waitUntil } from "../support/firestore.js";
import { useRtdbClients } from "../support/rules.js";
import { useCleanStack } from "../support/stack.js";

describe("e2e: a voice room over HTTP, with chat moderation and gift effects fired by the emulators", function () {
  this.timeout(120_000);
  useCleanStack();
  const stack = useStackAdmin();
  const client = useRtdbClients();

  it("enter a room, chat (a banned word is masked and archived), send a gift (the room's gift total grows once)", async () => {
    await stack.firestore.doc("gifts/rose").set({ name: "Rose", priceCoins: 10, vipOnly: false, active: true });
    const [owner, fan, admin] = await Promise.all([signUp(stack, "owner"), signUp(stack, "fan"), signUp(stack, "admin", { roles: ["admin"] })]);

    const { room } = await callOk<{ room: { id: string } }>("createRoom", { name: "Night lounge", requestId: randomUUID() }, owner);
    const entered = await callOk<{ media: { canPublish: boolean } }>("enterRoom", { roomId: room.id, visitId: randomUUID() }, fan);
    assert.equal(entered.media.canPublish, false, "a listener subscribes only");
    const venueKey = `room_${room.id}`;
    assert.ok((await stack.db.ref(`members/${venueKey}/${fan.localId}`).get()).exists(), "admitted by the server");
    // The server's own RTDB write fires the admission trigger, which lists the venue for the presence sweep.
    await waitUntil("onVenueMemberAdmitted records the venue", async () => (await stack.db.ref(`venueIndex/${venueKey}`).get()).exists());

    // The client writes its message under the rules; the trigger moderates it.
    const messageId = await sendChat(client(fan.localId), venueKey, fan.localId, { text: "you are a fucking legend" });
    const masked = await waitUntil("the moderation trigger masks the message", async () => {
      const text = (await stack.db.ref(`chat/${venueKey}/${messageId}/text`).get()).val();
      return typeof text === "string" && !text.includes("fucking") ? text : null;
    });
    assert.match(masked, /legend/);
    const archived = await waitUntil("the message archived", async () => {
      const doc = await stack.firestore.doc(`chatArchive/${venueKey}/messages/${messageId}`).get();
      return doc.exists ? doc.data() : null;
    });
    assert.equal(archived?.uid, fan.localId);

    await callOk(
      "adminAdjustBalance",
      { uid: fan.localId, currency: "coins", amount: 100, reason: "e2e gift budget", requestId: randomUUID() },
      admin,
    );
    const gift = await callOk<{ transactionId: string; coins: number }>(
      "sendGift",
      { giftId: "rose", recipientUid: owner.localId, count: 3, context: { type: "room", id: room.id }, requestId: randomUUID() },
      fan,
    );
    assert.equal(gift.coins, 70);
    const total = await waitUntil("the gift-effects trigger adds the gift to the room's shards", async () => {
      const shards = await stack.firestore.collection(`rooms/${room.id}/giftShards`).get();
      const coins = shards.docs.reduce((sum, d) => sum + (Number(d.get("coins")) || 0), 0);
      return coins > 0 ? coins : null;
    });
    assert.equal(total, 30);
    const feed = (await stack.db.ref(`giftEvents/${venueKey}`).get()).val() as Record<string, { v: number; f: string }>;
    assert.deepEqual(
      Object.values(feed).map((e) => [e.f, e.v]),
      [[fan.localId, 30]],
      "one feed event on screen",
    );
  });
});
