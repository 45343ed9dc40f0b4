import assert from "node:assert/strict";
import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { get, push, ref, remove, set, update } from "firebase/database";
import { collection, deleteDoc, doc, getDoc, getDocs, limit, query, setDoc } from "firebase/firestore";
import { denied, firestoreRulesEnvironment, useRtdbClients } from "../support/rules.js";
import { stackAdmin, useCleanStack } from "../support/stack.js";

describe("rules: voice rooms (firestore.rules)", () => {
  let env: RulesTestEnvironment;

  before(async () => {
    env = await firestoreRulesEnvironment("demo-rooms-rules");
  });
  after(() => env.cleanup());

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, "rooms/r1"), { id: "r1", ownerUid: "owner", admins: ["helper"], name: "Lounge", status: "open", lockMode: "password" });
      await setDoc(doc(db, "rooms/r1/private/lock"), { passwordHash: "scrypt$16384$8$1$c2FsdA==$aGFzaA==" });
      await setDoc(doc(db, "rooms/r1/activity/a1"), { type: "seat.taken", actorUid: "guest", atMs: 1 });
      await setDoc(doc(db, "rooms/r1/giftShards/0"), { coins: 10 });
      await setDoc(doc(db, "rooms/r1/visits/guest_v1"), { uid: "guest", feeCoins: 10 });
      await setDoc(doc(db, "roomOwners/owner"), { openRoomIds: ["r1"] });
    });
  });

  const as = (uid: string, claims: Record<string, unknown> = {}) => env.authenticatedContext(uid, claims).firestore();

  it("rooms are readable by signed-in users (discovery), never by anonymous ones, never client-written", async () => {
    await assertSucceeds(getDoc(doc(as("guest"), "rooms/r1")));
    await assertSucceeds(getDocs(query(collection(as("guest"), "rooms"), limit(10))));
    await assertFails(getDoc(doc(env.unauthenticatedContext().firestore(), "rooms/r1")));
    await assertFails(setDoc(doc(as("owner"), "rooms/r1"), { name: "Mine" }, { merge: true }));
    await assertFails(setDoc(doc(as("guest"), "rooms/r2"), { ownerUid: "guest", status: "open" }));
    await assertFails(deleteDoc(doc(as("owner"), "rooms/r1")));
    await assertFails(setDoc(doc(as("root", { roles: ["admin"] }), "rooms/r1"), { status: "closed" }, { merge: true }));
  });

  it("the password hash, gift shards, visits and the owner cap are server only, even for the owner and admins", async () => {
    for (const path of ["rooms/r1/private/lock", "rooms/r1/giftShards/0", "rooms/r1/visits/guest_v1", "roomOwners/owner"]) {
      await assertFails(getDoc(doc(as("owner"), path)));
      await assertFails(getDoc(doc(as("root", { roles: ["admin"] }), path)));
      await assertFails(setDoc(doc(as("owner"), path), { x: 1 }));
    }
    await assertFails(getDocs(collection(as("guest"), "rooms/r1/visits")));
  });

  it("activity: the owner, room admins and staff read; members do not; nobody writes", async () => {
    await assertSucceeds(getDoc(doc(as("owner"), "rooms/r1/activity/a1")));
    await assertSucceeds(getDocs(collection(as("helper"), "rooms/r1/activity")));
    await assertSucceeds(getDocs(collection(as("mod", { roles: ["moderator"] }), "rooms/r1/activity")));
    await assertFails(getDoc(doc(as("guest"), "rooms/r1/activity/a1")));
    await assertFails(setDoc(doc(as("owner"), "rooms/r1/activity/a2"), { type: "room.updated" }));
  });
});

describe("rules: voice rooms (database.rules.json)", () => {
  useCleanStack();
  const client = useRtdbClients();

  /** Seeds through an admin connection on the namespace the clients use. */
  async function seed(values: Record<string, unknown>) {
    const admin = stackAdmin();
    try {
      await admin.db.ref().update(values);
    } finally {
      await admin.close();
    }
  }

  beforeEach(async () => {
    await seed({
      "rooms/r1/state": { name: "Lounge", ownerUid: "owner", lockMode: "open", seatCount: 2, level: 1, status: "open", version: 1 },
      "rooms/r1/seats": [
        { uid: "guest", locked: false, micMuted: false },
        { locked: false, micMuted: false },
      ],
      "rooms/r1/invites/guest": { by: "owner", at: 1, expiresAt: 2 },
      "members/room_r1/guest": { role: "member", at: 1 },
      "entrances/room_r1/e1": { u: "vip", v: 1, e: "sparkle", t: 1 },
    });
  });

  it("signed-in users read room state and seats, members the entrance feed; anonymous users read nothing", async () => {
    const stranger = client("stranger");
    assert.equal((await get(ref(stranger, "rooms/r1/state"))).val().name, "Lounge");
    assert.equal((await get(ref(stranger, "rooms/r1/seats/0"))).val().uid, "guest");
    assert.equal((await get(ref(client("guest"), "entrances/room_r1"))).val().e1.e, "sparkle");
    await denied(get(ref(stranger, "entrances/room_r1")));
    const anonymous = client(null);
    await denied(get(ref(anonymous, "rooms/r1/seats")));
    await denied(get(ref(anonymous, "entrances/room_r1")));
  });

  it("no client writes seats, state, invitations, mic mutes, entrances or its own membership", async () => {
    const guest = client("guest");
    const owner = client("owner");
    await denied(set(ref(guest, "rooms/r1/seats/1"), { uid: "guest", locked: false, micMuted: false }));
    await denied(update(ref(guest, "rooms/r1/seats/0"), { micMuted: true }));
    await denied(remove(ref(guest, "rooms/r1/seats/0")));
    await denied(set(ref(owner, "rooms/r1/seats/1/locked"), true));
    await denied(update(ref(owner, "rooms/r1/state"), { name: "Renamed" }));
    await denied(set(ref(owner, "rooms/r2/state"), { ownerUid: "owner" }));
    await denied(set(ref(guest, "rooms/r1/invites/guest"), { by: "guest", at: 1, expiresAt: 9e15 }));
    await denied(set(ref(owner, "rooms/r1/micMutes/guest"), { by: "owner", at: 1 }));
    await denied(set(push(ref(guest, "entrances/room_r1")), { u: "guest", v: 9, e: "storm", t: 1 }));
    await denied(set(ref(client("intruder"), "members/room_r1/intruder"), { role: "owner", at: 1 }));
    await denied(set(ref(guest, "bans/room_r1/guest"), null));
  });
});
