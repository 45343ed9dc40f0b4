import { assertFails, assertSucceeds, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { collection, deleteDoc, doc, getDoc, getDocs, setDoc, updateDoc } from "firebase/firestore";
import { firestoreRulesEnvironment } from "../support/rules.js";

describe("rules: progression and badges", () => {
  let env: RulesTestEnvironment;

  before(async () => {
    env = await firestoreRulesEnvironment("demo-rules-progression");
  });
  after(() => env.cleanup());

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, "users/alice"), { uid: "alice", wealthLevel: 2, charmLevel: 0 });
      await setDoc(doc(db, "progression/alice"), { uid: "alice", coinsSpent: 1200, diamondsReceived: 0, wealthLevel: 2, charmLevel: 0 });
      await setDoc(doc(db, "users/alice/badges/first-gift-sent"), { awardedAt: new Date(), source: "ledger:x" });
    });
  });

  const alice = () => env.authenticatedContext("alice").firestore();
  const bob = () => env.authenticatedContext("bob").firestore();
  const admin = () => env.authenticatedContext("root", { roles: ["admin"] }).firestore();
  const anonymous = () => env.unauthenticatedContext().firestore();

  it("progression/{uid}: the owner and admins read; other users and anonymous do not", async () => {
    await assertSucceeds(getDoc(doc(alice(), "progression/alice")));
    await assertSucceeds(getDoc(doc(admin(), "progression/alice")));
    await assertFails(getDoc(doc(bob(), "progression/alice")));
    await assertFails(getDoc(doc(anonymous(), "progression/alice")));
  });

  it("progression and the mirrored levels are never client-written, not even by the owner or an admin", async () => {
    await assertFails(updateDoc(doc(alice(), "progression/alice"), { coinsSpent: 1_000_000 }));
    await assertFails(setDoc(doc(alice(), "progression/bob"), { coinsSpent: 1 }));
    await assertFails(deleteDoc(doc(alice(), "progression/alice")));
    await assertFails(updateDoc(doc(admin(), "progression/alice"), { wealthLevel: 9 }));
    await assertFails(updateDoc(doc(alice(), "users/alice"), { wealthLevel: 9 }));
  });

  it("badges: readable by signed-in users (listable too), not anonymous; never client-written", async () => {
    await assertSucceeds(getDoc(doc(bob(), "users/alice/badges/first-gift-sent")));
    await assertSucceeds(getDocs(collection(bob(), "users/alice/badges")));
    await assertFails(getDoc(doc(anonymous(), "users/alice/badges/first-gift-sent")));
    await assertFails(setDoc(doc(alice(), "users/alice/badges/generous-1000"), { awardedAt: new Date(), source: "me" }));
    await assertFails(updateDoc(doc(alice(), "users/alice/badges/first-gift-sent"), { source: "x" }));
    await assertFails(deleteDoc(doc(alice(), "users/alice/badges/first-gift-sent")));
    await assertFails(setDoc(doc(admin(), "users/bob/badges/followers-100"), { awardedAt: new Date(), source: "admin" }));
  });
});
