/**
 * A voice room end to end, as the apps use it: callables over HTTP through the functions emulator, a
 * chat message written by the client SDK under the database rules, the chat moderation trigger fired by
 * the offline RTDB server, and a gift whose ledger document fires the venue gift-effects trigger
 * through the Firestore emulator.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { type App, deleteApp, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { type Database, getDatabase } from "firebase-admin/database";
import { type Firestore, getFirestore } from "firebase-admin/firestore";
import { signInWithPassword, signUpWithPassword } from "../../../devstack/src/smoke.js";
import { callOverHttp } from "../support/callables.js";
import { waitUntil } from "../support/firestore.js";
import { testStack, useCleanStack } from "../support/stack.js";
import { sendChat, useRtdbClients } from "../venues/support.js";

interface SignedUp {
  localId: string;
  idToken: string;
  email: string;
}

describe("e2e: a voice room over HTTP, with chat moderation and gift effects fired by the emulators", function () {
  this.timeout(120_000);
  useCleanStack();
  const client = useRtdbClients();
  let app: App;
  let firestore: Firestore;
  let database: Database;

  before(() => {
    const stack = testStack();
    app = initializeApp({ projectId: stack.projectId, databaseURL: `http://${stack.database}?ns=${stack.databaseNamespace}` }, `e2e-venues-${randomUUID()}`);
    firestore = getFirestore(app);
    database = getDatabase(app);
  });
  after(() => deleteApp(app));

  async function signUp(label: string, claims?: Record<string, unknown>): Promise<SignedUp> {
    const email = `${label}-${randomUUID().slice(0, 8)}@example.test`;
    const user = await signUpWithPassword(testStack().auth as string, email, "e2e-password");
    await waitUntil(`users/${user.localId}`, async () => (await firestore.doc(`users/${user.localId}`).get()).exists);
    if (!claims) return { ...user, email };
    await getAuth(app).setCustomUserClaims(user.localId, claims);
    // Claims reach a token at its next refresh: sign in again.
    const fresh = await signInWithPassword(testStack().auth as string, email, "e2e-password");
    return { localId: user.localId, idToken: fresh.idToken, email };
  }

  async function call<T = Record<string, unknown>>(name: string, data: unknown, user: SignedUp): Promise<T> {
    const reply = await callOverHttp(name, data, user.idToken);
    assert.equal(reply.status, 200, `${name}: ${JSON.stringify(reply)}`);
    return reply.result as T;
  }

  it("enter a room, chat (a banned word is masked and archived), send a gift (the room's gift total grows once)", async () => {
    await firestore.doc("gifts/rose").set({ name: "Rose", priceCoins: 10, vipOnly: false, active: true });
    const [owner, fan, admin] = await Promise.all([signUp("owner"), signUp("fan"), signUp("admin", { roles: ["admin"] })]);

    const { room } = await call<{ room: { id: string } }>("createRoom", { name: "Night lounge", requestId: randomUUID() }, owner);
    const entered = await call<{ media: { canPublish: boolean } }>("enterRoom", { roomId: room.id, visitId: randomUUID() }, fan);
    assert.equal(entered.media.canPublish, false, "a listener subscribes only");
    const venueKey = `room_${room.id}`;
    assert.ok((await database.ref(`members/${venueKey}/${fan.localId}`).get()).exists(), "admitted by the server");
    // The server's own RTDB write fires the admission trigger, which lists the venue for the presence sweep.
    await waitUntil("onVenueMemberAdmitted records the venue", async () => (await database.ref(`venueIndex/${venueKey}`).get()).exists());

    // The client writes its message under the rules; the trigger moderates it.
    const messageId = await sendChat(client(fan.localId), venueKey, fan.localId, { text: "you are a fucking legend" });
    const masked = await waitUntil("the moderation trigger masks the message", async () => {
      const text = (await database.ref(`chat/${venueKey}/${messageId}/text`).get()).val();
      return typeof text === "string" && !text.includes("fucking") ? text : null;
    });
    assert.match(masked, /legend/);
    const archived = await waitUntil("the message archived", async () => {
      const doc = await firestore.doc(`chatArchive/${venueKey}/messages/${messageId}`).get();
      return doc.exists ? doc.data() : null;
    });
    assert.equal(archived?.uid, fan.localId);

    await call("adminAdjustBalance", { uid: fan.localId, currency: "coins", amount: 100, reason: "e2e gift budget", requestId: randomUUID() }, admin);
    const gift = await call<{ transactionId: string; coins: number }>(
      "sendGift",
      { giftId: "rose", recipientUid: owner.localId, count: 3, context: { type: "room", id: room.id }, requestId: randomUUID() },
      fan,
    );
    assert.equal(gift.coins, 70);
    const total = await waitUntil("the gift-effects trigger adds the gift to the room's shards", async () => {
      const shards = await firestore.collection(`rooms/${room.id}/giftShards`).get();
      const coins = shards.docs.reduce((sum, d) => sum + (Number(d.get("coins")) || 0), 0);
      return coins > 0 ? coins : null;
    });
    assert.equal(total, 30);
    const feed = (await database.ref(`giftEvents/${venueKey}`).get()).val() as Record<string, { v: number; f: string }>;
    assert.deepEqual(
      Object.values(feed).map((e) => [e.f, e.v]),
      [[fan.localId, 30]],
      "one feed event on screen",
    );
  });
});
