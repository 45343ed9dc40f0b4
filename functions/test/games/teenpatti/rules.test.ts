import assert from "node:assert/strict";
import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { get, ref, remove, set, update } from "firebase/database";
import { deleteDoc, doc, getDoc, setDoc, updateDoc } from "firebase/firestore";
import { denied, firestoreRulesEnvironment, useRtdbClients } from "../../support/rules.js";
import { stackAdmin, useCleanStack } from "../../support/stack.js";

describe("rules: Teen Patti tables (firestore.rules)", () => {
  let env: RulesTestEnvironment;

  before(async () => {
    env = await firestoreRulesEnvironment("demo-teenpatti-rules");
  });
  after(() => env.cleanup());

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, "teenPattiTables/t1"), { id: "t1", seats: ["alice", "bob", null], hand: { pot: 30 } });
      await setDoc(doc(db, "teenPattiTables/t1/private/dealer"), { serverSeed: "s", cards: { alice: ["As", "Ks", "Qs"], bob: ["2c", "3d", "9h"] } });
      await setDoc(doc(db, "gameHands/t1_1"), { tableId: "t1", players: ["alice", "bob"], fairness: { commitment: "c", serverSeed: null } });
    });
  });

  const as = (uid: string, claims: Record<string, unknown> = {}) => env.authenticatedContext(uid, claims).firestore();

  it("signed-in users read a table; anonymous users do not", async () => {
    await assertSucceeds(getDoc(doc(as("carol"), "teenPattiTables/t1")));
    await assertFails(getDoc(doc(env.unauthenticatedContext().firestore(), "teenPattiTables/t1")));
  });

  it("signed-in users read a hand's public record (to verify it); nobody writes it", async () => {
    await assertSucceeds(getDoc(doc(as("carol"), "gameHands/t1_1")));
    await assertFails(getDoc(doc(env.unauthenticatedContext().firestore(), "gameHands/t1_1")));
    await assertFails(updateDoc(doc(as("alice"), "gameHands/t1_1"), { "fairness.serverSeed": "forged" }));
    await assertFails(setDoc(doc(as("alice"), "gameHands/t1_2"), { tableId: "t1" }));
  });

  it("nobody reads the dealer's secrets, not even a seated player or an admin", async () => {
    await assertFails(getDoc(doc(as("alice"), "teenPattiTables/t1/private/dealer")));
    await assertFails(getDoc(doc(as("root", { roles: ["admin"] }), "teenPattiTables/t1/private/dealer")));
  });

  it("no client writes a table or its secrets", async () => {
    const alice = as("alice");
    await assertFails(updateDoc(doc(alice, "teenPattiTables/t1"), { "hand.pot": 0 }));
    await assertFails(setDoc(doc(alice, "teenPattiTables/t2"), { seats: ["alice"] }));
    await assertFails(deleteDoc(doc(alice, "teenPattiTables/t1")));
    await assertFails(setDoc(doc(alice, "teenPattiTables/t1/private/dealer"), { cards: {} }));
  });
});

describe("rules: Teen Patti table state and cards (database.rules.json)", () => {
  useCleanStack();
  const client = useRtdbClients();

  beforeEach(async () => {
    const admin = stackAdmin();
    try {
      await admin.db.ref("teenPatti/tables/t1").set({ rev: 1, seats: { 0: "alice", 1: "bob" }, hand: { pot: 30, turnUid: "alice" } });
      await admin.db.ref("teenPatti/cards/t1/alice").set({ handId: "t1_1", cards: ["As", "Ks", "Qs"] });
      await admin.db.ref("teenPatti/cards/t1/bob").set({ handId: "t1_1", cards: ["2c", "3d", "9h"] });
    } finally {
      await admin.close();
    }
  });

  it("a player reads their own cards; the other players and spectators do not", async () => {
    assert.deepEqual((await get(ref(client("alice"), "teenPatti/cards/t1/alice"))).val().cards, ["As", "Ks", "Qs"]);
    await denied(get(ref(client("bob"), "teenPatti/cards/t1/alice")));
    await denied(get(ref(client("spectator"), "teenPatti/cards/t1/alice")));
    await denied(get(ref(client("alice"), "teenPatti/cards/t1")));
    await denied(get(ref(client(null), "teenPatti/cards/t1/alice")));
  });

  it("signed-in users read the table state; no client writes it or any cards", async () => {
    const spectator = client("spectator");
    assert.equal((await get(ref(spectator, "teenPatti/tables/t1"))).val().hand.pot, 30);
    await denied(get(ref(client(null), "teenPatti/tables/t1")));
    const alice = client("alice");
    await denied(set(ref(alice, "teenPatti/tables/t1/hand/pot"), 0));
    await denied(update(ref(alice, "teenPatti/tables/t1/hand"), { turnUid: "bob" }));
    await denied(remove(ref(alice, "teenPatti/tables/t1")));
    await denied(set(ref(alice, "teenPatti/cards/t1/alice"), { cards: ["Ah", "Ad", "Ac"] }));
    await denied(set(ref(alice, "teenPatti/cards/t1/bob"), null));
  });
});
