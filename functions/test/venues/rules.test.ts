import assert from "node:assert/strict";
import { get, onDisconnect, ref, remove, serverTimestamp, set, update } from "firebase/database";
import { waitUntil } from "../support/firestore.js";
import { denied, rtdbClient, useRtdbClients } from "../support/rules.js";
import { stackAdmin, useCleanStack } from "../support/stack.js";

const VENUE = "room_r1";

describe("rules: venue presence, typing and membership (database.rules.json)", () => {
  useCleanStack();
  const client = useRtdbClients();
  let admin: ReturnType<typeof stackAdmin>;

  beforeEach(async () => {
    admin = stackAdmin();
    await admin.db.ref(`members/${VENUE}`).set({ alice: { role: "member", at: Date.now() }, bob: { role: "member", at: Date.now() } });
  });
  afterEach(() => admin.close());

  it("a member writes their own presence with the server's time, and removes it", async () => {
    const alice = client("alice");
    await set(ref(alice, `presence/${VENUE}/alice`), { lastSeen: serverTimestamp() });
    const lastSeen = (await admin.db.ref(`presence/${VENUE}/alice/lastSeen`).get()).val();
    assert.ok(Math.abs(lastSeen - Date.now()) < 5_000);
    // The heartbeat: the same write again.
    await update(ref(alice, `presence/${VENUE}/alice`), { lastSeen: serverTimestamp() });
    await remove(ref(alice, `presence/${VENUE}/alice`));
    assert.equal((await admin.db.ref(`presence/${VENUE}/alice`).get()).exists(), false);
  });

  it("presence: not for others, not for non-members, no client clock, no extra fields", async () => {
    const alice = client("alice");
    await denied(set(ref(alice, `presence/${VENUE}/bob`), { lastSeen: serverTimestamp() }));
    await denied(set(ref(client("carol"), `presence/${VENUE}/carol`), { lastSeen: serverTimestamp() }));
    await denied(set(ref(alice, `presence/${VENUE}/alice`), { lastSeen: Date.now() + 3_600_000 }));
    await denied(set(ref(alice, `presence/${VENUE}/alice`), { lastSeen: serverTimestamp(), seat: 1 }));
    await denied(set(ref(alice, `presence/${VENUE}/alice`), { online: true }));
    await set(ref(client("bob"), `presence/${VENUE}/bob`), { lastSeen: serverTimestamp() });
    await denied(remove(ref(alice, `presence/${VENUE}/bob`)));
  });

  it("members read the venue's presence, typing and members; others do not", async () => {
    await admin.db.ref(`presence/${VENUE}/bob`).set({ lastSeen: Date.now() });
    const alice = client("alice");
    assert.ok((await get(ref(alice, `presence/${VENUE}`))).exists());
    assert.ok((await get(ref(alice, `members/${VENUE}`))).exists());
    await get(ref(alice, `typing/${VENUE}`));
    const carol = client("carol");
    await denied(get(ref(carol, `presence/${VENUE}`)));
    await denied(get(ref(carol, `members/${VENUE}`)));
    await denied(get(ref(carol, `typing/${VENUE}`)));
    // Anyone may check their own membership (the app does before writing presence).
    assert.equal((await get(ref(carol, `members/${VENUE}/carol`))).exists(), false);
  });

  it("typing: a member sets their own flag to true or removes it; nothing else", async () => {
    const alice = client("alice");
    await set(ref(alice, `typing/${VENUE}/alice`), true);
    await remove(ref(alice, `typing/${VENUE}/alice`));
    await denied(set(ref(alice, `typing/${VENUE}/alice`), "yes"));
    await denied(set(ref(alice, `typing/${VENUE}/bob`), true));
    await denied(set(ref(client("carol"), `typing/${VENUE}/carol`), true));
  });

  it("clients never write membership, mutes, bans or the sweep's bookkeeping", async () => {
    const carol = client("carol");
    await denied(set(ref(carol, `members/${VENUE}/carol`), { role: "member", at: Date.now() }));
    const alice = client("alice");
    await denied(remove(ref(alice, `members/${VENUE}/alice`)));
    await denied(set(ref(alice, `bans/${VENUE}/bob`), Date.now() + 60_000));
    await denied(set(ref(alice, `absences/${VENUE}/alice`), Date.now() + 3_600_000));
    await denied(get(ref(alice, `absences/${VENUE}`)));
    await denied(set(ref(alice, `venueIndex/${VENUE}`), { lastJoinAt: 1 }));
    await admin.db.ref(`bans/${VENUE}/carol`).set(Date.now() + 60_000);
    assert.ok((await get(ref(carol, `bans/${VENUE}/carol`))).exists());
    await denied(get(ref(alice, `bans/${VENUE}/carol`)));
  });

  it("onDisconnect removes presence when the client's connection closes", async () => {
    // A connection of its own, closed by the test: the app that went away.
    const vanishing = rtdbClient("alice");
    const db = vanishing.db;
    const presence = ref(db, `presence/${VENUE}/alice`);
    await onDisconnect(presence).remove();
    await set(presence, { lastSeen: serverTimestamp() });
    assert.ok((await admin.db.ref(`presence/${VENUE}/alice`).get()).exists());
    await vanishing.close();
    await waitUntil("presence removed by onDisconnect", async () => !(await admin.db.ref(`presence/${VENUE}/alice`).get()).exists());
    // Membership is the server's: it stays until the sweep or a leave removes it.
    assert.ok((await admin.db.ref(`members/${VENUE}/alice`).get()).exists());
  });
});
