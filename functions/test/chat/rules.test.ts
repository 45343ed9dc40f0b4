import assert from "node:assert/strict";
import { get, push, ref, remove, serverTimestamp, set, update } from "firebase/database";
import { sendChat } from "../support/chat.js";
import { denied, useRtdbClients } from "../support/rules.js";
import { stackAdmin, useCleanStack } from "../support/stack.js";

const VENUE = "stream_s1";

describe("rules: chat (database.rules.json)", () => {
  useCleanStack();
  const client = useRtdbClients();
  let admin: ReturnType<typeof stackAdmin>;

  beforeEach(async () => {
    admin = stackAdmin();
    const at = Date.now();
    await admin.db.ref(`members/${VENUE}`).set({ alice: { role: "viewer", at }, bob: { role: "viewer", at } });
  });
  afterEach(() => admin.close());

  it("a member writes a message with the rate stamp; members read the chat, others do not", async () => {
    const key = await sendChat(client("alice"), VENUE, "alice", { text: "hello" });
    const message = (await get(ref(client("bob"), `chat/${VENUE}/${key}`))).val();
    assert.equal(message.uid, "alice");
    assert.equal(message.text, "hello");
    assert.ok(Math.abs(message.createdAt - Date.now()) < 5_000, "createdAt is the server's time");
    assert.deepEqual((await admin.db.ref(`chatRate/${VENUE}/alice`).get()).val(), { at: message.createdAt, messageId: key });
    await denied(get(ref(client("carol"), `chat/${VENUE}`)));
    await denied(get(ref(client(null), `chat/${VENUE}`)));
  });

  it("rejects a spoofed sender id", async () => {
    const alice = client("alice");
    await denied(sendChat(alice, VENUE, "bob", { text: "I am bob" }, { rateUid: "alice" }));
    await denied(sendChat(alice, VENUE, "bob", { text: "I am bob" }));
    assert.equal((await admin.db.ref(`chat/${VENUE}`).get()).exists(), false);
  });

  it("rejects non-members and anonymous clients", async () => {
    await denied(sendChat(client("carol"), VENUE, "carol", { text: "let me in" }));
    await denied(sendChat(client(null), VENUE, "nobody", { text: "hi" }));
  });

  it("rejects muted users until the mute ends, and banned users", async () => {
    await admin.db.ref(`mutes/${VENUE}/alice`).set(Date.now() + 60_000);
    await denied(sendChat(client("alice"), VENUE, "alice", { text: "am I muted?" }));
    await admin.db.ref(`mutes/${VENUE}/alice`).set(Date.now() - 1_000);
    await sendChat(client("alice"), VENUE, "alice", { text: "mute over" });

    await admin.db.ref(`bans/${VENUE}/bob`).set(Date.now() + 60_000);
    await denied(sendChat(client("bob"), VENUE, "bob", { text: "banned but still a member node" }));
  });

  it("rejects users muted platform-wide by a moderator (chatMutes/{uid}) in every venue until the mute ends; each reads only their own", async () => {
    await admin.db.ref("members/room_r1/alice").set({ role: "viewer", at: Date.now() });
    await admin.db.ref("chatMutes/alice").set(Date.now() + 60_000);
    await denied(sendChat(client("alice"), VENUE, "alice", { text: "muted everywhere?" }));
    await denied(sendChat(client("alice"), "room_r1", "alice", { text: "here too?" }));
    assert.ok((await get(ref(client("alice"), "chatMutes/alice"))).exists());
    await denied(get(ref(client("bob"), "chatMutes/alice")));
    await denied(set(ref(client("alice"), "chatMutes/alice"), null));
    await admin.db.ref("chatMutes/alice").set(Date.now() - 1_000);
    await sendChat(client("alice"), VENUE, "alice", { text: "mute over" });
  });

  it("accepts 500 characters and rejects oversize, empty, blank and non-string text", async () => {
    const alice = client("alice");
    await denied(sendChat(alice, VENUE, "alice", { text: "x".repeat(501) }));
    await denied(sendChat(alice, VENUE, "alice", { text: "" }));
    await denied(sendChat(alice, VENUE, "alice", { text: "   \n\t " }));
    await denied(sendChat(alice, VENUE, "alice", { text: 42 }));
    await denied(sendChat(alice, VENUE, "alice", {}));
    await sendChat(alice, VENUE, "alice", { text: "x".repeat(500) });
  });

  it("rejects unknown fields, a client-chosen createdAt and server-only flags", async () => {
    const alice = client("alice");
    await denied(sendChat(alice, VENUE, "alice", { text: "hi", role: "admin" }));
    await denied(sendChat(alice, VENUE, "alice", { text: "hi", masked: true }));
    await denied(sendChat(alice, VENUE, "alice", { text: "hi", createdAt: Date.now() - 60_000 }));
    assert.equal((await admin.db.ref(`chat/${VENUE}`).get()).exists(), false);
  });

  it("requires the rate stamp in the same update and one message per second", async () => {
    const alice = client("alice");
    await denied(sendChat(alice, VENUE, "alice", { text: "no stamp" }, { withRate: false }));
    await sendChat(alice, VENUE, "alice", { text: "first" });
    await denied(sendChat(alice, VENUE, "alice", { text: "too fast" }));
    // A stamp cannot be rewritten on its own inside the interval either.
    await denied(set(ref(alice, `chatRate/${VENUE}/alice`), { at: serverTimestamp(), messageId: "next" }));
    await admin.db.ref(`chatRate/${VENUE}/alice`).set({ at: Date.now() - 1_500, messageId: "earlier" });
    await sendChat(alice, VENUE, "alice", { text: "a second later" });
    // Another member's rate is their own.
    await sendChat(client("bob"), VENUE, "bob", { text: "bob is not throttled by alice" });
  });

  it("one update carries one message: a second message riding on the same rate stamp is refused", async () => {
    const alice = client("alice");
    const keys = [0, 1, 2].map(() => push(ref(alice, `chat/${VENUE}`)).key as string);
    const message = (text: string) => ({ uid: "alice", text, createdAt: serverTimestamp() });
    const messages = (count: number) => Object.fromEntries(keys.slice(0, count).map((key, i) => [`chat/${VENUE}/${key}`, message(`spam ${i}`)]));
    // A bare time as the stamp: it names no message.
    await denied(update(ref(alice), { ...messages(2), [`chatRate/${VENUE}/alice`]: serverTimestamp() }));
    await denied(update(ref(alice), { ...messages(1), [`chatRate/${VENUE}/alice`]: serverTimestamp() }));
    // The stamp names one message: every other message of the update is refused, and with it the update.
    await denied(update(ref(alice), { ...messages(2), [`chatRate/${VENUE}/alice`]: { at: serverTimestamp(), messageId: keys[0] } }));
    await denied(update(ref(alice), { ...messages(3), [`chatRate/${VENUE}/alice`]: { at: serverTimestamp(), messageId: keys[2] } }));
    // A stamp naming another message carries nothing.
    await denied(update(ref(alice), { ...messages(1), [`chatRate/${VENUE}/alice`]: { at: serverTimestamp(), messageId: "someOtherKey" } }));
    assert.equal((await admin.db.ref(`chat/${VENUE}`).get()).exists(), false);
    // The app's own update (one message, the stamp naming it) still goes through.
    await sendChat(alice, VENUE, "alice", { text: "just one" });
    assert.equal(Object.keys((await admin.db.ref(`chat/${VENUE}`).get()).val()).length, 1);
  });

  it("the rate stamp is the server time and the message it names, nothing else", async () => {
    const alice = client("alice");
    const stamp = `chatRate/${VENUE}/alice`;
    await denied(set(ref(alice, stamp), { at: Date.now() - 5_000, messageId: "m1" }));
    await denied(set(ref(alice, stamp), { at: serverTimestamp() }));
    await denied(set(ref(alice, stamp), { at: serverTimestamp(), messageId: 5 }));
    await denied(set(ref(alice, stamp), { at: serverTimestamp(), messageId: "m1", extra: true }));
    await denied(set(ref(client("bob"), stamp), { at: serverTimestamp(), messageId: "m1" }));
    // A stamp left by an older app version (a bare time) does not lock its owner out.
    await admin.db.ref(stamp).set(Date.now() - 1_500);
    await sendChat(alice, VENUE, "alice", { text: "after an app update" });
  });

  it("never lets clients edit or delete messages, their own or others'", async () => {
    const alice = client("alice");
    const aliceKey = await sendChat(alice, VENUE, "alice", { text: "original" });
    const bobKey = await sendChat(client("bob"), VENUE, "bob", { text: "bob's" });
    await denied(update(ref(alice, `chat/${VENUE}/${aliceKey}`), { text: "edited" }));
    await denied(remove(ref(alice, `chat/${VENUE}/${aliceKey}`)));
    await denied(remove(ref(alice, `chat/${VENUE}/${bobKey}`)));
    await admin.db.ref(`chatRate/${VENUE}/alice`).set({ at: Date.now() - 1_500, messageId: "earlier" });
    await denied(
      update(ref(alice), {
        [`chat/${VENUE}/${bobKey}`]: { uid: "alice", text: "overwritten", createdAt: serverTimestamp() },
        [`chatRate/${VENUE}/alice`]: { at: serverTimestamp(), messageId: bobKey },
      }),
    );
    const chat = (await admin.db.ref(`chat/${VENUE}`).get()).val();
    assert.equal(chat[aliceKey].text, "original");
    assert.equal(chat[bobKey].text, "bob's");
  });

  it("a user reads their own rate stamp and mute, members read the venue's mutes; nobody writes them", async () => {
    await admin.db.ref(`mutes/${VENUE}/alice`).set(Date.now() + 60_000);
    const alice = client("alice");
    assert.ok((await get(ref(alice, `mutes/${VENUE}/alice`))).exists());
    assert.ok((await get(ref(client("bob"), `mutes/${VENUE}`))).exists());
    await denied(get(ref(client("carol"), `mutes/${VENUE}`)));
    await denied(remove(ref(alice, `mutes/${VENUE}/alice`)));
    await denied(set(ref(alice, `mutes/${VENUE}/bob`), Date.now() + 60_000));
    await denied(get(ref(client("bob"), `chatRate/${VENUE}/alice`)));
  });
});
