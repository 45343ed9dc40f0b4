import assert from "node:assert/strict";
import { get, ref, remove, serverTimestamp, set, update } from "firebase/database";
import { useCleanStack } from "../support/stack.js";
import { denied, useRtdbClients } from "../support/rules.js";
import { stackAdmin } from "../support/stack.js";
import { sendChat } from "../venues/support.js";

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
    assert.equal((await admin.db.ref(`chatRate/${VENUE}/alice`).get()).val(), message.createdAt);
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
    await denied(set(ref(alice, `chatRate/${VENUE}/alice`), serverTimestamp()));
    await admin.db.ref(`chatRate/${VENUE}/alice`).set(Date.now() - 1_500);
    await sendChat(alice, VENUE, "alice", { text: "a second later" });
    // Another member's rate is their own.
    await sendChat(client("bob"), VENUE, "bob", { text: "bob is not throttled by alice" });
  });

  it("never lets clients edit or delete messages, their own or others'", async () => {
    const alice = client("alice");
    const aliceKey = await sendChat(alice, VENUE, "alice", { text: "original" });
    const bobKey = await sendChat(client("bob"), VENUE, "bob", { text: "bob's" });
    await denied(update(ref(alice, `chat/${VENUE}/${aliceKey}`), { text: "edited" }));
    await denied(remove(ref(alice, `chat/${VENUE}/${aliceKey}`)));
    await denied(remove(ref(alice, `chat/${VENUE}/${bobKey}`)));
    await admin.db.ref(`chatRate/${VENUE}/alice`).set(Date.now() - 1_500);
    await denied(
      update(ref(alice), {
        [`chat/${VENUE}/${bobKey}`]: { uid: "alice", text: "overwritten", createdAt: serverTimestamp() },
        [`chatRate/${VENUE}/alice`]: serverTimestamp(),
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
