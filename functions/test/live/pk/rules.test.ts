import assert from "node:assert/strict";
import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { get, ref, set, update } from "firebase/database";
import { collection, deleteDoc, doc, getDoc, getDocs, query, setDoc, updateDoc, where } from "firebase/firestore";
import { denied, firestoreRulesEnvironment, useRtdbClients } from "../../support/rules.js";
import { stackAdmin, useCleanStack } from "../../support/stack.js";

describe("rules: PK battles (firestore.rules)", () => {
  let env: RulesTestEnvironment;

  before(async () => {
    env = await firestoreRulesEnvironment("demo-pk-rules");
  });
  after(() => env.cleanup());

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, "pkBattles/pk1"), { id: "pk1", status: "active", participants: ["alice", "bob"], streamIds: ["s1", "s2"] });
      await setDoc(doc(db, "pkBattles/pk1/pkCountedGifts/tx1"), { streamId: "s1", coins: 100 });
    });
  });

  const as = (uid: string, claims: Record<string, unknown> = {}) => env.authenticatedContext(uid, claims).firestore();

  it("the two hosts and staff read a battle; other users and anonymous users do not", async () => {
    await assertSucceeds(getDoc(doc(as("alice"), "pkBattles/pk1")));
    await assertSucceeds(getDoc(doc(as("bob"), "pkBattles/pk1")));
    await assertSucceeds(getDoc(doc(as("mod", { roles: ["moderator"] }), "pkBattles/pk1")));
    await assertFails(getDoc(doc(as("carol"), "pkBattles/pk1")));
    await assertFails(getDoc(doc(env.unauthenticatedContext().firestore(), "pkBattles/pk1")));
  });

  it("a host lists their own PK history, not anyone else's", async () => {
    const mine = await assertSucceeds(getDocs(query(collection(as("alice"), "pkBattles"), where("participants", "array-contains", "alice"))));
    assert.equal(mine.size, 1);
    await assertFails(getDocs(query(collection(as("carol"), "pkBattles"), where("participants", "array-contains", "alice"))));
    await assertFails(getDocs(collection(as("alice"), "pkBattles")));
  });

  it("no client writes a battle or reads the live-score markers", async () => {
    const alice = as("alice");
    await assertFails(updateDoc(doc(alice, "pkBattles/pk1"), { status: "finished" }));
    await assertFails(setDoc(doc(alice, "pkBattles/pk2"), { participants: ["alice", "carol"], status: "active" }));
    await assertFails(deleteDoc(doc(alice, "pkBattles/pk1")));
    await assertFails(setDoc(doc(as("root", { roles: ["admin"] }), "pkBattles/pk1"), { status: "finished" }));
    await assertFails(getDoc(doc(alice, "pkBattles/pk1/pkCountedGifts/tx1")));
    await assertFails(setDoc(doc(alice, "pkBattles/pk1/pkCountedGifts/tx2"), { coins: 1 }));
  });
});

describe("rules: PK mirror streams/{id}/state/pk (database.rules.json)", () => {
  useCleanStack();
  const client = useRtdbClients();

  beforeEach(async () => {
    const admin = stackAdmin();
    try {
      await admin.db
        .ref("streams/s1/state")
        .set({ hostUid: "alice", status: "live", pk: { battleId: "pk1", rev: 1, phase: "battle", scores: { s1: 100, s2: 0 } } });
    } finally {
      await admin.close();
    }
  });

  it("signed-in viewers read the PK state; nobody but functions writes it, not even the host", async () => {
    const viewer = client("viewer");
    assert.equal((await get(ref(viewer, "streams/s1/state/pk"))).val().phase, "battle");
    await denied(get(ref(client(null), "streams/s1/state/pk")));
    const host = client("alice");
    await denied(set(ref(host, "streams/s1/state/pk/scores/s1"), 1_000_000));
    await denied(update(ref(host, "streams/s1/state/pk"), { phase: "punishment" }));
    await denied(set(ref(viewer, "streams/s1/state/pk"), null));
    await denied(set(ref(viewer, "streams/s2/state/pk"), { battleId: "fake", phase: "battle" }));
  });
});
